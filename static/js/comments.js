/* "Write a comment" opens the form in place: it (and its CSRF token) is fetched only now,
   so the cached story page carries nothing per reader. Posting stays in place too. Without
   JavaScript the link leads to the form's own page. */
(function () {
  "use strict";

  function show(container, html) {
    container.innerHTML = html;
    var focus = container.querySelector("[role=alert], .field--error input, .field--error textarea, [role=status], input:not([type=hidden]):not([tabindex='-1'])");
    if (focus) focus.focus();
    var form = container.querySelector("form.comment-form");
    if (form) form.addEventListener("submit", function (event) { submit(event, container, form); });
  }

  function submit(event, container, form) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Fragment": "1" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.text(); })
      .then(function (html) { show(container, html); })
      .catch(function () { form.submit(); });
  }

  function open(event, container, link) {
    event.preventDefault();
    fetch(link.href + "?fragment=1", { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) { show(container, html); })
      .catch(function () { window.location.href = link.href; });
  }

  function start() {
    if (!window.fetch) return;
    document.querySelectorAll("[data-comment-form]").forEach(function (container) {
      var link = container.querySelector("[data-comment-open]");
      if (link) link.addEventListener("click", function (event) { open(event, container, link); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
