// habeas: the little JavaScript the pages use (everything also works without it).
// htmx requests carry the CSRF token as a header, and error responses are shown.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.getAttribute("data-csrf");
  if (token) { event.detail.headers["X-CSRF-Token"] = token; }
});
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status >= 400 && status < 500) { event.detail.shouldSwap = true; event.detail.isError = false; }
});
