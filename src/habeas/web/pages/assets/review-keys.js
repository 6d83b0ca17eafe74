// habeas review queue: the keys s / d / u press the "same" / "different" / "not sure"
// buttons (real form posts: everything also works without this script).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" ||
        (target && target.isContentEditable)) { return; }
    var key = (event.key || "").toLowerCase();
    var button = document.querySelector('#review-pair button[data-key="' + key + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      // a key pressed right after the next pair was swapped in may come before htmx has
      // wired its form: wire it now, so the decision comes back as the next pair with its
      // confirmation and undo button (not as a full page without them)
      if (window.htmx && button.form) { window.htmx.process(button.form); }
      button.click();
    }
  });
  // after htmx swaps in the next pair, put the focus on it so screen readers announce it
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "review-pair") {
      var heading = document.getElementById("review-pair-heading");
      if (heading) { heading.focus(); }
    }
  });
})();
