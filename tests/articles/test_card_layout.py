"""Cards with and without photos in one listing: a card without a photo is marked
`card--text`, which static/css/site.css lays out without leaving holes (a photo-less lead
takes the full width; text-only cards fill a grid's cells). docs/screens/section-grid.png
shows the result in Chromium."""

from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from tests.articles.reader_helpers import photo_with_renditions, start_tags
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
on_every_cache = pytest.mark.usefixtures("reader_caches")


def card_classes(html):
    return [attrs["class"].split() for attrs in start_tags(html, "article")
            if "card" in attrs.get("class", "").split()]  # fmt: skip


@on_every_cache
def test_a_section_lead_without_a_photo_is_a_text_only_card(client):
    section = SectionFactory()
    now = timezone.now()
    ArticleFactory(section=section, lead_photo=None, publish_at=now - timedelta(minutes=5))
    ArticleFactory(section=section, lead_photo=photo_with_renditions(),
                   publish_at=now - timedelta(hours=1))  # fmt: skip
    ArticleFactory(section=section, lead_photo=None, publish_at=now - timedelta(hours=2))

    lead, with_photo, without = card_classes(client.get(section.get_absolute_url()).content)

    assert {"card--lead", "card--text"} <= set(lead)
    assert "card--text" not in with_photo
    assert "card--text" in without


@on_every_cache
def test_home_cards_without_photos_are_text_only_cards(client):
    section = SectionFactory()
    ArticleFactory(section=section, lead_photo=photo_with_renditions(), is_featured=True)
    ArticleFactory(section=section, lead_photo=None)

    classes = card_classes(client.get(reverse("articles:home")).content)

    assert any("card--text" in card for card in classes)
    assert any("card--text" not in card for card in classes)


def test_the_stylesheet_gives_text_only_cards_their_layout():
    """The rules the screenshot relies on: full-width photo-less lead, dense grid fill."""
    with open(finders.find("css/site.css")) as stylesheet:
        css = stylesheet.read()
    assert ".listing .card--lead.card--text {\n    grid-template-columns: minmax(0, 1fr);" in css
    assert "grid-auto-flow: row dense;" in css
    assert ".grid > .card--text {" in css
