// The divisions page: districts and, where imported, streets and grids.
(function () {
  "use strict";
  const element = document.getElementById("division-map");
  if (!element || !window.LongchengMap) return;
  LongchengMap.create(element, { zoom: 9, fit: true, boundaries: ["district", "street", "grid"] });
})();
