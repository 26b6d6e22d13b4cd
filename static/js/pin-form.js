// The appeal forms' place (the public phone form, the QR-code point form, the special
// supervisor's report): "使用我的位置" (the phone's GPS position, WGS-84 as phones report it)
// or a pin dropped or dragged on the map fills the hidden latitude and longitude; under the
// map the district and street found from the point are shown (appeals:public_place). The
// typed address stays; the page works without any of this.
(function () {
  "use strict";
  const box = document.getElementById("place");
  const element = document.getElementById("place-map");
  if (!box || !element || !window.LongchengMap) return;
  const text = box.dataset;
  const lat = document.getElementById("id_latitude");
  const lng = document.getElementById("id_longitude");
  const found = document.getElementById("place-found");
  const names = document.getElementById("place-names");
  const message = document.getElementById("place-message");
  const locate = document.getElementById("use-location");
  const clear = document.getElementById("place-clear");

  element.hidden = false;
  if (locate) locate.hidden = false;

  function say(sentence, warn) {
    message.textContent = sentence || "";
    message.classList.toggle("warn", Boolean(warn));
  }

  // Only the latest answer counts: a pin dragged twice asks twice.
  let asked = 0;
  function lookup(pointLat, pointLng) {
    const ticket = ++asked;
    found.hidden = false;
    names.textContent = text.looking;
    const query = new URLSearchParams({ lat: pointLat.toFixed(6), lng: pointLng.toFixed(6) });
    fetch(text.placeUrl + "?" + query.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (answer) {
        if (ticket !== asked) return;
        if (!answer.ok) {
          names.textContent = text.pinned;
          say(answer.data.error || "", true);
          return;
        }
        if (message.classList.contains("warn")) say("");
        names.textContent = answer.data.text || text.unknownPlace;
      })
      .catch(function () {
        if (ticket === asked) names.textContent = text.pinned;
      });
  }

  const center = text.center ? text.center.split(",").map(Number) : undefined;
  const picker = LongchengMap.pinPicker(element, lat, lng, {
    zoom: center ? 14 : 11,
    center: center,
    boundaries: ["district", "street"],
    pinTitle: text.pinTitle,
    onChange: function (pointLat, pointLng) {
      if (pointLat === null) {
        asked++;
        found.hidden = true;
        names.textContent = "";
        say("");
        return;
      }
      // A pin is a place: the typed address is no longer missing.
      const address = document.getElementById("id_address");
      if (address) address.classList.remove("is-invalid");
      lookup(pointLat, pointLng);
    },
  });
  // The form came back with an error: the pin is where it was, and so are its names.
  if (lat.value && lng.value && isFinite(parseFloat(lat.value)) && isFinite(parseFloat(lng.value))) {
    lookup(parseFloat(lat.value), parseFloat(lng.value));
  }

  if (locate) {
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
          const metres = Math.round(position.coords.accuracy || 0);
          picker.set(position.coords.latitude, position.coords.longitude);
          say(metres >= 1 ? text.located.replace("{m}", String(metres)) : text.locatedPlain);
        },
        function (error) {
          locate.disabled = false;
          say(error && error.code === 1 ? text.denied : text.unavailable, true);
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
  if (clear) {
    clear.addEventListener("click", function () {
      picker.clear();
    });
  }
})();
