// Knowledge suggestions while typing (知识推荐). Enhances every element with the attribute
// data-knowledge-suggest:
//   data-url       the suggest address (GET ?q=…&category=… → {"articles": [...]})
//   data-source    CSS selectors (comma-separated) of the inputs/textareas to watch
//   data-category  optional: selector of a <select> whose value is sent as category
//   data-insert    selector of the textarea that "插入答复" appends the article's answer to;
//                  a hidden input [name=knowledge_article] in that textarea's form, if there
//                  is one, receives the article's id.
// Texts shown come from the element's data-* labels (translated by the template). No inline
// script, no innerHTML: everything is built with textContent (CSP, and the answers are text).
(function () {
  "use strict";

  const DELAY = 300;
  const MAX_CHARS = 2000;
  const EXCERPT = 80;

  function all(selector) {
    if (!selector) return [];
    try {
      return Array.from(document.querySelectorAll(selector));
    } catch (error) {
      return [];
    }
  }

  function one(selector) {
    return all(selector)[0] || null;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function excerpt(text) {
    const flat = (text || "").replace(/\s+/g, " ").trim();
    return flat.length > EXCERPT ? flat.slice(0, EXCERPT) + "…" : flat;
  }

  function insertAnswer(panel, article) {
    const target = one(panel.dataset.insert);
    if (!target) return;
    const before = target.value.replace(/\s+$/, "");
    target.value = before ? before + "\n" + article.answer : article.answer;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
    const form = target.form || target.closest("form");
    const hidden = form ? form.querySelector("input[name=knowledge_article]") : null;
    if (hidden) {
      hidden.value = String(article.id);
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    panel.dataset.inserted = String(article.id);
  }

  function render(panel, articles) {
    const list = panel.querySelector("[data-role=list]");
    const status = panel.querySelector("[data-role=status]");
    list.replaceChildren();
    if (!articles.length) {
      status.textContent = panel.dataset.none || "";
      status.hidden = false;
      return;
    }
    status.hidden = true;
    articles.forEach(function (article) {
      const item = element("li", "knowledge-suggest-item border-top py-2");
      item.dataset.articleId = String(article.id);
      const head = element("div", "d-flex flex-wrap align-items-baseline gap-1");
      const title = element("a", "fw-semibold me-1", article.title);
      title.href = article.url;
      title.target = "_blank";
      title.rel = "noopener";
      head.append(title);
      head.append(element("span", "badge text-bg-light border", article.kind));
      head.append(element("span", "small text-muted", article.unit));
      item.append(head);
      item.append(element("div", "small text-muted knowledge-suggest-excerpt", excerpt(article.answer)));
      const foot = element("div", "d-flex align-items-center gap-2 mt-1");
      const button = element("button", "btn btn-sm btn-outline-primary", panel.dataset.insertLabel || "插入答复");
      button.type = "button";
      button.dataset.role = "insert";
      button.addEventListener("click", function () {
        insertAnswer(panel, article);
      });
      foot.append(button);
      if (article.valid_until) {
        foot.append(element("span", "small text-muted", (panel.dataset.untilLabel || "") + " " + article.valid_until));
      }
      item.append(foot);
      list.append(item);
    });
  }

  function enhance(panel) {
    if (panel.dataset.knowledgeReady) return;
    panel.dataset.knowledgeReady = "1";
    const url = panel.dataset.url;
    const sources = all(panel.dataset.source);
    const category = one(panel.dataset.category);
    const status = panel.querySelector("[data-role=status]");
    let timer = null;
    let controller = null;
    let asked = "";

    function text() {
      return sources
        .map(function (field) {
          return (field.value || "").trim();
        })
        .filter(Boolean)
        .join("\n")
        .slice(0, MAX_CHARS);
    }

    function ask() {
      const q = text();
      const categoryValue = category ? category.value || "" : "";
      const key = q + "\u0000" + categoryValue;
      if (key === asked) return;
      asked = key;
      if (controller) controller.abort();
      if (!q) {
        panel.querySelector("[data-role=list]").replaceChildren();
        status.textContent = panel.dataset.empty || "";
        status.hidden = false;
        return;
      }
      controller = new AbortController();
      const params = new URLSearchParams({ q: q });
      if (/^\d+$/.test(categoryValue)) params.set("category", categoryValue);
      panel.setAttribute("aria-busy", "true");
      fetch(url + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
        signal: controller.signal,
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          render(panel, data.articles || []);
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          asked = "";
          status.textContent = panel.dataset.failed || "";
          status.hidden = false;
        })
        .finally(function () {
          panel.removeAttribute("aria-busy");
        });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    }

    sources.forEach(function (field) {
      field.addEventListener("input", later);
    });
    if (category) category.addEventListener("change", later);
    if (text()) ask();
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("[data-knowledge-suggest]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
  // Panels that htmx swaps in later.
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelectorAll) enhanceAll(event.target);
    if (event.target && event.target.matches && event.target.matches("[data-knowledge-suggest]")) {
      enhance(event.target);
    }
  });
})();
