// The inspection visit on a phone. Every answer, photo and the final submission is first
// written to an outbox in IndexedDB on the device, then sent in order when the network allows.
// Each operation carries its own id, so a resend after a dropped connection lands only once.
// A problem noted carries 发现时间 (when it was seen, by default when it was first noted); a
// photo carries the time and, when the phone allows, the position it was taken at.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("visit-data").textContent);
  const text = JSON.parse(document.getElementById("visit-text").textContent);
  const statusBox = document.getElementById("sync-status");
  const draftKey = `lc-visit-${data.visit}-draft`;
  const csrf = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] || "";
  const draft = JSON.parse(localStorage.getItem(draftKey) || "{}");
  let db;
  let flushing = false;
  let submitted = data.submitted;

  // — IndexedDB outbox —
  const openDb = () =>
    new Promise((resolve, reject) => {
      const request = indexedDB.open("longcheng-visits", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const store = (mode) => db.transaction("outbox", mode).objectStore("outbox");
  const asPromise = (request) =>
    new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const pending = async () => (await asPromise(store("readonly").getAll())).filter((op) => op.visit === data.visit);
  const opId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);

  async function enqueue(kind, payload, blob) {
    await asPromise(store("readwrite").add({ visit: data.visit, op_id: opId(), kind, payload, blob: blob || null }));
    await showStatus();
    flush();
  }

  async function flush() {
    if (flushing || !navigator.onLine) return showStatus();
    flushing = true;
    try {
      for (const op of await pending()) {
        const body = new FormData();
        body.append("op_id", op.op_id);
        body.append("kind", op.kind);
        body.append("payload", JSON.stringify(op.payload));
        if (op.blob) body.append("file", op.blob, `${op.op_id}.jpg`);
        let response;
        try {
          response = await fetch(data.sync_url, { method: "POST", body, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" });
        } catch (error) {
          break; // offline again: keep the operation, try later
        }
        if (response.status >= 500) break;
        const reply = await response.json().catch(() => ({}));
        await asPromise(store("readwrite").delete(op.seq));
        if (!response.ok) {
          showProblems([`${text.refused}${reply.error || response.status}`]);
          continue;
        }
        if (op.kind === "submit" && reply.visit_status === "submitted") {
          submitted = true;
          localStorage.removeItem(draftKey);
          statusBox.className = "alert alert-success py-1 px-2 small sticky-top";
          statusBox.innerHTML = `${text.submitted} <a href="${data.done_url}">→</a>`;
          setTimeout(() => (window.location.href = data.done_url), 800);
        }
      }
    } finally {
      flushing = false;
    }
    await showStatus();
  }

  async function showStatus() {
    const count = (await pending()).length;
    if (submitted && !count) {
      statusBox.className = "alert alert-success py-1 px-2 small sticky-top";
      statusBox.textContent = text.submitted;
      return;
    }
    const online = navigator.onLine;
    statusBox.className = `alert ${online ? (count ? "alert-warning" : "alert-success") : "alert-danger"} py-1 px-2 small sticky-top`;
    statusBox.textContent = `${online ? text.online : text.offline} · ${count ? `${text.pending} ${count}` : text.synced}`;
    statusBox.dataset.pending = String(count);
  }

  // — Answers —
  const saveDraft = () => localStorage.setItem(draftKey, JSON.stringify(draft));

  // 发现时间: a datetime-local input (the phone's local time); sent as an instant.
  const localInput = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const started = data.started_at ? new Date(data.started_at) : null;

  function showFoundAt(box, answer) {
    const row = box.querySelector(".found-at");
    const input = row.querySelector("input");
    const needed = Boolean(answer.note) || answer.verdict === "fail" || Boolean(input.value);
    row.classList.toggle("d-none", !needed);
    input.max = localInput(new Date());
    if (needed && !input.value) input.value = localInput(new Date());
  }

  function readItem(box) {
    const id = Number(box.dataset.item);
    const answer = { item: id, note: box.querySelector("[name=note]").value.trim() };
    const found = box.querySelector("[name=found_at]").value;
    if (found) answer.found_at = new Date(found).toISOString();
    const checked = box.querySelector(`input[name=verdict-${id}]:checked`);
    if (checked) answer.verdict = checked.value;
    for (const name of ["score", "number", "text"]) {
      const input = box.querySelector(`[name=${name}]`);
      if (input) answer[name] = input.value.trim();
    }
    return answer;
  }

  function fillItem(box, answer) {
    if (!answer) return;
    const id = box.dataset.item;
    if (answer.verdict) {
      const radio = box.querySelector(`#v-${id}-${answer.verdict}`);
      if (radio) radio.checked = true;
    }
    for (const name of ["score", "number", "text", "note"]) {
      const input = box.querySelector(`[name=${name}]`);
      if (input && answer[name] !== undefined && answer[name] !== null) input.value = answer[name];
    }
    if (answer.found_at) {
      const at = new Date(answer.found_at);
      box.querySelector("[name=found_at]").value = Number.isNaN(at.getTime()) ? answer.found_at : localInput(at);
    }
  }

  const items = new Map(data.items.map((item) => [item.id, item]));
  for (const box of document.querySelectorAll(".visit-item")) {
    const id = Number(box.dataset.item);
    const item = items.get(id);
    fillItem(box, item.answer);
    fillItem(box, draft[id]);
    item.localPhotos = (draft.photos || {})[id] || 0;
    item.located = (draft.located || {})[id];
    showPhotos(box);
    if (box.querySelector("[name=found_at]").value) box.querySelector(".found-at").classList.remove("d-none");
    box.addEventListener("change", (event) => {
      if (event.target.name === "photo") return takePhoto(box, event.target);
      showFoundAt(box, readItem(box));
      const answer = readItem(box);
      draft[id] = answer;
      saveDraft();
      enqueue("answer", answer);
    });
  }

  function showPhotos(box) {
    const item = items.get(Number(box.dataset.item));
    const total = item.photos + item.localPhotos;
    box.querySelector(".photo-count").textContent = total ? `${total} ${text.photos}` : "";
    if (item.locating) box.querySelector(".photo-local").textContent = text.locating;
    else if (item.located !== undefined) box.querySelector(".photo-local").textContent = item.located ? text.located : text.noPosition;
  }

  // The position at capture, when the phone allows it (refused, or none within 10 s: none).
  function locate() {
    if (!navigator.geolocation) return Promise.resolve(null);
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (position) => resolve(position.coords),
        () => resolve(null),
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  // Photos are scaled down on the phone (a 12-megapixel shot is too heavy for a weak signal).
  async function takePhoto(box, input) {
    const file = input.files[0];
    if (!file) return;
    const takenAt = new Date().toISOString();
    const id = Number(box.dataset.item);
    const item = items.get(id);
    item.locating = true;
    showPhotos(box);
    const [blob, coords] = await Promise.all([shrink(file).catch(() => file), locate()]);
    const payload = { item: id, taken_at: takenAt };
    if (coords) Object.assign(payload, { latitude: coords.latitude, longitude: coords.longitude, accuracy: coords.accuracy });
    draft.photos = draft.photos || {};
    draft.photos[id] = (draft.photos[id] || 0) + 1;
    draft.located = draft.located || {};
    draft.located[id] = Boolean(coords);
    item.localPhotos = draft.photos[id];
    item.locating = false;
    item.located = Boolean(coords);
    saveDraft();
    showPhotos(box);
    input.value = "";
    enqueue("photo", payload, blob);
  }

  function shrink(file) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => {
        const scale = Math.min(1, 1600 / Math.max(image.width, image.height));
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(image.width * scale);
        canvas.height = Math.round(image.height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject()), "image/jpeg", 0.85);
        URL.revokeObjectURL(image.src);
      };
      image.onerror = reject;
      image.src = URL.createObjectURL(file);
    });
  }

  // — Signatures on screen —
  const signatures = {};
  for (const canvas of document.querySelectorAll("canvas.signature")) {
    const context = canvas.getContext("2d");
    const state = { drawn: false, last: null };
    signatures[canvas.id] = { canvas, state };
    const fit = () => {
      canvas.width = canvas.clientWidth;
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.strokeStyle = "#111";
    };
    fit();
    const point = (event) => {
      const rect = canvas.getBoundingClientRect();
      return [event.clientX - rect.left, event.clientY - rect.top];
    };
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      state.last = point(event);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!state.last) return;
      const next = point(event);
      context.beginPath();
      context.moveTo(...state.last);
      context.lineTo(...next);
      context.stroke();
      state.last = next;
      state.drawn = true;
    });
    const end = () => (state.last = null);
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.style.touchAction = "none";
  }
  for (const button of document.querySelectorAll("[data-clear]")) {
    button.addEventListener("click", () => {
      const { canvas, state } = signatures[button.dataset.clear];
      canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
      state.drawn = false;
    });
  }

  // — Submission —
  function showProblems(problems) {
    const box = document.getElementById("submit-problems");
    box.classList.toggle("d-none", !problems.length);
    box.innerHTML = "";
    for (const problem of problems) {
      const line = document.createElement("div");
      line.textContent = problem;
      box.appendChild(line);
    }
  }

  function localProblems() {
    const problems = [];
    for (const box of document.querySelectorAll(".visit-item")) {
      const item = items.get(Number(box.dataset.item));
      const answer = readItem(box);
      const empty = !answer.verdict && !answer.score && !answer.number && !answer.text;
      if (item.required && empty) problems.push(`“${item.text}”${text.unanswered}`);
      if (item.photo && answer.verdict !== "na" && !(item.photos + item.localPhotos)) problems.push(`“${item.text}”${text.needPhoto}`);
      const failed = answer.verdict === "fail" || (item.type === "score" && answer.score !== "" && Number(answer.score) < item.max);
      if (failed && !answer.note) problems.push(`“${item.text}”${text.needNote}`);
      if (answer.found_at) {
        const at = new Date(answer.found_at);
        if (at.getTime() > Date.now() + 120000) problems.push(`“${item.text}”：${text.foundFuture}`);
        else if (started && at.getTime() < started.getTime() - 120000) problems.push(`“${item.text}”：${text.foundEarly}`);
      }
    }
    if (!document.getElementById("credentials-shown").checked) problems.push(text.needCredentials);
    if (!document.getElementById("representative").value.trim()) problems.push(text.needRep);
    if (!Object.values(signatures).every((s) => s.state.drawn)) problems.push(text.needSign);
    return problems;
  }

  document.getElementById("submit-visit").addEventListener("click", async () => {
    const problems = localProblems();
    showProblems(problems);
    if (problems.length) return;
    await enqueue("submit", {
      credentials_shown: document.getElementById("credentials-shown").checked,
      representative: document.getElementById("representative").value.trim(),
      summary: document.getElementById("summary").value.trim(),
      inspector_signature: signatures["sig-inspector"].canvas.toDataURL("image/png"),
      party_signature: signatures["sig-party"].canvas.toDataURL("image/png"),
    });
    if (!navigator.onLine) {
      statusBox.className = "alert alert-warning py-1 px-2 small sticky-top";
      statusBox.textContent = text.queued;
    }
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", showStatus);
  setInterval(flush, 5000);
  openDb().then((opened) => {
    db = opened;
    flush();
  });
})();
