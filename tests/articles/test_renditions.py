import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from photos import renditions
from photos.models import Photo
from photos.renditions import ensure_renditions, rendition_name
from tests.factories import PhotoFactory, uploaded_jpeg

pytestmark = pytest.mark.django_db


def open_rendition(photo, width, image_format):
    name = rendition_name(photo.renditions["base"], width, image_format)
    with default_storage.open(name) as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_makes_webp_and_jpeg_at_every_width_up_to_the_original(settings):
    settings.PHOTO_RENDITION_WIDTHS = [320, 640, 1024, 1600]
    photo = PhotoFactory(image=uploaded_jpeg(width=1200, height=800))

    data = ensure_renditions(photo)

    assert data["widths"] == [320, 640, 1024]
    assert data["formats"] == ["webp", "jpeg"]
    assert data["size"] == [1200, 800]
    assert data["base"].startswith(f"renditions/{photo.pk}/")
    for width in data["widths"]:
        webp, jpeg = open_rendition(photo, width, "webp"), open_rendition(photo, width, "jpeg")
        assert (webp.format, jpeg.format) == ("WEBP", "JPEG")
        assert webp.size == jpeg.size == (width, round(width * 800 / 1200))
        assert jpeg.mode == "RGB"
    photo.refresh_from_db()
    assert photo.renditions == data


def test_a_small_original_gets_one_rendition_at_its_own_width():
    photo = PhotoFactory(image=uploaded_jpeg(width=200, height=100))

    assert ensure_renditions(photo)["widths"] == [200]
    assert open_rendition(photo, 200, "jpeg").size == (200, 100)


def test_running_twice_reuses_the_files(monkeypatch):
    photo = PhotoFactory()
    ensure_renditions(photo)

    saved = []
    monkeypatch.setattr(default_storage, "save", lambda name, content: saved.append(name))
    photo = Photo.objects.get(pk=photo.pk)
    ensure_renditions(photo)

    assert saved == []


def test_missing_files_are_remade_and_existing_ones_kept():
    photo = PhotoFactory()
    data = ensure_renditions(photo)
    missing = rendition_name(data["base"], 640, "webp")
    kept = rendition_name(data["base"], 320, "jpeg")
    kept_mtime = default_storage.get_modified_time(kept)
    default_storage.delete(missing)

    ensure_renditions(Photo.objects.get(pk=photo.pk))

    assert default_storage.exists(missing)
    assert default_storage.get_modified_time(kept) == kept_mtime


def test_exif_orientation_is_applied():
    # Stored 800×400 with "rotate 90° clockwise" in EXIF: readers must see it 400×800.
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (800, 400), (200, 30, 30)).save(buffer, "JPEG", exif=exif)
    photo = PhotoFactory(image=SimpleUploadedFile("turned.jpg", buffer.getvalue()))

    data = ensure_renditions(photo)

    assert data["size"] == [400, 800]
    assert open_rendition(photo, 320, "jpeg").size == (320, 640)
    assert not open_rendition(photo, 320, "jpeg").getexif().get(0x0112)


def test_transparent_png_is_flattened_to_rgb_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (700, 500), (0, 0, 0, 0)).save(buffer, "PNG")
    photo = PhotoFactory(image=SimpleUploadedFile("clear.png", buffer.getvalue()))

    ensure_renditions(photo)

    for image_format in ("jpeg", "webp"):
        image = open_rendition(photo, 640, image_format)
        assert image.mode == "RGB"
        assert image.getpixel((10, 10)) >= (250, 250, 250)


def test_replacing_the_image_makes_new_rendition_names():
    photo = PhotoFactory()
    first = ensure_renditions(photo)["base"]

    photo.image = uploaded_jpeg(name="new.jpg", width=900, height=600)
    photo.save()
    second = ensure_renditions(photo)

    assert second["base"] != first
    assert second["widths"] == [320, 640]


def test_render_helpers_need_no_query_and_no_file(django_assert_num_queries, monkeypatch):
    photo = PhotoFactory(image=uploaded_jpeg(width=2000, height=1333))
    ensure_renditions(photo)
    photo = Photo.objects.get(pk=photo.pk)

    def no_file_access(*args, **kwargs):
        raise AssertionError("render-time helpers must not touch storage")

    monkeypatch.setattr(default_storage, "exists", no_file_access)
    monkeypatch.setattr(default_storage, "open", no_file_access)
    with django_assert_num_queries(0):
        webp = renditions.srcset(photo, "webp")
        jpeg = renditions.srcset(photo, "jpeg")
        default = renditions.default_rendition(photo)

    assert webp.count("w, ") == 3 and webp.endswith("-1600.webp 1600w")
    assert "-320.jpg 320w" in jpeg
    assert (default.width, default.height) == (1024, 682)
    assert default.url.endswith("-1024.jpg")


def test_before_renditions_exist_the_original_is_used():
    photo = PhotoFactory(image=uploaded_jpeg(width=600, height=400))

    assert renditions.srcset(photo, "webp") == ""
    assert renditions.default_rendition(photo).url == photo.image.url


def test_make_renditions_command_fills_photos_missing_them():
    done, missing = PhotoFactory(), PhotoFactory()
    ensure_renditions(done)
    out = io.StringIO()

    call_command("make_renditions", stdout=out)

    missing.refresh_from_db()
    assert missing.renditions["widths"] == [320, 640, 1024]
    assert "1 photo" in out.getvalue()


def test_deleting_a_photo_removes_its_renditions(django_capture_on_commit_callbacks):
    photo = PhotoFactory()
    data = ensure_renditions(photo)
    name = rendition_name(data["base"], 320, "webp")
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()

    assert not default_storage.exists(name)
