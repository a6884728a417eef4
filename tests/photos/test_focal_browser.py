"""The focal-point picker in headless Chromium: clicking the picture and the arrow keys move
the point and the crop previews, an adjusted crop is saved and cut, the form passes axe-core
in light and dark, and nothing breaks the Content-Security-Policy. Screenshots of the picker
go to docs/screens/focal-point-picker-{light,dark}.png.

axe-core and Playwright's screenshots insert <style> elements of their own, which the CSP
duly refuses: violations are collected before either runs."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from demo.images import draw_scene, jpeg_bytes
from photos.models import Photo
from photos.renditions import ensure_renditions
from tests.browser.tools import axe_violations
from tests.browser_utils import DESKTOP, chromium, serve_site_only
from tests.factories import PhotoFactory
from tests.photos.test_crop_renditions import photo_with, quadrants_jpeg
from tests.security.test_browser_csp import watch_for_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
THEME_SCRIPT = "window.localStorage.setItem('theme', '{theme}');"


def log_in(page, base_url, next_url):
    page.goto(f"{base_url}/admin/login/?next={next_url}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}{next_url}")
    page.wait_for_load_state("load")


def preview_box(page, crop):
    value = page.locator(f".focal-picker__preview--{crop}").get_attribute("data-box")
    return [int(number) for number in value.split(",")]


def test_clicking_the_picture_moves_the_point_and_the_previews(live_server, admin_user):
    photo = photo_with(quadrants_jpeg(1200, 800), caption="Two coloured halves")
    ensure_renditions(photo)
    url = f"/admin/photos/photo/{photo.pk}/change/"

    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP)
        violations = watch_for_violations(page)
        serve_site_only(page, live_server.url)
        log_in(page, live_server.url, url)

        stage = page.locator(".focal-picker__image")
        expect(page.locator(".focal-picker__stage")).to_be_visible()
        expect(page.locator(".focal-picker__preview--square")).to_have_attribute(
            "data-box", "200,0,800,800"
        )
        box = stage.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.25)

        expect(page.locator("#id_focal_x")).to_have_value("0.900")
        expect(page.locator("#id_focal_y")).to_have_value("0.250")
        # The square slid to the right edge; the wide crop moved up towards the point.
        assert preview_box(page, "square") == [400, 0, 800, 800]
        assert preview_box(page, "wide") == [0, 0, 1200, 675]
        point = page.locator(".focal-picker__point")
        expect(point).to_be_focused()
        expect(point).to_have_attribute("aria-valuetext", "90% from the left, 25% from the top")

        # The arrow keys move it too: 1% a press, 10% with Shift.
        page.keyboard.press("ArrowLeft")
        for _ in range(3):
            page.keyboard.press("Shift+ArrowLeft")
        page.keyboard.press("ArrowDown")
        expect(page.locator("#id_focal_x")).to_have_value("0.590")
        expect(page.locator("#id_focal_y")).to_have_value("0.260")
        assert preview_box(page, "square") == [308, 0, 800, 800]

        # Adjust the card crop by keyboard: smaller, then to the left edge.
        card = page.locator('.focal-picker__crop[data-crop="card"]')
        card.get_by_role("button", name="Adjust crop").click()
        expect(page.locator(".focal-picker__box")).to_be_visible()
        expect(page.locator(".focal-picker__box")).to_be_focused()
        for _ in range(4):
            page.keyboard.press("-")
        page.keyboard.press("Shift+ArrowLeft")
        page.keyboard.press("Shift+ArrowUp")
        expect(card.locator(".focal-picker__state")).to_contain_text("Your crop")
        left, top, width = (
            page.locator(f"#id_crop_card_{part}").input_value() for part in ("left", "top", "width")
        )
        assert (left, top) == ("0", "0") and 900 < int(width) < 1200
        page.keyboard.press("Enter")
        expect(page.locator(".focal-picker__box")).to_be_hidden()

        # Leave the page as it was: the reload forgets what was not saved.
        page.reload()
        page.wait_for_load_state("load")
        expect(page.locator(".focal-picker__stage")).to_be_visible()

        # Set them again (by pointer and by typing) and save.
        box = stage.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.25)
        page.locator("#id_crop_card_left").fill("0")
        page.locator("#id_crop_card_top").fill("0")
        page.locator("#id_crop_card_width").fill("900")
        page.click("input[name=_continue]")
        page.wait_for_load_state("load")
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    photo = Photo.objects.get(pk=photo.pk)
    assert (photo.focal_x, photo.focal_y) == (0.9, 0.25)
    assert photo.crop_overrides == {"card": [0, 0, 900]}
    assert photo.renditions["crops"]["card"]["box"] == [0, 0, 900, 600]
    assert photo.renditions["crops"]["square"]["box"] == [400, 0, 800, 800]
    assert violations == [], "\n".join(violations)


def test_the_picker_passes_axe_in_light_and_dark(live_server, admin_user):
    photo = PhotoFactory(
        image=SimpleUploadedFile("city.jpg", jpeg_bytes(draw_scene("city", size=(1500, 1000)))),
        caption="Evening over the river district",
        alt_text="Roofs and towers under an evening sky",
        focal_x=0.68,
        focal_y=0.42,
        crop_overrides={"square": [700, 180, 640]},
    )
    ensure_renditions(photo)
    url = f"/admin/photos/photo/{photo.pk}/change/"

    with chromium() as browser:
        for theme in ("light", "dark"):
            page = browser.new_page(viewport=DESKTOP, color_scheme=theme)
            page.add_init_script(THEME_SCRIPT.format(theme=theme))
            violations = watch_for_violations(page)
            serve_site_only(page, live_server.url)
            log_in(page, live_server.url, url)
            page.wait_for_function(
                "document.querySelector('.focal-picker__preview--square').dataset.box"
            )
            page.locator('.focal-picker__crop[data-crop="square"] .focal-picker__adjust').click()
            expect(page.locator(".focal-picker__box")).to_be_visible()
            assert violations == [], "\n".join(violations)

            assert axe_violations(page) == [], theme
            page.locator("fieldset:has(.focal-picker)").screenshot(
                path=str(SCREENS / f"focal-point-picker-{theme}.png")
            )
            page.close()
