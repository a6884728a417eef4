"""Upload checks for photos: a real JPEG, PNG or WebP within size and pixel limits."""

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


def validate_photo_file(file):
    """Refuse anything Pillow cannot open as an allowed format, too big or too many pixels.

    Reads the header and verifies the data without decoding the whole image, so a
    decompression bomb is refused before it can take the memory it asks for.
    """
    size = getattr(file, "size", None)
    if size is not None and size > settings.PHOTO_MAX_UPLOAD_BYTES:
        limit_mb = settings.PHOTO_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(
            f"This file is too large. Upload an image of at most {limit_mb} MB.",
            code="file_too_large",
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG or WebP image. Other formats (including SVG) are refused.",
                    code="invalid_format",
                )
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(
                    f"This image is {width}×{height} pixels, more than the "
                    f"{settings.PHOTO_MAX_PIXELS:,} pixels allowed.",
                    code="too_many_pixels",
                )
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not a readable image. Upload a JPEG, PNG or WebP photo.",
            code="invalid_image",
        ) from None
    finally:
        if position is not None:
            file.seek(position)
