// The order of the stories in a newsletter issue's admin form (newsletters/admin.py,
// IssueStoryInline). A static file rather than inline script, so the Content-Security-Policy
// allows no inline JS.
//
// Each story row gets a drag handle and "move up" / "move down" buttons (the keyboard's way);
// after every move the position fields are renumbered 0, 1, 2... in the order the rows show,
// so saving the form saves that order. A row added with "Add another story" comes last.
// Without this script the position numbers can still be typed.
// Loaded in the page's head with the form's other media: it waits for the page.
function setUpIssueOrder() {
  "use strict";
  var PREFIX = "issue_stories";
  var group = document.getElementById(PREFIX + "-group");
  if (!group || !group.querySelector("td.field-position input")) return; // a sent issue
  var tbody = group.querySelector("tbody");

  function storyRows() {
    return Array.prototype.filter.call(tbody.children, function (row) {
      return row.classList.contains("form-row") && !row.classList.contains("empty-form");
    });
  }

  function button(className, label, text) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.setAttribute("aria-label", label);
    element.title = label;
    element.textContent = text;
    return element;
  }

  function addControls(row) {
    var cell = row.querySelector("td.field-position");
    if (!cell || cell.querySelector(".issue-order-controls")) return;
    var controls = document.createElement("span");
    controls.className = "issue-order-controls";
    controls.appendChild(button("issue-order-handle", "Drag to reorder", "\u2807"));
    controls.appendChild(button("issue-order-up", "Move story up", "\u2191"));
    controls.appendChild(button("issue-order-down", "Move story down", "\u2193"));
    cell.insertBefore(controls, cell.firstChild);
  }

  var status = document.createElement("p");
  status.className = "help issue-order-status";
  status.setAttribute("aria-live", "polite");
  status.textContent = "Drag a story by its handle, or use its \u2191 and \u2193 buttons, to change the order.";
  group.querySelector("table").insertAdjacentElement("beforebegin", status);

  // The buttons at either end do nothing; say so to screen readers.
  function markEnds() {
    var rows = storyRows();
    rows.forEach(function (row, index) {
      var up = row.querySelector(".issue-order-up");
      var down = row.querySelector(".issue-order-down");
      if (up) up.setAttribute("aria-disabled", index === 0 ? "true" : "false");
      if (down) down.setAttribute("aria-disabled", index === rows.length - 1 ? "true" : "false");
    });
  }

  function renumber() {
    storyRows().forEach(function (row, index) {
      var input = row.querySelector("td.field-position input");
      if (input && input.value !== String(index)) input.value = String(index);
    });
    markEnds();
  }

  function announce(row) {
    var rows = storyRows();
    var article = row.querySelector("td.field-article select");
    var chosen = article && article.value ? article.options[article.selectedIndex].text : "Empty row";
    status.textContent = chosen + ": now " + (rows.indexOf(row) + 1) + " of " + rows.length + ".";
  }

  function moved(row) {
    renumber();
    announce(row);
  }

  // --- up and down buttons (event delegation: rows added later have them too) ---
  group.addEventListener("click", function (event) {
    var control = event.target.closest(".issue-order-up, .issue-order-down");
    if (!control) return;
    var row = control.closest("tr");
    var rows = storyRows();
    var index = rows.indexOf(row);
    if (control.classList.contains("issue-order-up") && index > 0) {
      tbody.insertBefore(row, rows[index - 1]);
    } else if (control.classList.contains("issue-order-down") && index >= 0 && index < rows.length - 1) {
      tbody.insertBefore(rows[index + 1], row);
    } else {
      return;
    }
    control.focus();
    moved(row);
  });

  // --- dragging by the handle (pointer events: mouse, pen and touch alike) ---
  var dragged = null;
  group.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest(".issue-order-handle");
    if (!handle || event.button !== 0) return;
    event.preventDefault();
    dragged = handle.closest("tr");
    dragged.classList.add("issue-order-dragging");
    handle.setPointerCapture(event.pointerId);
  });
  group.addEventListener("pointermove", function (event) {
    if (!dragged) return;
    var rows = storyRows();
    var before = null;
    for (var i = 0; i < rows.length; i += 1) {
      if (rows[i] === dragged) continue;
      var box = rows[i].getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) { before = rows[i]; break; }
    }
    if (before) {
      if (dragged.nextElementSibling !== before) tbody.insertBefore(dragged, before);
    } else {
      var last = rows[rows.length - 1];
      if (last !== dragged) last.insertAdjacentElement("afterend", dragged);
    }
  });
  function drop() {
    if (!dragged) return;
    var row = dragged;
    dragged = null;
    row.classList.remove("issue-order-dragging");
    moved(row);
  }
  group.addEventListener("pointerup", drop);
  group.addEventListener("pointercancel", drop);

  // --- rows added and removed by Django's inline script ---
  document.addEventListener("formset:added", function (event) {
    if (event.detail.formsetName !== PREFIX) return;
    addControls(event.target);
    renumber();
  });
  document.addEventListener("formset:removed", function (event) {
    if (event.detail.formsetName !== PREFIX) return;
    // Django renames the remaining forms by their order on the page once this event has
    // run; a saved story moved below a new one would then take a new form's number. Put
    // saved stories' forms first again (their order on the page stays as it is).
    window.setTimeout(function () {
      var rows = storyRows();
      var saved = rows.filter(function (row) { return row.classList.contains("has_original"); });
      var added = rows.filter(function (row) { return !row.classList.contains("has_original"); });
      saved.concat(added).forEach(renameForm);
      renumber();
    }, 0);
  });

  var formNumber = new RegExp("(" + PREFIX + "-(\\d+|__prefix__))");
  function renameForm(row, index) {
    var replacement = PREFIX + "-" + index;
    [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (element) {
      ["id", "name", "htmlFor"].forEach(function (attribute) {
        if (element[attribute]) element[attribute] = element[attribute].replace(formNumber, replacement);
      });
    });
  }

  // Controls on every row, the template of new rows too; nothing renumbered yet, so an
  // untouched form saves nothing.
  Array.prototype.forEach.call(tbody.querySelectorAll("tr.form-row"), addControls);
  markEnds();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setUpIssueOrder);
} else {
  setUpIssueOrder();
}
