"""Upload checks for photos: a real JPEG, PNG or WebP within size and pixel limits."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

from core.uploads import from_the_start, refuse_oversized

ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}

# Pillow's own bomb guard follows our limit everywhere it opens an image (renditions, demo):
# it warns past this many pixels and refuses outright past twice as many.
Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS

# Markup has no business inside a photo: a file that is both a valid image and an HTML or SVG
# document (a polyglot) could run script if any server or browser ever sniffed it as HTML.
MARKUP_SIGNATURE = re.compile(
    rb"<(?:script|html|body|svg|iframe|object|embed|\?php)[\s/>]|<!doctype\s+html", re.IGNORECASE
)
_SCAN_CHUNK = 1024 * 1024


def _contains_markup(file) -> bool:
    file.seek(0)
    tail = b""
    while chunk := file.read(_SCAN_CHUNK):
        if MARKUP_SIGNATURE.search(tail + chunk):
            return True
        tail = chunk[-32:]  # a signature split across two chunks is still found
    return False


def validate_photo_file(file):
    """Refuse anything Pillow cannot open as an allowed format, too big or too many pixels.

    Reads the header and verifies the data without decoding the whole image, so a
    decompression bomb is refused before it can take the memory it asks for.
    """
    refuse_oversized(file, limit_bytes=settings.PHOTO_MAX_UPLOAD_BYTES, upload_an="an image")
    try:
        with from_the_start(file):
            with Image.open(file) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in ALLOWED_IMAGE_FORMATS:
                    raise ValidationError(
                        "Upload a JPEG, PNG or WebP image. Other formats (including SVG) are "
                        "refused.",
                        code="invalid_format",
                    )
                if width * height > settings.PHOTO_MAX_PIXELS:
                    raise ValidationError(
                        f"This image is {width}×{height} pixels, more than the "
                        f"{settings.PHOTO_MAX_PIXELS:,} pixels allowed.",
                        code="too_many_pixels",
                    )
                image.verify()
            if _contains_markup(file):
                raise ValidationError(
                    "This file hides web page code inside the image. Export the photo again "
                    "from your photo editor and upload the new file.",
                    code="markup_in_image",
                )
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not a readable image. Upload a JPEG, PNG or WebP photo.",
            code="invalid_image",
        ) from None
