// habeas: the map pages (facilities, transfers, a person's route), drawn with the vendored
// Leaflet on the shipped country outlines. No tiles and nothing from another origin: the
// basemap is /static/countries-110m.geojson. Every map has a table beside it with the same
// data, so the page is complete without JavaScript.
(function () {
  "use strict";

  function text(value) { return value === null || value === undefined ? "" : String(value); }

  function tooltip(layer, lines) {
    var box = document.createElement("div");
    lines.forEach(function (line, i) {
      if (i) { box.appendChild(document.createElement("br")); }
      box.appendChild(document.createTextNode(text(line)));
    });
    layer.bindTooltip(box, { sticky: true });
  }

  function weight(persons, largest) {
    if (typeof persons !== "number" || !largest) { return 2; }
    return 2 + Math.round(6 * Math.sqrt(persons / largest));
  }

  // An arrowhead halfway along a transfer, pointing where the people were taken (drawn in
  // the Web Mercator plane at zoom 0, so it points the right way at every zoom).
  function arrow(map, from, to) {
    var a = map.project(L.latLng(from), 0);
    var b = map.project(L.latLng(to), 0);
    var dx = b.x - a.x, dy = b.y - a.y;
    var length = Math.sqrt(dx * dx + dy * dy) || 1;
    var size = Math.min(Math.max(length * 0.08, 0.6), 2.5);
    var ux = dx / length, uy = dy / length;
    var tip = L.point(a.x + dx * 0.55, a.y + dy * 0.55);
    var back = L.point(tip.x - ux * size, tip.y - uy * size);
    var left = L.point(back.x - uy * size * 0.6, back.y + ux * size * 0.6);
    var right = L.point(back.x + uy * size * 0.6, back.y - ux * size * 0.6);
    return L.polyline(
      [map.unproject(left, 0), map.unproject(tip, 0), map.unproject(right, 0)],
      { className: "map-transfer-arrow", weight: 3, interactive: false }
    );
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-map"));
    if (!source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var map = L.map(element, {
      zoomSnap: 0.5,
      worldCopyJump: false,
      maxBounds: [[-85, -200], [85, 200]],
      attributionControl: true,
      scrollWheelZoom: false
    });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(text(data.attribution));
    var bounds = [];
    var points = L.featureGroup().addTo(map);

    (data.transfers || []).forEach(function (t) {
      var largest = data.largest || 0;
      var line = L.polyline([t.from, t.to], {
        className: "map-transfer",
        weight: weight(t.persons, largest),
        opacity: 0.85
      }).addTo(points);
      tooltip(line, [t.label, t.detail]);
      arrow(map, t.from, t.to).addTo(points);
      bounds.push(t.from, t.to);
    });

    if (data.route && data.route.length > 1) {
      L.polyline(data.route, { className: "map-route", weight: 3, dashArray: "6 4" }).addTo(points);
    }

    (data.places || []).forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], {
        className: "map-facility" + (p.emphasis ? " map-facility-main" : ""),
        radius: p.emphasis ? 8 : 6,
        weight: 2,
        fillOpacity: 0.9
      }).addTo(points);
      tooltip(marker, [p.label, p.detail]);
      if (p.url) {
        marker.on("click", function () { window.location.href = p.url; });
      }
      if (p.number) {
        L.marker([p.lat, p.lon], {
          icon: L.divIcon({ className: "map-stop-number", html: text(p.number), iconSize: [18, 18] }),
          keyboard: false,
          interactive: false
        }).addTo(points);
      }
      bounds.push([p.lat, p.lon]);
    });

    if (bounds.length === 1) {
      map.setView(bounds[0], data.zoom || 6);
    } else if (bounds.length > 1) {
      map.fitBounds(L.latLngBounds(bounds).pad(0.25), { maxZoom: 7 });
    } else {
      map.setView([15, -40], 2);
    }

    fetch(data.basemap, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (countries) {
        var layer = L.geoJSON(countries, {
          interactive: false,
          style: function () {
            return { className: "map-country", weight: 0.7, fillOpacity: 1 };
          }
        }).addTo(map);
        layer.bringToBack();
        element.setAttribute("data-ready", "true");
      })
      .catch(function () { element.setAttribute("data-ready", "failed"); });
  }

  function start() {
    var maps = document.querySelectorAll("[data-map]");
    for (var i = 0; i < maps.length; i++) { draw(maps[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
