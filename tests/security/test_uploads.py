"""Hostile photo uploads through the admin: a form error every time, never a 500 or a file.

tests/articles/test_photos.py covers the everyday refusals (text, SVG, GIF, a cut JPEG, a
bomb); these are the files an attacker crafts on purpose.
"""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image

from photos.models import Photo
from tests.articles.test_photos import image_bytes, png_claiming, post_photo
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>"


def jpeg_with_comment(comment: bytes) -> bytes:
    """A valid JPEG carrying `comment` in a COM segment right after the SOI marker."""
    jpeg = jpeg_bytes(640, 480)
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return jpeg[:2] + segment + jpeg[2:]


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", jpeg_bytes(200, 100))
    return buffer.getvalue()


HOSTILE_FILES = {
    # A real JPEG with an HTML page appended after its end marker.
    "jpeg-html-polyglot": (jpeg_bytes(640, 480) + b"<html><body>" + SCRIPT, "ok.jpg", "image/jpeg"),
    # Script hidden in a JPEG comment, where some sniffers find it first.
    "jpeg-comment-script": (jpeg_with_comment(SCRIPT), "comment.jpg", "image/jpeg"),
    "png-svg-polyglot": (
        image_bytes("PNG") + b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "logo.png",
        "image/png",
    ),
    "html-renamed-jpg": (b"<!DOCTYPE html><html>" + SCRIPT + b"</html>", "photo.jpg", "image/jpeg"),
    "svg-renamed-png": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "photo.png",
        "image/png",
    ),
    "zip-archive": (zip_bytes(), "photos.jpg", "image/jpeg"),
    "empty-file": (b"\xff\xd8", "empty.jpg", "image/jpeg"),
    "truncated-png": (image_bytes("PNG", size=(800, 600))[:200], "cut.png", "image/png"),
    "truncated-webp": (image_bytes("WEBP", size=(800, 600))[:120], "cut.webp", "image/webp"),
    "huge-dimension-png": (png_claiming(100_000, 100_000), "huge.png", "image/png"),
    "wide-png-over-the-limit": (png_claiming(60_000, 1_000), "wide.png", "image/png"),
    "bmp": (image_bytes("BMP"), "photo.jpg", "image/jpeg"),
    "tiff": (image_bytes("TIFF"), "photo.jpg", "image/jpeg"),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_upload_gets_a_form_error_and_stores_nothing(admin_client, name):
    content, filename, content_type = HOSTILE_FILES[name]

    response = post_photo(admin_client, content, name=filename, content_type=content_type)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "image" in errors, errors
    assert not Photo.objects.exists()
    assert not default_storage.exists("photos")


def test_a_photo_with_markup_gets_an_explanation(admin_client):
    content, filename, content_type = HOSTILE_FILES["jpeg-html-polyglot"]
    response = post_photo(admin_client, content, name=filename, content_type=content_type)
    message = " ".join(response.context["adminform"].form.errors["image"])
    assert "web page code" in message


def test_an_image_over_the_pixel_limit_says_so(admin_client):
    content, filename, content_type = HOSTILE_FILES["wide-png-over-the-limit"]
    response = post_photo(admin_client, content, name=filename, content_type=content_type)
    assert "pixels allowed" in " ".join(response.context["adminform"].form.errors["image"])


def test_pillow_bomb_limit_follows_the_photo_pixel_limit():
    assert Image.MAX_IMAGE_PIXELS == settings.PHOTO_MAX_PIXELS


@pytest.mark.parametrize(
    "filename",
    ["../../../etc/passwd.jpg", "photo.php.jpg", "évidence 1.JPEG", "<script>.jpg"],
)
def test_stored_names_are_generated_whatever_the_upload_was_called(admin_client, filename):
    response = post_photo(admin_client, jpeg_bytes(800, 600), name=filename)

    assert response.status_code == 302
    stored = Photo.objects.get().image.name
    assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|jpeg)", stored), stored


@pytest.mark.parametrize("filename", ["page.html", "x.svg", "shell.php"])
def test_a_real_jpeg_under_a_non_image_name_is_refused(admin_client, filename):
    response = post_photo(admin_client, jpeg_bytes(800, 600), name=filename)

    assert response.status_code == 200
    assert "image" in response.context["adminform"].form.errors
    assert not Photo.objects.exists()
