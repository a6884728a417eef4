// Photo picker preview: when an editor picks another photo in an autocomplete field, show its
// thumbnail, caption and credit. select2 fires jQuery events only, so listen through
// django.jQuery; the delegated handler also covers inline rows added later.
"use strict";
// Media merging may place this file before Django's jquery.init.js: wait for the page.
window.addEventListener("DOMContentLoaded", function () {
  const $ = django.jQuery;

  function previewFor(select) {
    const picker = select.closest(".photo-picker");
    return picker ? picker.querySelector(".photo-preview") : null;
  }

  function clear(figure) {
    figure.hidden = true;
    const img = figure.querySelector("img");
    img.removeAttribute("src");
    img.alt = "";
    figure.querySelector("figcaption").textContent = "";
  }

  async function show(figure, photoId) {
    const url = figure.dataset.endpoint + "?id=" + encodeURIComponent(photoId);
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      clear(figure);
      return;
    }
    const photo = await response.json();
    const img = figure.querySelector("img");
    img.src = photo.url;
    img.alt = photo.alt;
    img.width = 160;
    img.height = Math.round((160 * photo.height) / Math.max(photo.width, 1));
    const caption = figure.querySelector("figcaption");
    caption.textContent = photo.caption + " ";
    const credit = document.createElement("span");
    credit.className = "photo-credit";
    credit.textContent = "(" + photo.credit + ")";
    caption.appendChild(credit);
    figure.hidden = false;
  }

  $(document).on("change", "select.photo-preview-select", function () {
    const figure = previewFor(this);
    if (!figure) {
      return;
    }
    if (this.value) {
      show(figure, this.value);
    } else {
      clear(figure);
    }
  });
});
