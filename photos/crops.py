"""The crops readers see: which ratios the site uses, and the rectangle each one takes.

Every layout that crops a photo uses one of `CROPS` (static/css/site.css: the home page's lead
card is wide, story cards are 3:2, compact cards and author photos are square). For each, the
rectangle is the largest one of that ratio that fits the photo, centred on the focal point and
pushed back inside the edges; an editor may replace it with a rectangle of their own (an
override), kept in `Photo.crop_overrides` as `{"square": [left, top, width]}` in pixels of the
photo as readers see it (EXIF rotation applied). The height follows from the ratio.

The same arithmetic runs in the admin's picker (static/admin-extra/focal-picker.js) to draw its
previews; rounding is half-up in both so the previews match the renditions pixel for pixel.
"""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Crop:
    name: str
    label: str
    ratio_w: int
    ratio_h: int
    # The widest rendition worth making: twice the widest place the crop is shown.
    max_width: int
    used_for: str

    @property
    def ratio(self):
        return self.ratio_w / self.ratio_h


CROPS = {
    crop.name: crop
    for crop in (
        Crop("wide", "Wide", 16, 9, 1600, "the lead story on the home and section pages"),
        Crop("card", "Card", 3, 2, 1024, "story cards and search results"),
        Crop("square", "Square", 1, 1, 640, "compact cards, phone lists and author photos"),
    )
}
# Smaller overrides would be upscaled into blur on a phone.
MIN_OVERRIDE_WIDTH = 160


def _round(value):
    """Half-up, as JavaScript's Math.round (Python's round() rounds halves to even)."""
    return math.floor(value + 0.5)


def _clamp(value, low, high):
    return max(low, min(value, high))


def full_size(width, height, crop):
    """The largest (width, height) of the crop's ratio that fits a width × height photo."""
    if width * crop.ratio_h > height * crop.ratio_w:
        return min(width, _round(height * crop.ratio)), height
    return width, min(height, _round(width / crop.ratio))


def focal_box(width, height, crop, focal_x, focal_y):
    """(left, top, width, height) of the focal-point crop: as large as fits, centred on the
    focal point, moved back inside the photo where the point lies near an edge."""
    box_width, box_height = full_size(width, height, crop)
    left = _clamp(_round(focal_x * width - box_width / 2), 0, width - box_width)
    top = _clamp(_round(focal_y * height - box_height / 2), 0, height - box_height)
    return left, top, box_width, box_height


def override_box(crop, override):
    left, top, box_width = override
    return left, top, box_width, _round(box_width / crop.ratio)


def check_override(width, height, crop, override):
    """The rectangle (left, top, width, height) of an override, or ValidationError saying
    plainly what is wrong with it for a width × height photo."""
    try:
        left, top, box_width = (int(value) for value in override)
    except (TypeError, ValueError):
        raise ValidationError(
            f"The {crop.label.lower()} crop needs a left edge, a top edge and a width, in "
            "whole pixels.",
            code="crop_incomplete",
        ) from None
    name = f"The {crop.label.lower()} crop"
    if left < 0 or top < 0:
        raise ValidationError(
            f"{name} starts outside the photo: left and top are 0 or more.", code="crop_outside"
        )
    smallest = min(MIN_OVERRIDE_WIDTH, full_size(width, height, crop)[0])
    if box_width < smallest:
        raise ValidationError(
            f"{name} is {box_width} px wide; make it at least {smallest} px.",
            code="crop_too_small",
        )
    box = override_box(crop, (left, top, box_width))
    if left + box_width > width:
        raise ValidationError(
            f"{name} runs past the right edge: left {left} + width {box_width} is more than "
            f"the photo's {width} px.",
            code="crop_outside",
        )
    if top + box[3] > height:
        raise ValidationError(
            f"{name} runs past the bottom edge: top {top} + height {box[3]} (width "
            f"{box_width} at {crop.ratio_w}:{crop.ratio_h}) is more than the photo's "
            f"{height} px.",
            code="crop_outside",
        )
    return box


def crop_boxes(width, height, focal_x, focal_y, overrides):
    """{crop name: (left, top, width, height)} for every crop: the override where one is
    set, else the focal-point crop."""
    overrides = overrides or {}
    return {
        name: (
            override_box(crop, overrides[name])
            if overrides.get(name)
            else focal_box(width, height, crop, focal_x, focal_y)
        )
        for name, crop in CROPS.items()
    }
