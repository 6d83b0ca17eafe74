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
