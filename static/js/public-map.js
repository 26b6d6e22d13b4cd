// 附近的问题: the open problems citizens reported through the public channels, on a phone-first
// map. Each view asks the server for what lies in it (appeals:public_map_points, bbox in
// WGS-84): the problems themselves (category, plain status, age) when there are few, counted
// clusters when many. "我的位置" centres the map on the phone's position.
(function () {
  "use strict";
  const element = document.getElementById("problem-map");
  if (!element || !window.LongchengMap) return;
  const text = element.dataset;
  const summary = document.getElementById("map-summary");
  const list = document.getElementById("problem-list");
  const message = document.getElementById("map-message");
  const locate = document.getElementById("locate-me");

  const made = LongchengMap.create(element, { zoom: 12, boundaries: ["district", "street"] });
  const map = made.map;
  const layer = L.layerGroup().addTo(map);
  let me = null; // the phone's position (WGS-84), once known
  let meMarker = null;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }

  function say(sentence, warn) {
    message.textContent = sentence || "";
    message.classList.toggle("warn", Boolean(warn));
  }

  function drawnAt(lat, lng) {
    const p = made.toMap(lat, lng);
    return L.latLng(p[0], p[1]);
  }

  function distance(point) {
    if (!me) return "";
    const metres = map.distance(drawnAt(me[0], me[1]), drawnAt(point.lat, point.lng));
    const said =
      metres < 1000
        ? fill(text.metres, { n: Math.max(10, Math.round(metres / 10) * 10) })
        : fill(text.kilometres, { n: (metres / 1000).toFixed(1) });
    return fill(text.distance, { d: said });
  }

  function span(className, content) {
    const node = document.createElement("span");
    node.className = className;
    node.textContent = content;
    return node;
  }

  function describe(point, tag) {
    const node = document.createElement(tag);
    node.appendChild(span("category", point.category));
    node.appendChild(span("status", point.status));
    node.appendChild(span("age", point.age));
    const away = distance(point);
    if (away) node.appendChild(span("age", away));
    return node;
  }

  function bbox() {
    const bounds = map.getBounds();
    const sw = made.fromMap(bounds.getSouth(), bounds.getWest());
    const ne = made.fromMap(bounds.getNorth(), bounds.getEast());
    return [sw[1], sw[0], ne[1], ne[0]]
      .map(function (v) {
        return v.toFixed(6);
      })
      .join(",");
  }

  function draw(data) {
    layer.clearLayers();
    list.replaceChildren();
    if (data.clustered) {
      data.clusters.forEach(function (cluster) {
        const size = cluster.count < 10 ? 30 : cluster.count < 100 ? 36 : 44;
        const at = drawnAt(cluster.lat, cluster.lng);
        L.marker(at, {
          icon: L.divIcon({ className: "lc-map-cluster", html: String(cluster.count), iconSize: [size, size] }),
          title: fill(text.cluster, { n: cluster.count }),
          keyboard: true,
        })
          .on("click", function () {
            map.setView(at, Math.min(map.getZoom() + 2, map.getMaxZoom()));
          })
          .addTo(layer);
      });
      summary.textContent = fill(text.many, { n: data.total });
      return;
    }
    summary.textContent = data.total ? fill(text.some, { n: data.total }) : text.none;
    const centre = me ? drawnAt(me[0], me[1]) : map.getCenter();
    const points = data.points.slice().sort(function (a, b) {
      return map.distance(centre, drawnAt(a.lat, a.lng)) - map.distance(centre, drawnAt(b.lat, b.lng));
    });
    points.forEach(function (point) {
      made
        .marker(point.lat, point.lng)
        .bindPopup(function () {
          const popup = describe(point, "div");
          popup.className = "map-popup";
          return popup;
        })
        .addTo(layer);
      list.appendChild(describe(point, "li"));
    });
  }

  let ticket = 0;
  function load() {
    const mine = ++ticket;
    fetch(text.problemsUrl + "?" + new URLSearchParams({ bbox: bbox() }).toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        if (mine !== ticket) return;
        if (message.classList.contains("warn") && message.textContent === text.failed) say("");
        draw(data);
      })
      .catch(function () {
        if (mine === ticket) say(text.failed, true);
      });
  }

  let timer = null;
  map.on("moveend", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  });
  load();

  if (locate) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) {
        say(text.noGeolocation, true);
        return;
      }
      say(text.locating);
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          locate.disabled = false;
          say("");
          me = [position.coords.latitude, position.coords.longitude];
          const at = drawnAt(me[0], me[1]);
          if (meMarker) map.removeLayer(meMarker);
          meMarker = L.marker(at, {
            icon: L.divIcon({ className: "map-me", iconSize: [16, 16] }),
            title: text.me,
            keyboard: false,
          }).addTo(map);
          map.setView(at, 15); // moveend loads what is around
        },
        function (error) {
          locate.disabled = false;
          say(error && error.code === 1 ? text.denied : text.unavailable, true);
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
})();
