// The focal-point picker of the photo form (templates/admin/photos/focal_picker.html).
//
// Click or drag on the picture (or focus the point and use the arrow keys) to set the focal
// point; each crop the site uses gets a live preview, cut with the arithmetic of
// photos/crops.py (kept in step here: same ratios, same half-up rounding). "Adjust crop" lets
// the editor move and resize that crop's rectangle instead, which fills its three number
// fields; "Reset to focal point" empties them. The fields are the truth: the server checks
// them again, and without this script they can be typed.
//
// Positions go through CSSOM custom properties (element.style.setProperty), which the
// Content-Security-Policy allows; a style attribute in the markup it would refuse. Before
// an upload the chosen file is decoded with createImageBitmap and drawn on a canvas, so no
// blob: address is needed either.
"use strict";
(function () {
  const PARTS = ["left", "top", "width"];
  const PREVIEW_HEIGHT = 120;

  const clamp = (value, low, high) => Math.max(low, Math.min(value, high));
  // Half-up, as photos.crops._round.
  const round = (value) => Math.floor(value + 0.5);

  function fullSize(width, height, crop) {
    const ratio = crop.rw / crop.rh;
    if (width * crop.rh > height * crop.rw) {
      return [Math.min(width, round(height * ratio)), height];
    }
    return [width, Math.min(height, round(width / ratio))];
  }

  function focalBox(width, height, crop, fx, fy) {
    const [w, h] = fullSize(width, height, crop);
    return [
      clamp(round(fx * width - w / 2), 0, width - w),
      clamp(round(fy * height - h / 2), 0, height - h),
      w,
      h,
    ];
  }

  function percent(value) {
    return (value * 100).toFixed(3) + "%";
  }

  function setup(root) {
    const form = root.closest("form");
    // A user who may only view the photo has no fields: the picker then shows the saved
    // point and crops (from the template's data attributes) and takes no input.
    const readOnly = !form.querySelector("#id_focal_x");
    const saved = JSON.parse(root.dataset.overrides || "{}");
    const field = (name) => {
      const input = form.querySelector("#id_" + name);
      if (input || !readOnly) {
        return input;
      }
      const [, crop, part] = name.match(/^crop_(\w+)_(left|top|width)$/) || [];
      const value = crop ? (saved[crop] || [])[PARTS.indexOf(part)] : root.dataset[name === "focal_x" ? "focalX" : "focalY"];
      return { value: value === undefined ? "" : String(value), addEventListener() {} };
    };
    const fx = field("focal_x");
    const fy = field("focal_y");
    if (readOnly) {
      root.classList.add("is-read-only");
      root.querySelectorAll(".focal-picker__help, .focal-picker__actions").forEach((node) => {
        node.hidden = true;
      });
      // The saved values are shown as text beside the picture; the point only illustrates them.
      const marker = root.querySelector(".focal-picker__point");
      marker.removeAttribute("tabindex");
      marker.setAttribute("aria-hidden", "true");
    }
    const stage = root.querySelector(".focal-picker__stage");
    const canvas = stage.querySelector(".focal-picker__image");
    const point = stage.querySelector(".focal-picker__point");
    const box = stage.querySelector(".focal-picker__box");
    const boxHelp = root.querySelector("#focal-picker-box-help");
    const empty = root.querySelector(".focal-picker__empty");
    const minWidth = Number(root.dataset.minWidth) || 1;
    const state = {
      source: null,
      width: Number(root.dataset.width),
      height: Number(root.dataset.height),
      editing: null,
      drag: null,
    };
    const crops = Array.from(root.querySelectorAll(".focal-picker__crop"), (item) => ({
      name: item.dataset.crop,
      label: item.dataset.label,
      rw: Number(item.dataset.ratioW),
      rh: Number(item.dataset.ratioH),
      preview: item.querySelector(".focal-picker__preview"),
      status: item.querySelector(".focal-picker__state"),
      adjust: item.querySelector(".focal-picker__adjust"),
      reset: item.querySelector(".focal-picker__reset"),
      inputs: PARTS.map((part) => field("crop_" + item.dataset.crop + "_" + part)),
    }));

    function focal() {
      const x = parseFloat(fx.value);
      const y = parseFloat(fy.value);
      return [
        Number.isFinite(x) ? clamp(x, 0, 1) : 0.5,
        Number.isFinite(y) ? clamp(y, 0, 1) : 0.5,
      ];
    }

    function override(crop) {
      if (crop.inputs.some((input) => !input || input.value.trim() === "")) {
        return null;
      }
      const [left, top, width] = crop.inputs.map((input) => Number(input.value));
      if (![left, top, width].every(Number.isFinite) || width <= 0) {
        return null;
      }
      return [left, top, width, round(width / (crop.rw / crop.rh))];
    }

    function boxFor(crop) {
      return override(crop) || focalBox(state.width, state.height, crop, ...focal());
    }

    function writeBox(crop, left, top, width) {
      const [fullWidth] = fullSize(state.width, state.height, crop);
      width = clamp(round(width), Math.min(minWidth, fullWidth), fullWidth);
      const height = round(width / (crop.rw / crop.rh));
      left = clamp(round(left), 0, state.width - width);
      top = clamp(round(top), 0, Math.max(0, state.height - height));
      [left, top, width].forEach((value, index) => {
        crop.inputs[index].value = String(value);
      });
      draw();
    }

    function setFocal(x, y) {
      fx.value = clamp(x, 0, 1).toFixed(3);
      fy.value = clamp(y, 0, 1).toFixed(3);
      draw();
    }

    function drawPreview(crop) {
      const [left, top, width, height] = boxFor(crop);
      const canvasWidth = round((PREVIEW_HEIGHT * crop.rw) / crop.rh);
      if (crop.preview.width !== canvasWidth) {
        crop.preview.width = canvasWidth;
        crop.preview.height = PREVIEW_HEIGHT;
      }
      const scale = state.source.width / state.width;
      const context = crop.preview.getContext("2d");
      context.imageSmoothingQuality = "high";
      context.drawImage(
        state.source,
        left * scale,
        top * scale,
        width * scale,
        height * scale,
        0,
        0,
        crop.preview.width,
        crop.preview.height,
      );
      const own = override(crop);
      crop.status.textContent = own
        ? `Your crop: ${own[2]} × ${own[3]} px from ${own[0]}, ${own[1]}`
        : "Follows the focal point";
      crop.reset.disabled = !own;
      crop.preview.dataset.box = [left, top, width, height].join(",");
    }

    function draw() {
      const [x, y] = focal();
      point.style.setProperty("--x", percent(x));
      point.style.setProperty("--y", percent(y));
      point.setAttribute("aria-valuenow", String(Math.round(x * 100)));
      point.setAttribute(
        "aria-valuetext",
        `${Math.round(x * 100)}% from the left, ${Math.round(y * 100)}% from the top`,
      );
      if (!state.source) {
        return;
      }
      crops.forEach(drawPreview);
      const crop = state.editing;
      box.hidden = !crop;
      boxHelp.hidden = !crop;
      root.classList.toggle("is-adjusting", Boolean(crop));
      if (crop) {
        const [left, top, width, height] = boxFor(crop);
        box.style.setProperty("--left", percent(left / state.width));
        box.style.setProperty("--top", percent(top / state.height));
        box.style.setProperty("--width", percent(width / state.width));
        box.style.setProperty("--height", percent(height / state.height));
        box.setAttribute("aria-label", `${crop.label} crop rectangle`);
        box.setAttribute("aria-valuenow", String(Math.round((left / state.width) * 100)));
        box.setAttribute(
          "aria-valuetext",
          `${width} × ${height} px, ${left} px from the left, ${top} px from the top`,
        );
      }
    }

    function show(source, width, height) {
      state.source = source;
      state.width = width;
      state.height = height;
      canvas.width = source.width;
      canvas.height = source.height;
      canvas.getContext("2d").drawImage(source, 0, 0);
      stage.hidden = false;
      empty.hidden = true;
      draw();
    }

    function edit(crop) {
      state.editing = state.editing === crop ? null : crop;
      crops.forEach((each) => {
        const active = each === state.editing;
        each.adjust.setAttribute("aria-pressed", String(active));
        each.adjust.textContent = active ? "Done" : "Adjust crop";
      });
      draw();
      if (state.editing) {
        box.focus();
      }
    }

    // Where a pointer event falls, in pixels of the photo.
    function photoPoint(event) {
      const rect = canvas.getBoundingClientRect();
      return [
        (clamp(event.clientX - rect.left, 0, rect.width) / rect.width) * state.width,
        (clamp(event.clientY - rect.top, 0, rect.height) / rect.height) * state.height,
      ];
    }

    stage.addEventListener("pointerdown", (event) => {
      if (readOnly || !state.source || event.button !== 0) {
        return;
      }
      event.preventDefault();
      stage.setPointerCapture(event.pointerId);
      const [x, y] = photoPoint(event);
      const crop = state.editing;
      if (!crop) {
        state.drag = { kind: "focal" };
        setFocal(x / state.width, y / state.height);
        point.focus();
        return;
      }
      const [left, top, width, height] = boxFor(crop);
      if (event.target.classList.contains("focal-picker__handle")) {
        state.drag = { kind: "resize", left, top };
      } else if (x >= left && x <= left + width && y >= top && y <= top + height) {
        state.drag = { kind: "move", dx: x - left, dy: y - top, width };
      } else {
        state.drag = { kind: "move", dx: width / 2, dy: height / 2, width };
        writeBox(crop, x - width / 2, y - height / 2, width);
      }
      box.focus();
    });

    stage.addEventListener("pointermove", (event) => {
      const drag = state.drag;
      if (!drag) {
        return;
      }
      const [x, y] = photoPoint(event);
      if (drag.kind === "focal") {
        setFocal(x / state.width, y / state.height);
      } else if (drag.kind === "move") {
        writeBox(state.editing, x - drag.dx, y - drag.dy, drag.width);
      } else {
        const crop = state.editing;
        const ratio = crop.rw / crop.rh;
        writeBox(crop, drag.left, drag.top, Math.max(x - drag.left, (y - drag.top) * ratio));
      }
    });

    const endDrag = () => {
      state.drag = null;
    };
    stage.addEventListener("pointerup", endDrag);
    stage.addEventListener("pointercancel", endDrag);

    const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

    point.addEventListener("keydown", (event) => {
      const arrow = ARROWS[event.key];
      if (!arrow || readOnly) {
        return;
      }
      event.preventDefault();
      const step = event.shiftKey ? 0.1 : 0.01;
      const [x, y] = focal();
      setFocal(x + arrow[0] * step, y + arrow[1] * step);
    });

    box.addEventListener("keydown", (event) => {
      const crop = state.editing;
      if (!crop) {
        return;
      }
      const [left, top, width] = boxFor(crop);
      const arrow = ARROWS[event.key];
      const grow = { "+": 1, "=": 1, "-": -1, _: -1 }[event.key];
      if (arrow) {
        const step = (event.shiftKey ? 0.1 : 0.01) * Math.max(state.width, state.height);
        writeBox(crop, left + arrow[0] * step, top + arrow[1] * step, width);
      } else if (grow) {
        // Grow or shrink by 5% about the centre.
        const ratio = crop.rw / crop.rh;
        const delta = grow * 0.05 * width;
        writeBox(crop, left - delta / 2, top - delta / ratio / 2, width + delta);
      } else if (event.key === "Escape" || event.key === "Enter") {
        edit(crop);
        crop.adjust.focus();
      } else {
        return;
      }
      event.preventDefault();
    });

    crops.forEach((crop) => {
      crop.adjust.addEventListener("click", () => edit(crop));
      crop.reset.addEventListener("click", () => {
        crop.inputs.forEach((input) => {
          input.value = "";
        });
        if (state.editing === crop) {
          edit(crop);
        }
        draw();
        crop.adjust.focus();
      });
      crop.inputs.forEach((input) => input && input.addEventListener("input", draw));
    });
    fx.addEventListener("input", draw);
    fy.addEventListener("input", draw);

    const file = field("image");
    if (file) {
      file.addEventListener("change", async () => {
        const chosen = file.files && file.files[0];
        if (!chosen) {
          return;
        }
        try {
          const bitmap = await createImageBitmap(chosen, { imageOrientation: "from-image" });
          // A new picture: rectangles drawn on the old one mean nothing on it.
          crops.forEach((crop) => crop.inputs.forEach((input) => (input.value = "")));
          state.editing = null;
          show(bitmap, bitmap.width, bitmap.height);
        } catch {
          // Not an image the browser can read: the server will say what is wrong with it.
        }
      });
    }

    const source = root.dataset.src;
    if (source) {
      const image = new Image();
      image.decoding = "async";
      image.src = source;
      image
        .decode()
        .then(() => show(image, state.width || image.naturalWidth, state.height || image.naturalHeight))
        .catch(() => {});
    }
    draw();
  }

  window.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".focal-picker").forEach(setup);
  });
})();
