"""The photo form's focal point and crop overrides: saved when they fit, refused in plain
words (with what was typed kept) when they do not, and a refusal changes nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from photos.models import Photo
from photos.renditions import ensure_renditions
from tests.factories import PhotoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo():
    photo = PhotoFactory(image=SimpleUploadedFile("p.jpg", jpeg_bytes(1200, 800), "image/jpeg"))
    ensure_renditions(photo)
    return photo


def fields_of(photo, **changes):
    data = {
        "caption": photo.caption,
        "credit": photo.credit,
        "alt_text": photo.alt_text,
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    return data | changes


def post(client, photo, **changes):
    return client.post(
        reverse("admin:photos_photo_change", args=[photo.pk]), fields_of(photo, **changes)
    )


def stored(photo):
    return Photo.objects.values("focal_x", "focal_y", "crop_overrides", "renditions").get(
        pk=photo.pk
    )


def test_a_crop_that_fits_is_saved_and_cut(admin_client, photo):
    response = post(
        admin_client,
        photo,
        focal_x="0.8",
        crop_square_left="100",
        crop_square_top="50",
        crop_square_width="700",
    )

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.focal_x == 0.8
    assert photo.crop_overrides == {"square": [100, 50, 700]}
    assert photo.renditions["crops"]["square"]["box"] == [100, 50, 700, 700]
    assert photo.renditions["crops"]["card"]["box"] == [0, 0, 1200, 800]


def test_the_form_shows_a_saved_crop_and_empties_for_the_others(admin_client, photo):
    photo.crop_overrides = {"wide": [0, 10, 1000]}
    photo.save()

    response = admin_client.get(reverse("admin:photos_photo_change", args=[photo.pk]))

    form = response.context["adminform"].form
    assert [form["crop_wide_" + part].value() for part in ("left", "top", "width")] == [0, 10, 1000]
    assert form["crop_card_width"].value() is None
    html = response.content.decode()
    assert 'class="focal-picker"' in html and 'data-width="1200" data-height="800"' in html
    assert "admin-extra/focal-picker.js" in html and "admin-extra/photos-admin.css" in html
    assert " style=" not in html.split('class="focal-picker"', 1)[1].split("</fieldset>")[0]


@pytest.mark.parametrize(
    ("typed", "field", "words"),
    [
        (
            {"crop_square_left": "600", "crop_square_top": "0", "crop_square_width": "700"},
            "crop_square_width",
            "The square crop runs past the right edge: left 600 + width 700 is more than "
            "the photo's 1200 px.",
        ),
        (
            {"crop_card_left": "0", "crop_card_top": "300", "crop_card_width": "900"},
            "crop_card_width",
            "The card crop runs past the bottom edge: top 300 + height 600",
        ),
        (
            {"crop_wide_left": "0", "crop_wide_top": "", "crop_wide_width": "900"},
            "crop_wide_width",
            "Give the wide crop a left edge, a top edge and a width",
        ),
        (
            {"crop_wide_left": "0", "crop_wide_top": "0", "crop_wide_width": "90"},
            "crop_wide_width",
            "is 90 px wide; make it at least 160 px",
        ),
        ({"crop_wide_left": "-5"}, "crop_wide_left", "greater than or equal to 0"),
        ({"focal_x": "1.4"}, "focal_x", "less than or equal to 1"),
    ],
)
def test_a_bad_crop_is_refused_with_what_was_typed_kept(admin_client, photo, typed, field, words):
    photo.crop_overrides = {"wide": [0, 0, 1200]}
    photo.save()
    before = stored(photo)

    response = post(admin_client, photo, caption="A caption typed meanwhile", **typed)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert words in " ".join(form.errors[field])
    assert form["caption"].value() == "A caption typed meanwhile"
    for name, value in typed.items():
        assert str(form[name].value()) == value
    assert stored(photo) == before


def test_emptying_a_crop_resets_it_to_the_focal_point(admin_client, photo):
    photo.crop_overrides = {"square": [0, 0, 500]}
    photo.save()
    ensure_renditions(photo)

    response = post(admin_client, photo, focal_x="0.1")

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.crop_overrides == {}
    assert photo.renditions["crops"]["square"]["box"] == [0, 0, 800, 800]


def test_a_new_image_drops_crops_drawn_on_the_old_one(admin_client, photo):
    photo.crop_overrides = {"square": [400, 0, 800]}
    photo.save()
    replacement = SimpleUploadedFile("new.jpg", jpeg_bytes(600, 900), "image/jpeg")

    # The old values come back unchanged from the form; on a 600 px wide photo they would
    # run past its edge.
    response = post(
        admin_client,
        photo,
        image=replacement,
        crop_square_left="400",
        crop_square_top="0",
        crop_square_width="800",
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    photo.refresh_from_db()
    assert photo.crop_overrides == {}
    assert photo.renditions["crops"]["square"]["box"] == [0, 150, 600, 600]


def test_an_upload_may_bring_its_crop(admin_client):
    response = admin_client.post(
        "/admin/photos/photo/add/",
        {
            "image": SimpleUploadedFile("n.jpg", jpeg_bytes(1000, 1000), "image/jpeg"),
            "caption": "Boats at the pier",
            "credit": "Test/Newsroom",
            "alt_text": "Boats",
            "focal_x": "0.5",
            "focal_y": "0.5",
            "crop_wide_left": "0",
            "crop_wide_top": "400",
            "crop_wide_width": "1000",
        },
    )

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.crop_overrides == {"wide": [0, 400, 1000]}
    assert photo.renditions["crops"]["wide"]["box"] == [0, 400, 1000, 563]


def test_a_viewer_sees_the_saved_point_and_crops_without_fields(client, django_user_model, photo):
    viewer = django_user_model.objects.create_user("vera", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_photo"))
    client.force_login(viewer)
    photo.crop_overrides = {"card": [0, 0, 900]}
    photo.save()

    response = client.get(reverse("admin:photos_photo_change", args=[photo.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-overrides="{&quot;card&quot;: [0, 0, 900]}"' in html
    assert 'data-focal-x="0.5000"' in html
    assert 'name="crop_card_left"' not in html and 'name="focal_x"' not in html
