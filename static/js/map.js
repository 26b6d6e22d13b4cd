// Longcheng's map component: Leaflet (served by the app, no CDN) on the city's own tile
// service when one is set, else on a plain ground with the divisions' boundaries and names, so
// that a closed intranet without tiles still has a usable map.
//
// Points are stored in WGS-84 (longcheng.core.geo). When the tiles are drawn in GCJ-02, every
// point is shifted on its way onto the map (toMap) and back when a user picks one (fromMap):
// the same formula as core.geo, tested against the same known points.
(function () {
  "use strict";

  const configNode = document.getElementById("lc-map-config");
  const config = configNode ? JSON.parse(configNode.textContent) : {};

  // ---- WGS-84 <-> GCJ-02 ------------------------------------------------------------------
  const A = 6378245.0;
  const EE = 0.00669342162296594323;

  function outsideChina(lat, lng) {
    return !(lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
  }

  function shift(lat, lng) {
    const x = lng - 105.0;
    const y = lat - 35.0;
    const s = Math.sin;
    const PI = Math.PI;
    let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += ((20.0 * s(6.0 * x * PI) + 20.0 * s(2.0 * x * PI)) * 2) / 3;
    dLat += ((20.0 * s(y * PI) + 40.0 * s((y / 3.0) * PI)) * 2) / 3;
    dLat += ((160.0 * s((y / 12.0) * PI) + 320 * s((y * PI) / 30.0)) * 2) / 3;
    let dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLng += ((20.0 * s(6.0 * x * PI) + 20.0 * s(2.0 * x * PI)) * 2) / 3;
    dLng += ((20.0 * s(x * PI) + 40.0 * s((x / 3.0) * PI)) * 2) / 3;
    dLng += ((150.0 * s((x / 12.0) * PI) + 300.0 * s((x / 30.0) * PI)) * 2) / 3;
    const rad = (lat / 180.0) * PI;
    const magic = 1 - EE * Math.sin(rad) * Math.sin(rad);
    const sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
    dLng = (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(rad) * PI);
    return [dLat, dLng];
  }

  function wgs84ToGcj02(lat, lng) {
    if (outsideChina(lat, lng)) return [lat, lng];
    const d = shift(lat, lng);
    return [lat + d[0], lng + d[1]];
  }

  function gcj02ToWgs84(lat, lng) {
    if (outsideChina(lat, lng)) return [lat, lng];
    let wLat = lat;
    let wLng = lng;
    for (let i = 0; i < 30; i++) {
      const g = wgs84ToGcj02(wLat, wLng);
      const eLat = g[0] - lat;
      const eLng = g[1] - lng;
      wLat -= eLat;
      wLng -= eLng;
      if (Math.abs(eLat) < 1e-10 && Math.abs(eLng) < 1e-10) break;
    }
    return [wLat, wLng];
  }

  const gcjTiles = config.tiles && config.system === "gcj02";

  // A stored (WGS-84) point as drawn on this map, and back.
  function toMap(lat, lng) {
    return gcjTiles ? wgs84ToGcj02(lat, lng) : [lat, lng];
  }
  function fromMap(lat, lng) {
    return gcjTiles ? gcj02ToWgs84(lat, lng) : [lat, lng];
  }
  function coordsToLatLng(coords) {
    const p = toMap(coords[1], coords[0]);
    return L.latLng(p[0], p[1]);
  }

  // ---- Boundaries ---------------------------------------------------------------------------
  const boundaryStyle = {
    district: { color: "#3b5b7a", weight: 1.5, fillColor: "#e9eef3", fillOpacity: 0.55 },
    street: { color: "#6b7f93", weight: 1, fillOpacity: 0, dashArray: "" },
    grid: { color: "#8a99a8", weight: 0.8, fillOpacity: 0, dashArray: "2 3" },
  };

  const labelZoom = { district: 0, street: 12, grid: 14 };

  function addBoundaries(map, level, within) {
    const params = new URLSearchParams({ level: level });
    if (within) params.set("within", within);
    return fetch(config.boundaries + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.json() : { features: [] };
      })
      .catch(function () {
        return { features: [] }; // offline: the map still works, without boundaries
      })
      .then(function (data) {
        const base = boundaryStyle[level] || boundaryStyle.district;
        // Names of small divisions only once they have room: a street's name at city scale
        // would cover the map.
        const labels = L.layerGroup();
        const minZoom = labelZoom[level] || 0;
        function showLabels() {
          if (map.getZoom() >= minZoom) labels.addTo(map);
          else labels.remove();
        }
        map.on("zoomend", showLabels);
        const layer = L.geoJSON(data, {
          coordsToLatLng: coordsToLatLng,
          interactive: false,
          style: function (feature) {
            const approximate = feature.properties.approximate;
            return Object.assign({}, base, approximate ? { dashArray: "4 4" } : {});
          },
          onEachFeature: function (feature, featureLayer) {
            const label = feature.properties.label;
            if (!label || label[0] === null) return;
            const text = feature.properties.name + (feature.properties.approximate ? "（示意）" : "");
            const p = toMap(label[0], label[1]);
            labels.addLayer(
              L.tooltip({ permanent: true, direction: "center", className: "lc-map-label lc-map-label-" + level })
                .setLatLng(p)
                .setContent(text)
            );
            featureLayer.feature = feature;
          },
        });
        layer.addTo(map);
        layer.bringToBack();
        showLabels();
        return layer;
      });
  }

  // ---- The map ------------------------------------------------------------------------------
  // options: zoom, center [lat, lng] (WGS-84), boundaries: list of levels to draw
  // (default ["district"]), within: a division code, fit: open on the boundaries drawn.
  function create(element, options) {
    options = options || {};
    const map = L.map(element, { preferCanvas: true, attributionControl: Boolean(config.tiles) });
    element.leafletMap = map; // for the browser tests
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: config.maxZoom || 18, attribution: config.attribution || "" }).addTo(map);
    } else {
      element.classList.add("lc-map-plain");
      map.setMaxZoom(18);
    }
    const center = options.center || config.center || [37.8706, 112.5489];
    map.setView(toMap(center[0], center[1]), options.zoom || 10);
    const levels = options.boundaries === undefined ? ["district"] : options.boundaries;
    const layers = levels.map(function (level) {
      return addBoundaries(map, level, options.within);
    });
    // `fit`: open on the whole of what the first level covers (the city, or one district), as
    // soon as it is drawn, not after the smaller levels, when the user may have moved already.
    if (options.fit && layers.length) {
      layers[0].then(function (layer) {
        if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      });
    }
    const drawn = Promise.all(layers);
    return {
      map: map,
      boundaries: drawn,
      toMap: toMap,
      fromMap: fromMap,
      // A GeoJSON layer of stored (WGS-84) geometry, drawn in the map's system.
      geoJSON: function (data, layerOptions) {
        return L.geoJSON(data, Object.assign({ coordsToLatLng: coordsToLatLng }, layerOptions || {}));
      },
      marker: function (lat, lng, markerOptions) {
        const p = toMap(lat, lng);
        return L.circleMarker(p, Object.assign({ radius: 7, weight: 2, color: "#fff", fillColor: "#c0392b", fillOpacity: 0.9 }, markerOptions || {}));
      },
    };
  }

  // A pin the user drops (tap or drag) or sets from the phone's location, written into two
  // inputs in WGS-84; `onChange(lat, lng)` is called after each move.
  function pinPicker(element, latInput, lngInput, options) {
    options = options || {};
    const made = create(element, options);
    const map = made.map;
    let pin = null;

    function write(lat, lng) {
      latInput.value = lat.toFixed(6);
      lngInput.value = lng.toFixed(6);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      if (options.onChange) options.onChange(lat, lng);
    }

    function place(drawnLatLng) {
      if (!pin) {
        pin = L.marker(drawnLatLng, {
          draggable: true,
          keyboard: true,
          title: options.pinTitle || "",
          icon: L.divIcon({ className: "lc-map-pin", html: '<i class="bi bi-geo-alt-fill"></i>', iconSize: [32, 32], iconAnchor: [16, 30] }),
        }).addTo(map);
        pin.on("dragend", function () {
          const at = pin.getLatLng();
          const w = fromMap(at.lat, at.lng);
          write(w[0], w[1]);
        });
      } else {
        pin.setLatLng(drawnLatLng);
      }
    }

    map.on("click", function (event) {
      place(event.latlng);
      const w = fromMap(event.latlng.lat, event.latlng.lng);
      write(w[0], w[1]);
    });

    const lat = parseFloat(latInput.value);
    const lng = parseFloat(lngInput.value);
    if (isFinite(lat) && isFinite(lng)) {
      const p = toMap(lat, lng);
      place(L.latLng(p[0], p[1]));
      map.setView(p, 15);
    }

    return {
      map: map,
      // Set from a WGS-84 point (the phone's location), centring the map on it.
      set: function (wLat, wLng) {
        const p = toMap(wLat, wLng);
        place(L.latLng(p[0], p[1]));
        map.setView(p, Math.max(map.getZoom(), 15));
        write(wLat, wLng);
      },
      clear: function () {
        if (pin) map.removeLayer(pin);
        pin = null;
        latInput.value = "";
        lngInput.value = "";
        if (options.onChange) options.onChange(null, null);
      },
    };
  }

  window.LongchengMap = {
    config: config,
    create: create,
    pinPicker: pinPicker,
    toMap: toMap,
    fromMap: fromMap,
    wgs84ToGcj02: wgs84ToGcj02,
    gcj02ToWgs84: gcj02ToWgs84,
  };
  document.dispatchEvent(new Event("longcheng:map-ready"));
})();
