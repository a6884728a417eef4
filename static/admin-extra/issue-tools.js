// Newsletter issue page in the admin (templates/newsletters/admin/issue_change_form.html).
// A static file rather than inline script, so the Content-Security-Policy allows no inline JS.

// "Resend all" / "Skip all": the same form as the per-row buttons, with scope=all.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-scope-all]");
  if (!button || !button.form) return;
  var scope = button.form.querySelector("[data-scope]");
  if (scope) scope.value = "all";
});

(function () {
  // Poll the JSON endpoint while sending; the numbers above are already right without it.
  var list = document.querySelector("[data-progress-url]");
  if (!list || !list.dataset.sending) return;
  var bar = document.querySelector("[data-progress-bar]");
  var status = document.querySelector("[data-issue-status]");
  function update() {
    fetch(list.dataset.progressUrl, {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        Object.keys(data).forEach(function (key) {
          var cell = list.querySelector('[data-count="' + key + '"]');
          if (cell) cell.textContent = data[key];
        });
        if (bar) { bar.max = data.total || 1; bar.value = data.total - data.remaining; }
        if (data.status !== "sending") { window.location.reload(); return; }
        window.setTimeout(update, 2000);
      })
      .catch(function () { window.setTimeout(update, 5000); });
  }
  window.setTimeout(update, 2000);
})();
