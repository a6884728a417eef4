// Tag suggestions for taggit's comma-separated input. A datalist is matched against the whole
// input value, so each suggestion is offered as "what is already typed, + the tag": picking one
// completes the tag being typed. The "Most used" chips add a tag with one click.
"use strict";
(function () {
  function parts(value) {
    const cut = value.lastIndexOf(",");
    return {
      head: cut === -1 ? "" : value.slice(0, cut + 1) + " ",
      current: value.slice(cut + 1).trim(),
    };
  }

  function existing(value) {
    return value
      .split(",")
      .map((tag) => tag.trim().replace(/^"|"$/g, "").toLowerCase())
      .filter(Boolean);
  }

  function quoted(tag) {
    return tag.includes(",") || tag.includes(" ") ? '"' + tag.replace(/"/g, "") + '"' : tag;
  }

  let pending = null;

  async function suggest(input) {
    const { head, current } = parts(input.value);
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    if (current.length < 2) {
      list.replaceChildren();
      return;
    }
    const response = await fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(current), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      return;
    }
    const taken = existing(head);
    const { tags } = await response.json();
    list.replaceChildren(
      ...tags
        .filter((tag) => !taken.includes(tag.toLowerCase()))
        .map((tag) => {
          const option = document.createElement("option");
          option.value = head + quoted(tag);
          return option;
        })
    );
  }

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.classList || !input.classList.contains("tag-suggest-input")) {
      return;
    }
    clearTimeout(pending);
    pending = setTimeout(() => suggest(input), 200);
  });

  document.addEventListener("click", (event) => {
    const chip = event.target.closest ? event.target.closest(".tag-chip") : null;
    if (!chip) {
      return;
    }
    const input = document.getElementById(chip.closest(".tag-chips").dataset.for);
    if (!input) {
      return;
    }
    const tag = chip.dataset.tag;
    if (existing(input.value).includes(tag.toLowerCase())) {
      return;
    }
    const { head, current } = parts(input.value);
    if (current && tag.toLowerCase().startsWith(current.toLowerCase())) {
      // The chip completes the tag being typed.
      input.value = head + quoted(tag);
    } else {
      const trimmed = input.value.trim().replace(/,$/, "");
      input.value = (trimmed ? trimmed + ", " : "") + quoted(tag);
    }
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  });
})();
