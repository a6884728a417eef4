/* Accessible names for the story form's widgets that scripts draw in place of a field (an
   empty select2 search box, the rich-text editor): each takes the text of the <label> of the
   field it stands for, so a screen reader says "Author" or "Body", not nothing. Runs after
   the page's scripts have drawn them, and again for each inline row added. */
"use strict";
(function () {
  function labelText(id) {
    const label = id && document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/[:*]\s*$/, "").trim() : "";
  }

  function nameSearchBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      // An inline table row has no <label>: its column is the field's name ("author").
      const field = select.name.split("-").pop().replace(/_/g, " ");
      const text = labelText(select.id) || field.charAt(0).toUpperCase() + field.slice(1);
      const box = select.parentElement.querySelector(".select2-selection[role=combobox]");
      if (box && text && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", text);
      const shown = box && box.querySelector(".select2-selection__rendered[role=textbox]");
      if (shown && text) shown.setAttribute("aria-label", text);
    });
  }

  function nameEditors() {
    document.querySelectorAll("textarea[id]").forEach(function (textarea) {
      const editor = textarea.parentElement.querySelector("[contenteditable][role=textbox]");
      const text = labelText(textarea.id);
      if (editor && text && !editor.hasAttribute("aria-label")) {
        editor.setAttribute("aria-label", text);
      }
    });
  }

  function nameAll() {
    nameSearchBoxes(document);
    nameEditors();
  }

  window.addEventListener("load", function () {
    nameAll();
    // The editor may mount a moment after load; a second pass catches it.
    window.setTimeout(nameAll, 500);
  });
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      nameSearchBoxes(event.target);
    }, 0);
  });
})();
