// The 12345 workbench: the caller's history once 11 digits of the phone are typed (debounced;
// it looks again when the title, content or category change, to tell a similar open matter),
// the category's extra questions, and the 即时办结 section shown for consultations only.
(function () {
  "use strict";
  const form = document.getElementById("workbench-form");
  if (!form) return;
  const phone = document.getElementById("id_reporter_phone");
  const title = document.getElementById("id_title");
  const description = document.getElementById("id_description");
  const category = document.getElementById("id_category");
  const kind = document.getElementById("id_kind");
  const history = document.getElementById("caller-history");
  const questions = document.getElementById("intake-questions");
  const onCall = document.getElementById("on-call");
  const article = document.getElementById("id_knowledge_article");
  const answer = document.getElementById("id_answer_text");
  const used = document.getElementById("knowledge-used");

  function digits() {
    return (phone.value || "").replace(/\D/g, "");
  }

  let timer = null;
  let asked = 0;
  let lastQuery = "";
  function lookUp(force) {
    const number = digits();
    if (number.length !== 11) return;
    const query = new URLSearchParams({
      phone: number,
      title: (title.value || "").slice(0, 200),
      description: (description.value || "").slice(0, 1000),
      category: category.value || "",
    }).toString();
    if (!force && query === lastQuery) return;
    lastQuery = query;
    const ticket = ++asked;
    fetch(form.dataset.callerUrl + "?" + query, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        if (ticket !== asked) return;
        history.innerHTML = html;
        history.querySelectorAll("details[data-follow]").forEach(function (details) {
          details.addEventListener("toggle", function () {
            const words = details.querySelector("[data-follow-words]");
            if (details.open && words && !words.value) {
              words.value = [title.value, description.value].filter(Boolean).join("：");
            }
          });
        });
      })
      .catch(function () {
        if (ticket === asked) history.textContent = "来电记录暂时查询不到，请稍后再试。";
      });
  }
  function later(force) {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      lookUp(force);
    }, 350);
  }
  phone.addEventListener("input", function () {
    later(true);
  });
  [title, description].forEach(function (input) {
    input.addEventListener("change", function () {
      later(false);
    });
  });

  let questionsAsked = 0;
  category.addEventListener("change", function () {
    later(false);
    const ticket = ++questionsAsked;
    const query = new URLSearchParams({ category: category.value || "" }).toString();
    fetch(form.dataset.questionsUrl + "?" + query, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        if (ticket === questionsAsked) questions.innerHTML = html;
      });
  });

  function showOnCall() {
    onCall.hidden = kind.value !== "consultation";
  }
  kind.addEventListener("change", showOnCall);
  showOnCall();

  // The knowledge panel tells which article it inserted (a "knowledge:insert" event with
  // detail.article, or data-article on the element it fired from); a hand-typed answer
  // that replaces it leaves the reference as long as the text still holds the article's.
  document.addEventListener("knowledge:insert", function (event) {
    const id = event.detail && (event.detail.article || event.detail.id);
    if (id && article) {
      article.value = String(id);
      if (used) used.hidden = false;
    }
  });
  // The knowledge panel (static/js/knowledge-suggest.js) fills the hidden knowledge_article
  // and fires "change" on it.
  if (article && used) {
    article.addEventListener("change", function () {
      used.hidden = !article.value;
    });
  }
  if (answer && used && article) {
    answer.addEventListener("input", function () {
      if (!answer.value.trim()) {
        article.value = "";
        used.hidden = true;
      }
    });
  }

  if (digits().length === 11) lookUp(true);
})();
