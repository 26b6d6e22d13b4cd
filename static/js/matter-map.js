// The matters map (loop/map.html): asks the server for the viewport's clusters and points
// (loop.map_views.MatterMapDataView) whenever the map moves or a filter changes; a cluster
// zooms in when clicked, a matter opens. Points are stored in WGS-84: the map component
// (static/js/map.js) converts them for the tiles drawn.
(function () {
  "use strict";

  function start() {
    const element = document.getElementById("matter-map");
    if (!element || !window.LongchengMap || element.dataset.started) return;
    element.dataset.started = "1";
    const options = JSON.parse(document.getElementById("matter-map-options").textContent);
    const layers = JSON.parse(document.getElementById("matter-map-layers").textContent);
    const text = options.text;
    const form = document.getElementById("map-filters");
    const count = document.getElementById("map-count");
    const notice = document.getElementById("map-notice");
    const listLink = document.getElementById("map-list-link");

    const made = LongchengMap.create(element, { zoom: 10, boundaries: ["district", "street"], fit: true });
    const map = made.map;
    map.setMinZoom(8);
    const matters = L.layerGroup().addTo(map);
    let asked = 0;
    let filtersChanged = true;

    function format(template, values) {
      return template.replace(/%\((\w+)\)s/g, function (_m, key) {
        return values[key];
      });
    }

    function filterParams() {
      const params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value !== "") params.set(key, value);
      });
      return params;
    }

    function viewport() {
      const b = map.getBounds();
      const sw = made.fromMap(b.getSouth(), b.getWest());
      const ne = made.fromMap(b.getNorth(), b.getEast());
      const clamp = function (v, limit) {
        return Math.max(-limit, Math.min(limit, v)).toFixed(6);
      };
      return [clamp(sw[1], 180), clamp(sw[0], 90), clamp(ne[1], 180), clamp(ne[0], 90)].join(",");
    }

    function showNotice(message) {
      notice.textContent = message || "";
      notice.classList.toggle("d-none", !message);
    }

    function clusterIcon(cluster) {
      const size = Math.round(30 + 10 * Math.log10(cluster.count));
      const late = cluster.overdue > 0;
      return L.divIcon({
        className: "lc-map-cluster matter-map-cluster" + (late ? " matter-map-cluster-late" : ""),
        html: "<span>" + cluster.count + "</span>",
        iconSize: [size, size],
      });
    }

    function pointIcon(point) {
      return L.divIcon({
        className: "matter-map-point" + (point.overdue ? " matter-map-point-late" : ""),
        html: point.overdue ? '<i class="bi bi-alarm-fill" aria-hidden="true"></i>' : "",
        iconSize: point.overdue ? [20, 20] : [14, 14],
      });
    }

    function draw(data) {
      matters.clearLayers();
      data.clusters.forEach(function (cluster) {
        const label = cluster.overdue
          ? format(text.clusterLate, { n: cluster.count, late: cluster.overdue })
          : format(text.cluster, { n: cluster.count });
        const p = made.toMap(cluster.lat, cluster.lng);
        const marker = L.marker(p, { icon: clusterIcon(cluster), title: label, alt: label, keyboard: true, riseOnHover: true });
        marker.on("click", function () {
          map.setView(p, Math.min(map.getZoom() + 2, 18));
        });
        marker.addTo(matters);
      });
      data.points.forEach(function (point) {
        const label = point.number + " " + point.title + " · " + point.status + (point.overdue ? " · " + text.late : "");
        const marker = L.marker(made.toMap(point.lat, point.lng), {
          icon: pointIcon(point),
          title: label,
          alt: label,
          keyboard: true,
          zIndexOffset: point.overdue ? 1000 : 0,
        });
        marker.on("click", function () {
          window.location.href = point.url;
        });
        marker.addTo(matters);
      });
      let summary = format(text.inView, { n: data.in_view });
      if (data.totals) count.dataset.totals = format(text.totals, { n: data.totals.matching, unplaced: data.totals.unplaced });
      if (count.dataset.totals) summary += " · " + count.dataset.totals;
      count.textContent = summary;
      count.dataset.inView = String(data.in_view);
      showNotice(data.truncated ? format(text.truncated, { n: options.pointsMax }) : "");
    }

    function load() {
      const params = filterParams();
      params.set("bbox", viewport());
      params.set("zoom", String(map.getZoom()));
      if (filtersChanged) params.set("totals", "1");
      const mine = ++asked;
      element.setAttribute("aria-busy", "true");
      fetch(options.data + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (answer) {
          if (mine !== asked) return; // a later move asked again
          element.removeAttribute("aria-busy");
          if (!answer.ok) {
            showNotice(answer.body.error || text.failed);
            return;
          }
          filtersChanged = false;
          draw(answer.body);
        })
        .catch(function () {
          if (mine !== asked) return;
          element.removeAttribute("aria-busy");
          showNotice(text.failed);
        });
    }

    function filtersMoved() {
      const params = filterParams();
      history.replaceState(null, "", "?" + params.toString());
      const list = new URLSearchParams();
      if (params.get("box") && params.get("box") !== "open") list.set("box", params.get("box"));
      ["status", "channel", "urgency", "category"].forEach(function (key) {
        if (params.get(key)) list.set(key, params.get(key));
      });
      listLink.href = listLink.pathname + (list.toString() ? "?" + list.toString() : "");
      filtersChanged = true;
      delete count.dataset.totals;
      load();
    }

    form.addEventListener("change", filtersMoved);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      filtersMoved();
    });

    // Layers other apps add (the hot spots' areas): off until turned on.
    const overlays = {};
    layers.forEach(function (layer) {
      overlays[layer.label] = made.geoJSON(layer.features, {
        style: { color: "#d97706", weight: 2, fillColor: "#f59e0b", fillOpacity: 0.25 },
        onEachFeature: function (feature, featureLayer) {
          const props = feature.properties || {};
          if (props.label) featureLayer.bindTooltip(props.label, { sticky: true });
          if (props.url) {
            featureLayer.on("click", function () {
              window.location.href = props.url;
            });
          }
        },
      });
    });
    if (layers.length) L.control.layers(null, overlays, { collapsed: window.innerWidth < 576, position: "topright" }).addTo(map);

    made.boundaries
      .catch(function () {
        return [];
      })
      .then(function () {
        map.on("moveend", load);
        load();
      });
  }

  if (window.LongchengMap) start();
  else document.addEventListener("longcheng:map-ready", start);
  document.addEventListener("DOMContentLoaded", start);
})();
