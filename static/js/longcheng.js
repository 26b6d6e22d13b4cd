// Behaviour the templates declare with data attributes, so that no page needs an inline
// script or handler (the Content-Security-Policy allows scripts from this site only).
(() => {
  // data-confirm on a form: ask before it is sent; on a button or link: ask before the click.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  }, true);
  document.addEventListener("click", (event) => {
    const element = event.target.closest("[data-confirm]:not(form)");
    if (element && !window.confirm(element.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // data-select-all="selector": a checkbox that ticks or clears every box the selector names.
  document.addEventListener("click", (event) => {
    const box = event.target.closest("[data-select-all]");
    if (box) document.querySelectorAll(box.dataset.selectAll).forEach((c) => { c.checked = box.checked; });
  });
  // data-print: a link that prints the page (a volunteer's schedule).
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });
  // data-locate on a form: when a file is chosen, the phone's position (if it gives one within
  // ten seconds) fills the form's latitude, longitude and accuracy fields; the status line says
  // which. Refused or unavailable, the file is still sent, without a position.
  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-locate]");
    if (!form || event.target.type !== "file" || !event.target.files.length) return;
    const status = form.querySelector("[data-locate-status]");
    const say = (key) => { if (status) status.textContent = status.dataset[key] || ""; };
    const fill = (coords) => {
      for (const name of ["latitude", "longitude", "accuracy"]) {
        form.elements[name].value = coords ? coords[name] : "";
      }
      say(coords ? "located" : "noPosition");
    };
    if (!navigator.geolocation) { fill(null); return; }
    say("locating");
    navigator.geolocation.getCurrentPosition(
      (position) => fill(position.coords),
      () => fill(null),
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  });
  // data-searchable="placeholder" on a select: a box above it narrows its options (and their
  // groups) to those containing the typed words: a city's few hundred units, the industry and
  // division code lists. A single choice follows the first match, so that typing a name or a
  // code and sending the form works; in a multiple choice the chosen options always stay.
  document.querySelectorAll("select[data-searchable]").forEach((select) => {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.searchable;
    box.setAttribute("aria-label", select.dataset.searchable);
    if (select.id) box.setAttribute("aria-controls", select.id);
    box.dataset.searchFor = select.name;
    box.dataset.testid = "filter-" + select.name;
    select.before(box);
    box.addEventListener("input", () => {
      const words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let first = null;
      for (const option of select.options) {
        const match = words.every((w) => option.textContent.toLowerCase().includes(w));
        option.hidden = !(match || (select.multiple && option.selected));
        if (match && !first && option.value) first = option;
      }
      select.querySelectorAll("optgroup").forEach((group) => {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (!select.multiple && first && words.length) first.selected = true;
    });
  });
  // data-autosubmit: a select that sends its form when changed (the language switch).
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  });
})();
