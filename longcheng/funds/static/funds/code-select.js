// A select with a search box (no CDN): for every <select data-search>, a box above it keeps
// only the options whose text (name or code) contains what is typed, and picks the first.
(() => {
  document.querySelectorAll("select[data-search]").forEach((select) => {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.search;
    box.setAttribute("aria-label", select.dataset.search);
    box.dataset.searchFor = select.name;
    select.before(box);
    box.addEventListener("input", () => {
      const words = box.value.trim().toLowerCase();
      let first = null;
      select.querySelectorAll("option").forEach((option) => {
        const match = !words || option.textContent.toLowerCase().includes(words);
        option.hidden = !match;
        if (match && !first) first = option;
      });
      select.querySelectorAll("optgroup").forEach((group) => {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (first && words) first.selected = true;
    });
  });
})();
