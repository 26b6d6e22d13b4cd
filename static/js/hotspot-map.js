// The hot spot page (routing/hotspots.html): each hot spot's area on the map, named; a click
// opens its matters. The areas are stored in WGS-84; the map component converts them.
(function () {
  "use strict";

  const palette = ["#d97706", "#b91c1c", "#7c3aed", "#0891b2", "#15803d", "#db2777", "#1d4ed8", "#65a30d"];

  function start() {
    const element = document.getElementById("hotspot-map");
    const source = document.getElementById("hotspot-areas");
    if (!element || !source || !window.LongchengMap || element.dataset.started) return;
    element.dataset.started = "1";
    const areas = JSON.parse(source.textContent);
    const made = LongchengMap.create(element, { zoom: 10, boundaries: ["district"] });
    const layer = made.geoJSON(areas, {
      style: function (feature) {
        const colour = palette[feature.properties.index % palette.length];
        return { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.3 };
      },
      onEachFeature: function (feature, featureLayer) {
        featureLayer.bindTooltip(feature.properties.label, { sticky: true });
        featureLayer.on("click", function () {
          window.location.href = feature.properties.url;
        });
      },
    }).addTo(made.map);
    if (layer.getLayers().length) made.map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 15 });
  }

  if (window.LongchengMap) start();
  else document.addEventListener("longcheng:map-ready", start);
  document.addEventListener("DOMContentLoaded", start);
})();
