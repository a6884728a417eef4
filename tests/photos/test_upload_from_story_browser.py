"""Uploading a photo from the story form without leaving it, in headless Chromium: the "+"
beside the lead photo opens the photo form in a popup, with the focal-point picker working on
the chosen file before it is saved; saving closes the popup and the story form shows the new
photo picked, with its preview, while what was typed in the story stays."""

import pytest
from playwright.sync_api import expect

from photos.models import Photo
from tests.browser_utils import DESKTOP, chromium, serve_site_only
from tests.photos.test_crop_renditions import quadrants_jpeg
from tests.photos.test_focal_browser import log_in
from tests.security.test_browser_csp import watch_for_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_photo_uploaded_from_the_story_form_is_picked(live_server, admin_user, tmp_path):
    upload = tmp_path / "harbour.jpg"
    upload.write_bytes(quadrants_jpeg(1600, 1000))

    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        violations = watch_for_violations(page)
        serve_site_only(page, live_server.url)
        log_in(page, live_server.url, "/admin/articles/article/add/")
        page.locator("#id_headline").fill("Harbour reopens after the storms")

        add = page.locator(".field-lead_photo a.add-related")
        expect(add).to_be_visible()
        with page.expect_popup() as opened:
            add.click()
        popup = opened.value
        popup_violations = watch_for_violations(popup)
        serve_site_only(popup, live_server.url)
        popup.wait_for_load_state("load")
        expect(popup.locator(".focal-picker__empty")).to_be_visible()
        expect(popup.locator(".focal-picker__stage")).to_be_hidden()

        popup.set_input_files("#id_image", str(upload))
        # The chosen file, drawn before any upload, with its crops.
        expect(popup.locator(".focal-picker__stage")).to_be_visible()
        expect(popup.locator(".focal-picker__preview--square")).to_have_attribute(
            "data-box", "300,0,1000,1000"
        )
        picture = popup.locator(".focal-picker__image")
        size = picture.bounding_box()
        picture.click(position={"x": size["width"] * 0.25, "y": size["height"] * 0.5})
        expect(popup.locator("#id_focal_x")).to_have_value("0.250")
        expect(popup.locator(".focal-picker__preview--square")).to_have_attribute(
            "data-box", "0,0,1000,1000"
        )
        popup.fill("#id_caption", "Boats wait at the harbour wall")
        popup.fill("#id_credit", "Test Photographer/Newsroom")
        popup.fill("#id_alt_text", "Fishing boats moored along a stone wall")
        assert popup_violations == [], "\n".join(popup_violations)
        with popup.expect_event("close"):
            popup.click("input[name=_save]")

        photo = Photo.objects.get()
        assert photo.focal_x == 0.25
        assert photo.renditions["crops"]["square"]["box"] == [0, 0, 1000, 1000]
        expect(page.locator("#id_lead_photo")).to_have_value(str(photo.pk))
        field = page.locator(".field-lead_photo")
        expect(field.locator(".select2-selection__rendered")).to_contain_text(
            "Boats wait at the harbour wall"
        )
        preview = field.locator(".photo-preview")
        expect(preview).to_be_visible()
        expect(preview).to_contain_text("(Test Photographer/Newsroom)")
        expect(preview.locator("img")).to_have_attribute("alt", photo.alt_text)
        expect(page.locator("#id_headline")).to_have_value("Harbour reopens after the storms")

    assert violations == [], "\n".join(violations)
