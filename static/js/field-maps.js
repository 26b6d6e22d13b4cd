// Maps of the field work (static/js/map.js draws the ground): an inspection campaign's
// targets and the construction sites coloured by their state, a patrol's route and findings.
// The page puts its data in a JSON script named by the map element's data-field-map:
//   places: [{lat, lng, colour, name, url, label, detail, lines: [..]}]
//   route:  [[lat, lng], ...]  (a line, in time order)
//   stops:  [{n, lat, lng, colour, name, url, label, detail}]  (numbered markers)
// Points are WGS-84 as stored; the map component shifts them for its tiles.
(function () {
  "use strict";

  function line(parent, text, className) {
    if (!text) return;
    const node = document.createElement("div");
    if (className) node.className = className;
    node.textContent = text;
    parent.appendChild(node);
  }

  // The popup of one place, built from text nodes (names and findings are user input).
  function popup(place) {
    const box = document.createElement("div");
    box.className = "small";
    const title = document.createElement(place.url ? "a" : "strong");
    if (place.url) title.href = place.url;
    title.textContent = place.name;
    title.className = "fw-semibold";
    box.appendChild(title);
    if (place.label) {
      const badge = document.createElement("div");
      const dot = document.createElement("i");
      dot.setAttribute("aria-hidden", "true");
      dot.style.cssText = "display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;background:" + place.colour;
      badge.appendChild(dot);
      badge.appendChild(document.createTextNode(place.label));
      box.appendChild(badge);
    }
    line(box, place.detail, "text-muted");
    (place.lines || []).forEach(function (text) {
      line(box, text);
    });
    return box;
  }

  function draw(element) {
    const source = document.getElementById(element.dataset.fieldMap);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const places = (data.places || []).filter(function (p) {
      return p.lat !== null && p.lng !== null;
    });
    const stops = data.stops || [];
    const route = data.route || [];
    const points = places.length + stops.length;
    const made = LongchengMap.create(element, { zoom: 10, boundaries: ["district", "street"], fit: points === 0 });
    const map = made.map;
    element.leafletMap = map; // for the browser tests
    const drawn = [];

    if (route.length > 1) {
      L.polyline(
        route.map(function (p) {
          return made.toMap(p[0], p[1]);
        }),
        { color: "#9b1c1c", weight: 3, opacity: 0.8, dashArray: "8 6", interactive: false }
      ).addTo(map);
    }
    places.forEach(function (place) {
      const marker = made.marker(place.lat, place.lng, { fillColor: place.colour, radius: 8 });
      marker.bindPopup(popup(place)).bindTooltip(place.name).addTo(map);
      drawn.push(made.toMap(place.lat, place.lng));
    });
    stops.forEach(function (stop) {
      const marker = made.marker(stop.lat, stop.lng, { fillColor: "#ffffff", fillOpacity: 1, color: stop.colour || "#9b1c1c", weight: 3, radius: 11 });
      marker
        .bindPopup(popup(stop))
        .bindTooltip(String(stop.n), { permanent: true, direction: "center", className: "lc-map-label lc-map-stop-number", interactive: false })
        .addTo(map);
      drawn.push(made.toMap(stop.lat, stop.lng));
    });
    if (drawn.length === 1) {
      map.setView(drawn[0], 15);
    } else if (drawn.length > 1) {
      // Clear of the zoom buttons in the top left corner.
      map.fitBounds(L.latLngBounds(drawn), { paddingTopLeft: [56, 28], paddingBottomRight: [28, 28], maxZoom: 15 });
    }
  }

  function start() {
    if (!window.LongchengMap || !window.L) return; // the map's scripts did not load (offline)
    document.querySelectorAll("[data-field-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
