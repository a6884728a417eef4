"""Resized copies of photos, made once with Pillow and served with `srcset`.

`ensure_renditions(photo)` writes every width of `settings.PHOTO_RENDITION_WIDTHS` that does
not exceed the original, as WebP and as a JPEG fallback, and records what it wrote in
`photo.renditions`:

    {"source": "photos/2024/01/ab12.jpg", "base": "renditions/7/ab12",
     "size": [2000, 1333], "widths": [320, 640, 1024, 1600], "formats": ["webp", "jpeg"]}

A rendition's name is `<base>-<width>.<webp|jpg>`. The base carries the original's file name,
so replacing a photo's image produces new names and no CDN keeps serving the old picture.

Each crop of `photos.crops.CROPS` (wide, card, square) gets its own copies, cut from the
rectangle the focal point or the editor's override gives, recorded under "crops":

    "crops": {"card": {"box": [0, 0, 2000, 1333], "base": "renditions/7/ab12-card-3f9c0a1e",
                       "widths": [320, 640, 1024]}, ...}

A crop's base carries a digest of its rectangle: moving the focal point or an override gives
new names (so no cache or CDN serves the old cut), and the old files go once the change is
committed (`stale_files`).

The render-time helpers (`srcset`, `default_rendition`, ...) read only that dict and the storage's
URL scheme: no file is opened and no query is made while a page renders.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.utils.encoding import filepath_to_uri
from django.utils.functional import empty
from PIL import Image, ImageOps

from .crops import CROPS, crop_boxes

FORMATS = {"webp": ("WEBP", "webp", {"quality": 80, "method": 4}), "jpeg": ("JPEG", "jpg", {})}
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
# The width served to browsers that ignore srcset, and to Open Graph / JSON-LD.
DEFAULT_WIDTH = 1024


def rendition_base(photo):
    stem = PurePosixPath(photo.image.name).stem
    return f"renditions/{photo.pk}/{stem}"


def rendition_name(base, width, image_format):
    return f"{base}-{width}.{FORMATS[image_format][1]}"


def target_widths(original_width):
    """Configured widths up to the original's; a small original gets one copy at its own size."""
    widths = sorted(w for w in settings.PHOTO_RENDITION_WIDTHS if w <= original_width)
    return widths or [original_width]


def crop_widths(box_width, crop):
    widths = sorted(
        w for w in settings.PHOTO_RENDITION_WIDTHS if w <= min(box_width, crop.max_width)
    )
    return widths or [min(box_width, crop.max_width)]


def crop_base(base, name, box):
    digest = hashlib.sha1(",".join(map(str, box)).encode(), usedforsecurity=False)
    return f"{base}-{name}-{digest.hexdigest()[:8]}"


def planned_crops(photo, size):
    """{crop name: {"box", "base", "widths"}} the photo's focal point and overrides call for."""
    base = rendition_base(photo)
    boxes = crop_boxes(*size, photo.focal_x, photo.focal_y, photo.crop_overrides)
    return {
        name: {
            "box": list(box),
            "base": crop_base(base, name, box),
            "widths": crop_widths(box[2], CROPS[name]),
        }
        for name, box in boxes.items()
    }


def _flatten_to_rgb(image):
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _encode(image, image_format, icc_profile):
    pil_format, _, options = FORMATS[image_format]
    options = JPEG_OPTIONS if image_format == "jpeg" else options
    buffer = io.BytesIO()
    # EXIF (camera, GPS) is deliberately not copied: renditions carry no location data.
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    image.save(buffer, pil_format, **options, **extra)
    return buffer.getvalue()


def _is_current(photo):
    data = photo.renditions or {}
    return (
        data.get("source") == photo.image.name
        and data.get("widths")
        and data.get("size")
        and data.get("crops") == planned_crops(photo, data["size"])
        and all(default_storage.exists(name) for name in rendition_files(data))
    )


def _write(name, image, image_format, icc_profile, *, force, written):
    if default_storage.exists(name):
        if not force:
            return
        default_storage.delete(name)
    encoded = ContentFile(_encode(image(), image_format, icc_profile))
    written.append(default_storage.save(name, encoded))


def ensure_renditions(photo, *, force=False):
    """Make the photo's missing renditions and record them; a no-op when all exist.

    Returns the `photo.renditions` dict. Files already in storage are reused, not rewritten,
    so running it twice (or from the admin and the demo loader) does no extra work.
    """
    if not photo.image:
        return photo.renditions
    if not force and _is_current(photo):
        return photo.renditions

    with photo.image.open("rb") as source, Image.open(source) as opened:
        icc_profile = opened.info.get("icc_profile")
        image = _flatten_to_rgb(ImageOps.exif_transpose(opened))
        image.load()
    original_width, original_height = image.size
    base = rendition_base(photo)
    widths = target_widths(original_width)

    crops = planned_crops(photo, (original_width, original_height))
    # Largest first, each copy resized from the original so quality never compounds.
    written = []
    try:
        for width in sorted(widths, reverse=True):
            height = rendition_height(width, original_width, original_height)
            resized = _once(lambda w=width, h=height: _resize(image, w, h))
            for image_format in FORMATS:
                name = rendition_name(base, width, image_format)
                _write(name, resized, image_format, icc_profile, force=force, written=written)
        for name, planned in crops.items():
            left, top, box_width, box_height = planned["box"]
            box = (left, top, left + box_width, top + box_height)
            cut = _once(lambda box=box: image.crop(box))
            for width in sorted(planned["widths"], reverse=True):
                height = max(1, round(width / CROPS[name].ratio))
                resized = _once(lambda c=cut, w=width, h=height: _resize(c(), w, h))
                for image_format in FORMATS:
                    target = rendition_name(planned["base"], width, image_format)
                    _write(target, resized, image_format, icc_profile, force=force, written=written)
    except Exception:
        # A full disk (or any failure) part-way: the copies this call made go too, so no
        # rendition is left that the photo's record does not list.
        for name in written:
            default_storage.delete(name)
        raise

    photo.renditions = {
        "source": photo.image.name,
        "base": base,
        "size": [original_width, original_height],
        "widths": widths,
        "formats": list(FORMATS),
        "crops": crops,
    }
    photo.save(update_fields=["renditions"])
    return photo.renditions


def _once(make):
    """`make`, called at most once and only when first needed (files that exist need none)."""
    made = []

    def get():
        if not made:
            made.append(make())
        return made[0]

    return get


def _resize(image, width, height):
    if image.size == (width, height):
        return image
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def rendition_files(renditions):
    """Every file name a `renditions` dict lists: full-frame copies and crops."""
    data = renditions or {}
    formats = data.get("formats", ())
    names = set()
    for base, widths in [
        (data.get("base"), data.get("widths", ())),
        *((crop["base"], crop["widths"]) for crop in data.get("crops", {}).values()),
    ]:
        if base:
            names.update(rendition_name(base, w, f) for w in widths for f in formats)
    return names


def stale_files(old, new):
    """Files the old record listed that the new one no longer does."""
    return rendition_files(old) - rendition_files(new)


def delete_renditions(renditions, keep=None):
    """Remove the files a `renditions` dict lists (a deleted photo), or only those the newer
    record `keep` no longer lists (a replaced image, a moved focal point or crop)."""
    for name in stale_files(renditions, keep or {}):
        if default_storage.exists(name):
            default_storage.delete(name)


# --- Render-time helpers: read `photo.renditions` only --------------------------------------


def rendition_height(width, original_width, original_height):
    return max(1, round(width * original_height / original_width))


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


def has_renditions(photo):
    data = photo.renditions or {}
    return bool(data.get("widths")) and data.get("source") == photo.image.name


def _size(photo):
    data = photo.renditions or {}
    if data.get("size"):
        return tuple(data["size"])
    return photo.width, photo.height


def crop_of(photo, crop):
    """The recorded copies of one crop ({"box", "base", "widths"}), or None: no crop asked
    for, or a photo whose renditions predate crops (layouts then crop it in CSS)."""
    if not crop or not has_renditions(photo):
        return None
    return photo.renditions.get("crops", {}).get(crop)


def renditions_for(photo, image_format, crop=None):
    """Every rendition of one format, narrowest first; empty before they are made. With
    `crop` ("wide", "card", "square"), that crop's copies where they exist."""
    if not has_renditions(photo) or image_format not in photo.renditions.get("formats", ()):
        return ()
    url = _url_function()
    if cut := crop_of(photo, crop):
        ratio = CROPS[crop].ratio
        return tuple(
            Rendition(
                url=url(rendition_name(cut["base"], width, image_format)),
                width=width,
                height=max(1, round(width / ratio)),
            )
            for width in cut["widths"]
        )
    data = photo.renditions
    original_width, original_height = _size(photo)
    return tuple(
        Rendition(
            url=url(rendition_name(data["base"], width, image_format)),
            width=width,
            height=rendition_height(width, original_width, original_height),
        )
        for width in data["widths"]
    )


def _url_function():
    """The media storage's `url`, or for files on this machine the same address without
    `urljoin` (most of its cost: a page of cards prints a hundred rendition URLs)."""
    storage = default_storage._wrapped
    if storage is empty:
        storage = storages["default"]
    base = getattr(storage, "base_url", None)
    if type(storage).url is FileSystemStorage.url and base and base.endswith("/"):
        return lambda name: base + filepath_to_uri(name)
    return storage.url


def srcset(photo, image_format, crop=None):
    """`srcset` value for WebP or JPEG, e.g. "/media/renditions/7/ab-320.webp 320w, ..."."""
    return ", ".join(f"{r.url} {r.width}w" for r in renditions_for(photo, image_format, crop))


def focal_point_in(photo, crop=None):
    """The focal point as fractions of what is shown: of the crop's rectangle when the crop's
    copies are used (so CSS that crops them further still keeps it in view), else of the photo."""
    cut = crop_of(photo, crop)
    if cut is None:
        return photo.focal_x, photo.focal_y
    width, height = _size(photo)
    left, top, box_width, box_height = cut["box"]
    return (
        min(1.0, max(0.0, (photo.focal_x * width - left) / box_width)),
        min(1.0, max(0.0, (photo.focal_y * height - top) / box_height)),
    )


def default_rendition(photo, max_width=DEFAULT_WIDTH, crop=None):
    """The JPEG for `src`: the widest one up to `max_width` (the original before renditions)."""
    jpegs = renditions_for(photo, "jpeg", crop)
    if not jpegs:
        width, height = _size(photo)
        return Rendition(url=photo.image.url, width=width, height=height)
    fitting = [r for r in jpegs if r.width <= max_width]
    return fitting[-1] if fitting else jpegs[0]


def largest_rendition(photo):
    """The widest JPEG, for Open Graph and JSON-LD images."""
    jpegs = renditions_for(photo, "jpeg")
    return jpegs[-1] if jpegs else default_rendition(photo)
