// paless web UI: the little behaviour pages need beyond htmx. No inline script
// anywhere (the CSP allows scripts from this origin only).
(function () {
  "use strict";
  const root = document.body.dataset.root || "";
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function contrast(hex) {
    const n = parseInt((hex || "#a6cee3").slice(1), 16);
    const r = (n >> 16) & 255, g = (n >> 8) & 255, b = n & 255;
    return (0.299 * r + 0.587 * g + 0.114 * b) > 150 ? "#111" : "#fff";
  }

  // Tag colours come from data attributes: inline styles are not allowed.
  function paintTags(scope) {
    scope.querySelectorAll("[data-color]").forEach(function (el) {
      el.style.backgroundColor = el.dataset.color;
      el.style.color = contrast(el.dataset.color);
    });
  }

  function updateBulk() {
    const count = document.querySelectorAll('input[form="bulk"][name="documents"]:checked').length;
    const label = document.getElementById("bulk-count");
    if (label) label.textContent = count + " selected";
    const query = new URLSearchParams(window.location.search);
    query.delete("notice");
    ["bulk-query", "save-view-query", "update-view-query"].forEach(function (id) {
      const field = document.getElementById(id);
      if (field) field.value = query.toString();
    });
  }

  function filterTargets() {
    const action = document.getElementById("bulk-action");
    const target = document.getElementById("bulk-target");
    if (!action || !target) return;
    target.querySelectorAll("optgroup").forEach(function (group) {
      const wanted = (group.dataset.for || "").split(" ").indexOf(action.value) >= 0;
      group.hidden = !wanted;
      group.disabled = !wanted;
    });
    const selected = target.selectedOptions[0];
    if (selected && selected.parentElement.disabled) target.value = "";
  }

  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.id === "select-all") {
      document.querySelectorAll('input[form="bulk"][name="documents"]').forEach(function (box) {
        box.checked = el.checked;
      });
    }
    if (el.id === "bulk-action") filterTargets();
    updateBulk();
  });

  document.addEventListener("submit", function (event) {
    const message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  // Phone layout: the sidebar opens and closes with the menu button.
  document.addEventListener("click", function (event) {
    const button = event.target.closest(".menu-toggle");
    if (!button) return;
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    document.getElementById("sidebar").classList.toggle("open", open);
  });

  document.addEventListener("htmx:load", function (event) { paintTags(event.target); });
  document.addEventListener("htmx:pushedIntoHistory", updateBulk);

  // --- Upload: drop anywhere, straight to storage, then follow processing ---------

  function row(file) {
    const item = document.createElement("li");
    item.className = "upload";
    const name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    const state = document.createElement("span");
    state.className = "upload-state";
    state.textContent = "waiting";
    item.append(name, bar, state);
    document.getElementById("upload-list").append(item);
    return { item: item, bar: bar, state: state };
  }

  async function postJson(path, body) {
    const response = await fetch(root + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    });
    const answer = await response.json().catch(function () { return {}; });
    if (!response.ok) throw new Error(answer.detail || response.statusText);
    return answer;
  }

  function sendToStorage(target, file, shown) {
    return new Promise(function (resolve, reject) {
      const form = new FormData();
      Object.entries(target.fields).forEach(function (pair) { form.append(pair[0], pair[1]); });
      form.append("file", file);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", target.url);
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) shown.bar.value = Math.round(100 * event.loaded / event.total);
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(new Error("storage refused the file (" + xhr.status + ")"));
      });
      xhr.addEventListener("error", function () { reject(new Error("the upload failed")); });
      xhr.send(form);
    });
  }

  async function follow(done, shown) {
    for (;;) {
      const response = await fetch(done.status_url, { credentials: "same-origin" });
      const state = await response.json();
      shown.item.dataset.status = state.status;
      if (state.status === "ready") {
        shown.state.textContent = "";
        const link = document.createElement("a");
        link.href = done.document_url;
        link.textContent = "ready: open " + state.title;
        shown.state.append(link);
        return;
      }
      if (state.status === "failed") {
        shown.state.textContent = "failed: " + (state.failure_reason || "no reason given");
        shown.item.classList.add("failed");
        return;
      }
      shown.state.textContent = state.status;
      await new Promise(function (resolve) { setTimeout(resolve, 1000); });
    }
  }

  async function upload(file) {
    const shown = row(file);
    try {
      shown.state.textContent = "uploading";
      const target = await postJson("/upload/start", { filename: file.name });
      await sendToStorage(target, file, shown);
      shown.bar.value = 100;
      shown.state.textContent = "checking";
      const settings = {};
      const ocr = document.getElementById("upload-ocr");
      if (ocr) new FormData(ocr).forEach(function (value, key) { if (value) settings[key] = value; });
      const done = await postJson("/upload/" + target.upload_id + "/complete", settings);
      shown.item.dataset.documentId = done.document_id;
      await follow(done, shown);
    } catch (error) {
      shown.item.classList.add("failed");
      shown.item.dataset.status = "failed";
      shown.state.textContent = "failed: " + error.message;
    }
  }

  function uploadAll(files) {
    Array.from(files).forEach(upload);
  }

  const zone = document.getElementById("dropzone");
  if (zone) {
    document.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    document.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
    document.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) uploadAll(event.dataTransfer.files);
    });
    document.getElementById("files").addEventListener("change", function (event) {
      uploadAll(event.target.files);
      event.target.value = "";
    });
  }

  paintTags(document);
  updateBulk();
  filterTargets();
})();
