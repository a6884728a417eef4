"""Resized copies of photos, made once with Pillow and served with `srcset`.

`ensure_renditions(photo)` writes every width of `settings.PHOTO_RENDITION_WIDTHS` that does
not exceed the original, as WebP and as a JPEG fallback, and records what it wrote in
`photo.renditions`:

    {"source": "photos/2024/01/ab12.jpg", "base": "renditions/7/ab12",
     "size": [2000, 1333], "widths": [320, 640, 1024, 1600], "formats": ["webp", "jpeg"]}

A rendition's name is `<base>-<width>.<webp|jpg>`. The base carries the original's file name,
so replacing a photo's image produces new names and no CDN keeps serving the old picture.

The render-time helpers (`srcset`, `default_rendition`, ...) read only that dict and the storage's
URL scheme: no file is opened and no query is made while a page renders.
"""

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.utils.encoding import filepath_to_uri
from django.utils.functional import empty
from PIL import Image, ImageOps

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
        and all(
            default_storage.exists(rendition_name(data["base"], width, image_format))
            for width in data["widths"]
            for image_format in data.get("formats", ())
        )
    )


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

    # Largest first, each copy resized from the original so quality never compounds.
    written = []
    try:
        for width in sorted(widths, reverse=True):
            height = rendition_height(width, original_width, original_height)
            resized = None
            for image_format in FORMATS:
                name = rendition_name(base, width, image_format)
                if not force and default_storage.exists(name):
                    continue
                if resized is None:
                    resized = (
                        image
                        if width == original_width
                        else image.resize(
                            (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0
                        )
                    )
                if force and default_storage.exists(name):
                    default_storage.delete(name)
                encoded = ContentFile(_encode(resized, image_format, icc_profile))
                written.append(default_storage.save(name, encoded))
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
    }
    photo.save(update_fields=["renditions"])
    return photo.renditions


def delete_renditions(renditions):
    """Remove the files a `renditions` dict lists (used when a photo is deleted)."""
    base = (renditions or {}).get("base")
    if not base:
        return
    for width in renditions.get("widths", ()):
        for image_format in renditions.get("formats", ()):
            name = rendition_name(base, width, image_format)
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


def renditions_for(photo, image_format):
    """Every rendition of one format, narrowest first; empty before they are made."""
    if not has_renditions(photo) or image_format not in photo.renditions.get("formats", ()):
        return ()
    data = photo.renditions
    original_width, original_height = _size(photo)
    url = _url_function()
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


def srcset(photo, image_format):
    """`srcset` value for WebP or JPEG, e.g. "/media/renditions/7/ab-320.webp 320w, ..."."""
    return ", ".join(f"{r.url} {r.width}w" for r in renditions_for(photo, image_format))


def default_rendition(photo, max_width=DEFAULT_WIDTH):
    """The JPEG for `src`: the widest one up to `max_width` (the original before renditions)."""
    jpegs = renditions_for(photo, "jpeg")
    if not jpegs:
        width, height = _size(photo)
        return Rendition(url=photo.image.url, width=width, height=height)
    fitting = [r for r in jpegs if r.width <= max_width]
    return fitting[-1] if fitting else jpegs[0]


def largest_rendition(photo):
    """The widest JPEG, for Open Graph and JSON-LD images."""
    jpegs = renditions_for(photo, "jpeg")
    return jpegs[-1] if jpegs else default_rendition(photo)
