// Safe editing on the story form (editorial/admin/editing.py): a heartbeat that tells the
// server this story is open and shows who else has it open, and an autosave of what is typed
// every 30 s into a recovery copy (never over the story). Settings come from data- attributes
// on #story-editing and the JSON block #autosaved-fields; no inline script, so the admin's
// strict CSP needs no exception.
"use strict";
(function () {
  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function post(url, form, fields) {
    const body = new URLSearchParams(fields);
    const response = await fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" },
    });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  function showOthers(notice, names) {
    const text = notice.querySelector(".editing-presence__names");
    if (!names.length) {
      notice.hidden = true;
      text.textContent = "";
      return;
    }
    text.textContent =
      "Also open by " +
      names.join(", ") +
      ": save with care, the later save will be refused if yours clash.";
    notice.hidden = false;
  }

  function startPresence(root, form) {
    const url = root.dataset.presenceUrl;
    const notice = document.getElementById("editing-presence");
    if (!url || !notice) return;
    const beat = () =>
      post(url, form, {})
        .then((data) => showOthers(notice, data.others || []))
        .catch(() => {});
    const seconds = Number(root.dataset.heartbeatSeconds) || 20;
    beat();
    setInterval(beat, seconds * 1000);
    window.addEventListener("pagehide", () => {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken(form));
      body.append("leaving", "1");
      navigator.sendBeacon(url, body);
    });
  }

  function typedFields(form, autosaved) {
    const fields = { story: "" };
    for (const name of autosaved) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field) fields[name] = field.value;
    }
    return fields;
  }

  function startAutosave(root, form) {
    const url = root.dataset.autosaveUrl;
    const status = document.getElementById("autosave-status");
    // The fields to save: editorial/editing.py AUTOSAVED_FIELDS, written into the page.
    const fieldList = document.getElementById("autosaved-fields");
    if (!url || !fieldList) return;
    const autosaved = JSON.parse(fieldList.textContent);
    let lastSent = JSON.stringify(typedFields(form, autosaved));
    let submitting = false;
    form.addEventListener("submit", () => {
      submitting = true;
    });
    const save = () => {
      if (submitting) return;
      const fields = typedFields(form, autosaved);
      const snapshot = JSON.stringify(fields);
      if (snapshot === lastSent) return;
      fields.story = root.dataset.storyKey;
      post(url, form, fields)
        .then((data) => {
          lastSent = snapshot;
          if (status) status.textContent = "Recovery copy saved at " + data.time + ".";
        })
        .catch(() => {
          if (status) status.textContent = "Could not save a recovery copy; keep the tab open.";
        });
    };
    const seconds = Number(root.dataset.autosaveSeconds) || 30;
    setInterval(save, seconds * 1000);
    // A tab closed between two autosaves still leaves its last words on the server.
    window.addEventListener("pagehide", () => {
      if (submitting) return;
      const fields = typedFields(form, autosaved);
      if (JSON.stringify(fields) === lastSent) return;
      fields.story = root.dataset.storyKey;
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken(form));
      for (const [name, value] of Object.entries(fields)) body.append(name, value);
      navigator.sendBeacon(url, body);
    });
  }

  function start() {
    const root = document.getElementById("story-editing");
    const form = root && root.closest("form");
    if (!form) return;
    startPresence(root, form);
    startAutosave(root, form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
