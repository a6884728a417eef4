"""Cropped renditions: cut where the focal point or an override says, renamed when it moves."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from photos import renditions, services
from photos.models import Photo
from photos.renditions import ensure_renditions, rendition_name
from tests.factories import PhotoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def quadrants_jpeg(width=1200, height=800):
    """Red left half, blue right half: which half a crop took shows in its pixels."""
    image = Image.new("RGB", (width, height), (220, 30, 30))
    image.paste((30, 30, 220), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def uploaded(width, height):
    return SimpleUploadedFile("p.jpg", jpeg_bytes(width, height), "image/jpeg")


def photo_with(content, **fields):
    return PhotoFactory(image=SimpleUploadedFile("p.jpg", content, "image/jpeg"), **fields)


def open_crop(photo, crop, width, image_format="jpeg"):
    cut = photo.renditions["crops"][crop]
    with default_storage.open(rendition_name(cut["base"], width, image_format)) as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_every_crop_gets_copies_of_its_ratio(settings):
    settings.PHOTO_RENDITION_WIDTHS = [320, 640, 1024, 1600]
    photo = PhotoFactory(image=uploaded(1200, 800))

    data = ensure_renditions(photo)

    assert data["crops"]["wide"]["box"] == [0, 63, 1200, 675]
    assert data["crops"]["wide"]["widths"] == [320, 640, 1024]
    assert data["crops"]["card"]["widths"] == [320, 640, 1024]
    assert data["crops"]["square"] == {
        "box": [200, 0, 800, 800],
        "base": data["crops"]["square"]["base"],
        "widths": [320, 640],
    }
    assert open_crop(photo, "wide", 640).size == (640, 360)
    assert open_crop(photo, "square", 320, "webp").size == (320, 320)
    assert open_crop(photo, "card", 1024).size == (1024, 683)


def test_the_focal_point_decides_which_part_a_crop_keeps():
    photo = photo_with(quadrants_jpeg(), focal_x=0.9)
    ensure_renditions(photo)

    red, green, blue = open_crop(photo, "square", 320).getpixel((160, 160))
    assert blue > 180 and red < 80


def test_an_override_is_honoured_over_the_focal_point():
    photo = photo_with(quadrants_jpeg(), focal_x=0.9, crop_overrides={"square": [0, 0, 500]})
    ensure_renditions(photo)

    assert photo.renditions["crops"]["square"]["box"] == [0, 0, 500, 500]
    red, green, blue = open_crop(photo, "square", 320).getpixel((160, 160))
    assert red > 180 and blue < 80
    # The other ratios still follow the focal point.
    assert photo.renditions["crops"]["card"]["box"] == [0, 0, 1200, 800]


def test_moving_the_crop_renames_its_copies_and_removes_the_old_ones(
    django_capture_on_commit_callbacks,
):
    photo = PhotoFactory(image=uploaded(1200, 800))
    ensure_renditions(photo)
    old = dict(photo.renditions)
    old_square_url = renditions.srcset(photo, "jpeg", crop="square")

    photo = Photo.objects.get(pk=photo.pk)
    photo.crop_overrides = {"square": [0, 0, 600]}
    with django_capture_on_commit_callbacks(execute=True):
        services.save_photo(photo=photo, by=None)

    new_square_url = renditions.srcset(photo, "jpeg", crop="square")
    assert new_square_url != old_square_url
    assert photo.renditions["crops"]["square"]["base"] != old["crops"]["square"]["base"]
    # Unchanged crops and the full-frame copies keep their names and files.
    assert photo.renditions["crops"]["wide"] == old["crops"]["wide"]
    assert photo.renditions["base"] == old["base"]
    old_square = rendition_name(old["crops"]["square"]["base"], 320, "jpeg")
    assert not default_storage.exists(old_square)
    for name in renditions.rendition_files(photo.renditions):
        assert default_storage.exists(name), name


def test_resetting_to_the_focal_point_brings_the_focal_crop_back(
    django_capture_on_commit_callbacks,
):
    photo = PhotoFactory(image=uploaded(1200, 800))
    ensure_renditions(photo)
    focal = photo.renditions["crops"]["square"]
    photo.crop_overrides = {"square": [0, 0, 600]}
    services.save_photo(photo=photo, by=None)

    photo.crop_overrides = {}
    with django_capture_on_commit_callbacks(execute=True):
        services.save_photo(photo=photo, by=None)

    assert photo.renditions["crops"]["square"] == focal


def test_moving_the_focal_point_recuts_the_crops_that_follow_it():
    photo = PhotoFactory(image=uploaded(1200, 800), crop_overrides={"wide": [0, 0, 1200]})
    ensure_renditions(photo)
    before = photo.renditions["crops"]

    photo.focal_x = 0.1
    services.save_photo(photo=photo, by=None)

    after = photo.renditions["crops"]
    assert after["square"]["box"] == [0, 0, 800, 800]
    assert after["square"]["base"] != before["square"]["base"]
    assert after["wide"] == before["wide"]


def test_an_override_outside_the_photo_is_refused_and_changes_nothing():
    photo = PhotoFactory(image=uploaded(1200, 800))
    ensure_renditions(photo)
    before = Photo.objects.values("crop_overrides", "renditions").get(pk=photo.pk)

    photo.crop_overrides = {"card": [600, 0, 900]}
    with pytest.raises(ValidationError) as refused:
        services.save_photo(photo=photo, by=None)

    assert "runs past the right edge" in str(refused.value)
    assert Photo.objects.values("crop_overrides", "renditions").get(pk=photo.pk) == before


def test_the_picture_urls_of_a_crop_and_its_focal_point():
    photo = PhotoFactory(image=uploaded(1200, 800), focal_x=0.75, focal_y=0.5)
    ensure_renditions(photo)

    wide = renditions.renditions_for(photo, "webp", crop="wide")
    assert [(r.width, r.height) for r in wide] == [(320, 180), (640, 360), (1024, 576)]
    assert all(photo.renditions["crops"]["wide"]["base"] in r.url for r in wide)
    assert renditions.default_rendition(photo, crop="square").width == 640
    # The square is cut from 400 to 1200: the point at 900 px sits at 5/8 of it.
    assert renditions.focal_point_in(photo, "square") == (0.625, 0.5)


def test_photos_made_before_crops_fall_back_to_the_whole_frame():
    photo = PhotoFactory(image=uploaded(1200, 800))
    ensure_renditions(photo)
    del photo.renditions["crops"]

    assert renditions.srcset(photo, "jpeg", crop="card") == renditions.srcset(photo, "jpeg")
    assert renditions.focal_point_in(photo, "card") == (0.5, 0.5)
