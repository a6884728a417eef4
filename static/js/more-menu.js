// The header's "More" menu is a <details> disclosure and works without this script. With it,
// Escape closes the open menu (focus returns to its toggle) and so does a click elsewhere.
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details.more-menu[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    openMenus().forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
})();
