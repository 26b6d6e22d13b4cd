// "使用模板": an element [data-answer-templates="<url>"] beside a textarea
// ([data-target] selector) becomes a select of the answer templates the URL returns (JSON
// {templates: [{id, title, scope, text}]}, placeholders already filled in). Choosing one
// fills the textarea; text already typed is replaced only after asking. With
// [data-category-source] the chosen category is sent along and a change reloads the list.
(function () {
  "use strict";

  function setUp(box) {
    const target = document.querySelector(box.dataset.target);
    if (!target) return;
    const source = box.dataset.categorySource
      ? document.querySelector(box.dataset.categorySource)
      : null;
    let asked = 0;

    function load() {
      const ticket = ++asked;
      const url = new URL(box.dataset.answerTemplates, window.location.href);
      if (source && source.value) url.searchParams.set("category", source.value);
      fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { templates: [] };
        })
        .then(function (data) {
          if (ticket === asked) render(data.templates || []);
        })
        .catch(function () {
          if (ticket === asked) render([]);
        });
    }

    function render(templates) {
      box.textContent = "";
      if (!templates.length) return;
      const label = document.createElement("label");
      const id = "tpl-" + target.id;
      label.className = "form-label small mb-1";
      label.htmlFor = id;
      label.textContent = "使用模板";
      const select = document.createElement("select");
      select.className = "form-select form-select-sm";
      select.id = id;
      select.setAttribute("data-testid", "template-picker");
      const first = document.createElement("option");
      first.value = "";
      first.textContent = "选择答复模板（" + templates.length + " 条）";
      select.appendChild(first);
      templates.forEach(function (template, index) {
        const option = document.createElement("option");
        option.value = String(index);
        option.textContent = template.title + "（" + template.scope + "）";
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        const chosen = templates[Number(select.value)];
        if (!chosen) return;
        if (target.value.trim() && target.value !== chosen.text) {
          if (!window.confirm("用模板替换已填写的内容吗？")) {
            select.value = "";
            return;
          }
        }
        target.value = chosen.text;
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
      });
      box.appendChild(label);
      box.appendChild(select);
    }

    if (source) source.addEventListener("change", load);
    load();
  }

  document.querySelectorAll("[data-answer-templates]").forEach(setUp);
})();
