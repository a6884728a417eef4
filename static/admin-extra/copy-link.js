/* Copy buttons for preview links on the story page (templates/admin/articles/article/
   change_form.html): a button with data-copy="#id" copies that field's text to the
   clipboard and says so; where the clipboard is not available (an insecure address) it
   selects the text instead, for Ctrl-C. No inline script: the admin's CSP forbids it. */
"use strict";
(function () {
  // The button says what happened (it is aria-live, so screen readers hear it too).
  function announce(button, text) {
    button.textContent = text;
    window.setTimeout(function () {
      button.textContent = button.dataset.label;
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    button.dataset.label = button.dataset.label || button.textContent;
    const selectIt = function () {
      field.focus();
      field.select();
      announce(button, "Selected: press Ctrl-C");
    };
    if (!navigator.clipboard || !window.isSecureContext) {
      selectIt();
      return;
    }
    navigator.clipboard.writeText(field.value).then(function () {
      announce(button, "Copied");
    }, selectIt);
  });
})();
