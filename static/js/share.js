// "Copy link" under stories: copies the story's address instead of following the link.
// Without this script (or without the Clipboard API) the link simply opens the story, whose
// address the reader can copy from the address bar.
(function () {
  "use strict";

  function announce(link, text) {
    var box = link.closest(".share");
    var status = box && box.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = text;
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-copy-url]") : null;
    if (!link || !navigator.clipboard || !window.isSecureContext) {
      return;
    }
    event.preventDefault();
    navigator.clipboard.writeText(link.getAttribute("data-copy-url")).then(
      function () {
        announce(link, "Link copied.");
      },
      function () {
        announce(link, "Could not copy: copy the address from the address bar.");
      }
    );
  });
})();
