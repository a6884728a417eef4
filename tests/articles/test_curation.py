"""Featured and Editors' Picks follow the order editors set (numbered first, then newest)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


def test_featured_and_picks_querysets_use_the_chosen_order():
    unnumbered_new = ArticleFactory(is_featured=True, publish_at=ago(1))
    unnumbered_old = ArticleFactory(is_featured=True, publish_at=ago(50))
    second = ArticleFactory(is_featured=True, featured_position=2, publish_at=ago(30))
    first = ArticleFactory(is_featured=True, featured_position=1, publish_at=ago(40))
    pick_b = ArticleFactory(is_editors_pick=True, editors_pick_position=5)
    pick_a = ArticleFactory(is_editors_pick=True, editors_pick_position=3, publish_at=ago(90))
    ArticleFactory(featured_position=1)  # a number without the flag means nothing

    assert list(Article.objects.published().featured()) == [
        first, second, unnumbered_new, unnumbered_old
    ]  # fmt: skip
    assert list(Article.objects.published().editors_picks()) == [pick_a, pick_b]


def test_home_page_blocks_follow_the_order(client):
    lead = ArticleFactory(
        headline="Chosen lead", is_featured=True, featured_position=1, publish_at=ago(120)
    )
    ArticleFactory(headline="Newer featured", is_featured=True, publish_at=ago(1))
    pick_one = ArticleFactory(
        headline="First pick", is_editors_pick=True, editors_pick_position=1, publish_at=ago(300)
    )
    pick_two = ArticleFactory(headline="Second pick", is_editors_pick=True, publish_at=ago(2))

    html = client.get("/").content.decode()

    assert html.index(lead.headline) < html.index("Newer featured")
    picks = html[html.index('id="picks-title"') :]
    assert picks.index(pick_one.headline) < picks.index(pick_two.headline)


def test_story_page_shows_featured_and_picks_without_itself(client):
    story = ArticleFactory(is_featured=True, is_editors_pick=True, headline="This story")
    featured = ArticleFactory(is_featured=True, headline="Featured elsewhere")
    pick = ArticleFactory(is_editors_pick=True, headline="Picked elsewhere")

    html = client.get(story.get_absolute_url()).content.decode()

    featured_block = html[html.index('id="featured-title"') :]
    picks_block = html[html.index('id="rail-picks-title"') :]
    assert featured.headline in featured_block and "This story" not in featured_block
    assert pick.headline in picks_block and "This story</a>" not in picks_block


def test_positions_are_edited_in_the_admin_list(client):
    editor = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw-long-enough")
    story = ArticleFactory(is_featured=True)
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")

    html = client.get(url).content.decode()
    assert 'name="form-0-featured_position"' in html
    assert 'name="form-0-editors_pick_position"' in html

    response = client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": story.pk,
            "form-0-featured_position": "2",
            "form-0-editors_pick_position": "",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.featured_position, story.editors_pick_position) == (2, None)
