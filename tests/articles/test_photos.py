"""Photo uploads through the admin: good files get renditions, bad files a clear form error."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from photos.models import Photo
from tests.factories import PhotoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/photos/photo/add/"


def image_bytes(image_format, size=(900, 600), mode="RGB", color=(200, 60, 40)):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, image_format)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims `width`×`height`: a decompression bomb's calling card."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def post_photo(client, content, name="upload.jpg", content_type="image/jpeg", **fields):
    data = {
        "image": SimpleUploadedFile(name, content, content_type=content_type),
        "caption": "Volunteers sort parcels in a school gym",
        "credit": "Iryna Test/Newsroom",
        "alt_text": "People sorting boxes on long tables",
        "focal_x": "0.5",
        "focal_y": "0.4",
        **fields,
    }
    return client.post(ADD_URL, data)


def image_errors(response):
    assert response.status_code == 200, "a refused upload re-renders the form"
    return " ".join(str(error) for error in response.context["adminform"].form.errors["image"])


def test_jpeg_upload_saves_photo_with_uploader_size_and_renditions(admin_client, admin_user):
    response = post_photo(admin_client, jpeg_bytes(2000, 1333))

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (2000, 1333)
    assert photo.uploaded_by == admin_user
    assert photo.focal_y == 0.4
    assert photo.renditions["widths"] == [320, 640, 1024, 1600]
    base = photo.renditions["base"]
    for width in photo.renditions["widths"]:
        assert default_storage.exists(f"{base}-{width}.webp")
        assert default_storage.exists(f"{base}-{width}.jpg")


@pytest.mark.parametrize(
    ("image_format", "mode", "name", "content_type"),
    [
        ("PNG", "RGBA", "graphic.png", "image/png"),
        ("WEBP", "RGB", "picture.webp", "image/webp"),
    ],
)
def test_png_and_webp_are_accepted(admin_client, image_format, mode, name, content_type):
    content = image_bytes(image_format, mode=mode, color=(10, 120, 200, 128)[: len(mode)])

    response = post_photo(admin_client, content, name=name, content_type=content_type)

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.endswith(name[name.rindex(".") :])
    assert photo.renditions["formats"] == ["webp", "jpeg"]


@pytest.mark.parametrize(
    ("content", "name", "content_type", "message"),
    [
        (b"Minutes of the council meeting\n" * 40, "notes.jpg", "image/jpeg", "not a readable"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<script>alert(1)</script><rect width="10" height="10"/></svg>',
            "logo.svg",
            "image/svg+xml",
            "not a readable",
        ),
        (image_bytes("GIF"), "animation.gif", "image/gif", "Upload a JPEG, PNG or WebP image"),
        (jpeg_bytes(1200, 800)[:3000], "cut.jpg", "image/jpeg", "damaged or incomplete"),
        # Pillow refuses headers beyond twice its own limit before anything is decoded.
        (png_claiming(100_000, 100_000), "bomb.png", "image/png", "not a readable"),
    ],
    ids=["text-renamed-jpg", "svg", "gif", "truncated-jpeg", "decompression-bomb"],
)
def test_bad_files_get_a_clear_form_error(admin_client, content, name, content_type, message):
    response = post_photo(admin_client, content, name=name, content_type=content_type)

    assert message in image_errors(response)
    assert not Photo.objects.exists()


def test_too_many_pixels_is_refused_with_the_limit(admin_client, settings):
    settings.PHOTO_MAX_PIXELS = 500 * 500

    response = post_photo(admin_client, jpeg_bytes(800, 600))

    assert "800×600 pixels, more than the 250,000 pixels allowed" in image_errors(response)
    assert not Photo.objects.exists()


def test_too_large_a_file_is_refused(admin_client, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1024

    response = post_photo(admin_client, jpeg_bytes(800, 600))

    assert "too large" in image_errors(response)


def test_caption_credit_and_alt_text_are_required(admin_client):
    response = post_photo(admin_client, jpeg_bytes(), caption="", credit="", alt_text="")

    errors = response.context["adminform"].form.errors
    assert {"caption", "credit", "alt_text"} <= set(errors)
    assert not Photo.objects.exists()


def test_editing_text_keeps_the_image_and_replacing_it_renews_renditions(admin_client):
    photo = PhotoFactory()
    change_url = reverse("admin:photos_photo_change", args=[photo.pk])
    original = photo.image.name
    fields = {"caption": "New caption", "credit": photo.credit, "alt_text": photo.alt_text}
    fields |= {"focal_x": "0.5", "focal_y": "0.5"}

    response = admin_client.post(change_url, fields)

    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.caption, photo.image.name) == ("New caption", original)
    old_base = photo.renditions["base"]

    replacement = SimpleUploadedFile("new.jpg", jpeg_bytes(1700, 1000), content_type="image/jpeg")
    response = admin_client.post(change_url, {**fields, "image": replacement})

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.image.name != original
    assert photo.renditions["base"] != old_base
    assert photo.width == 1700


def test_photo_list_shows_thumbnails_and_searches_credit(admin_client):
    PhotoFactory(caption="Snow on the market square", credit="Agency One via Wire")
    PhotoFactory(caption="Harvest in the south", credit="Field Desk")

    response = admin_client.get("/admin/photos/photo/", {"q": "Agency One"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Snow on the market square" in content
    assert "Harvest in the south" not in content
    assert '<img class="thumb"' in content
    assert "1200 × 800 px" in content


def test_photo_list_searches_alt_text(admin_client):
    PhotoFactory(caption="First", alt_text="A heron standing in reeds")
    PhotoFactory(caption="Second", alt_text="A crowded tram stop")

    response = admin_client.get("/admin/photos/photo/", {"q": "heron"})

    assert response.context["cl"].result_count == 1


def test_thumbnail_endpoint_gives_the_picker_its_preview(admin_client):
    photo = PhotoFactory(caption="Boats at the pier", credit="Harbour Desk")
    url = reverse("admin:photos_photo_thumbnail")

    data = admin_client.get(url, {"id": photo.pk}).json()

    assert data["caption"] == "Boats at the pier"
    assert data["credit"] == "Harbour Desk"
    assert data["url"].startswith("/media/")
    assert admin_client.get(url, {"id": "999999"}).status_code == 404
    assert admin_client.get(url, {"id": "x"}).status_code == 404


def test_thumbnail_endpoint_needs_a_staff_login(client):
    photo = PhotoFactory()

    response = client.get(reverse("admin:photos_photo_thumbnail"), {"id": photo.pk})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_photo_autocomplete_searches_captions(admin_client):
    PhotoFactory(caption="Lanterns over the river festival")
    PhotoFactory(caption="Empty stadium before the match")

    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "lead_photo",
            "term": "lantern",
        },
    )

    results = response.json()["results"]
    assert [result["text"] for result in results] == ["Lanterns over the river festival"]
