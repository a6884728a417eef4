/* Progressive enhancement for newsletter signup forms: submit in place, show the answer in
   place. Without this script the form posts to the signup page, which does the same. */
(function () {
  "use strict";

  function showErrors(form, errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (node) {
      var messages = errors[node.getAttribute("data-error-for")];
      node.textContent = messages ? messages.join(" ") : "";
      node.hidden = !messages;
    });
    var email = form.querySelector("input[name=email]");
    if (email) {
      if (errors.email) {
        email.setAttribute("aria-invalid", "true");
        email.focus();
      } else {
        email.removeAttribute("aria-invalid");
      }
    }
  }

  // "Did you mean …?": a button that puts the suggested address in the field, and the typed
  // address kept aside so that sending it again unchanged keeps it.
  function showSuggestion(form, suggestion) {
    var box = form.querySelector("[data-suggestion]");
    var email = form.querySelector("input[name=email]");
    if (!box || !email) return;
    box.textContent = "";
    box.hidden = !suggestion;
    if (!suggestion) return;
    var use = document.createElement("button");
    use.type = "button";
    use.className = "button button--quiet";
    use.textContent = "Use " + suggestion;
    var keep = document.createElement("span");
    keep.textContent = "or press Sign up to keep " + email.value + ".";
    var kept = document.createElement("input");
    kept.type = "hidden";
    kept.name = "email_kept";
    kept.value = email.value;
    use.addEventListener("click", function () {
      email.value = suggestion;
      showErrors(form, {});
      box.hidden = true;
      box.textContent = "";
      email.focus();
    });
    box.append(use, " ", keep, kept);
  }

  function enhance(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    // The box is one copy shared by every page, so it cannot name the page it sits on: the
    // page to return to after a plain (no-fetch) post comes from here, or the Referer.
    var next = form.querySelector('input[name="next"]');
    if (next && !next.value) next.value = location.pathname + location.search;
    form.noValidate = true; // our server-side message is clearer than the browser's bubble
    var status = form.querySelector("[data-signup-status]");
    var button = form.querySelector("button[type=submit]");

    var rendered = form.querySelector("[data-suggested]");
    if (rendered) showSuggestion(form, rendered.getAttribute("data-suggested"));

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      button.disabled = true;
      status.hidden = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "omit"
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { status: response.status, data: data };
          });
        })
        .then(function (result) {
          button.disabled = false;
          if (result.data.ok) {
            showErrors(form, {});
            form.querySelectorAll(".field, fieldset, .signup-form__consent").forEach(function (n) {
              n.hidden = true;
            });
            status.className = "signup-form__status notice notice--success";
          } else if (result.data.errors) {
            showErrors(form, result.data.errors);
            if (result.data.errors.email) showSuggestion(form, result.data.suggestion);
            return;
          } else {
            status.className = "signup-form__status notice notice--info";
          }
          status.textContent = result.data.message;
          status.hidden = false;
          status.setAttribute("tabindex", "-1");
          status.focus();
        })
        .catch(function () {
          // Network trouble or an unexpected answer: fall back to a normal form post.
          button.disabled = false;
          form.submit();
        });
    });
  }

  function init() {
    document.querySelectorAll("form[data-signup-form]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
