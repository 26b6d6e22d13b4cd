// 龙城执法 on a phone: installs the field app (manifest + service worker at the site root) and
// asks the worker to keep this user's visit and patrol pages for use with no signal. The
// worker answers when they are kept; the page then says so (#field-offline).
(() => {
  "use strict";
  const script = document.currentScript;
  const badge = document.getElementById("field-offline");
  if (script.dataset.manifest && !document.querySelector("link[rel=manifest]")) {
    const link = document.createElement("link");
    link.rel = "manifest";
    link.href = script.dataset.manifest;
    document.head.appendChild(link);
  }
  if (!("serviceWorker" in navigator) || !script.dataset.sw) return;

  const show = (text, ready) => {
    if (!badge) return;
    badge.textContent = text;
    badge.classList.remove("d-none");
    badge.dataset.ready = ready ? "1" : "0";
  };

  navigator.serviceWorker.addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.type !== "kept") return;
    if (message.count === null) {
      if (!navigator.onLine && navigator.serviceWorker.controller) show(badge?.dataset.offline || "", true);
      return;
    }
    show(badge?.dataset.kept || "", true);
  });

  const askToKeep = async () => {
    const registration = await navigator.serviceWorker.ready;
    (navigator.serviceWorker.controller || registration.active)?.postMessage({ type: "refresh" });
  };

  // Signing out on this phone throws the kept pages away (the worker also sees the request).
  // Any other form (a patrol finding) needs signal: with none, the page says so and keeps
  // what was typed instead of showing the browser's error page.
  document.addEventListener("submit", (event) => {
    if (event.target.matches("form[action$='/logout/']")) {
      navigator.serviceWorker.controller?.postMessage({ type: "forget" });
    } else if (!navigator.onLine) {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (badge) {
        show(badge.dataset.noSend || "", false);
        badge.className = "badge text-bg-danger text-wrap";
      }
    }
  }, true);

  navigator.serviceWorker
    .register(script.dataset.sw, { scope: "/" })
    .then(() => {
      if (navigator.serviceWorker.controller) return askToKeep();
      // The first visit: the worker takes the page over once it is active.
      navigator.serviceWorker.addEventListener("controllerchange", askToKeep, { once: true });
      return undefined;
    })
    .catch(() => show(badge?.dataset.failed || "", false));
  window.addEventListener("online", askToKeep);
})();
