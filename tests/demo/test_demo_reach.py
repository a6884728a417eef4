from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment
from popularity.models import ArticleDailyViews
from popularity.services import most_read
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_demo_reach_adds_live_coverage_comments_and_reads_once():
    SectionFactory(name="National")
    AuthorFactory(kind="desk")
    AuthorFactory()
    ArticleFactory.create_batch(3)

    call_command("load_demo_reach", stdout=StringIO())
    counts = (Comment.objects.count(), ArticleDailyViews.objects.count())
    call_command("load_demo_reach", stdout=StringIO())

    live = Article.objects.get(slug="storm-on-the-southern-coast-live-updates")
    assert live.is_live_now and live.is_published
    assert live.live_updates.filter(is_pinned=True).count() == 1
    assert live.live_updates.count() == 5
    assert Comment.objects.filter(status="pending").exists()
    assert Comment.objects.filter(status="approved").exists()
    assert len(most_read()) == 4
    assert (Comment.objects.count(), ArticleDailyViews.objects.count()) == counts


def test_demo_live_story_headline_leaves_live_to_the_badge():
    SectionFactory(name="National")
    AuthorFactory(kind="desk")

    call_command("load_demo_reach", stdout=StringIO())

    live = Article.objects.get(slug="storm-on-the-southern-coast-live-updates")
    assert "live" not in live.headline.lower()


def test_demo_comments_are_about_the_story_they_are_under():
    """The storm's comments belong under the storm; the other stories get their own."""
    SectionFactory(name="National")
    AuthorFactory(kind="desk")
    trains = ArticleFactory(
        slug="evacuation-trains-resume-from-zelenobrid-after-three-day-pause",
        headline="Evacuation trains resume from Zelenobrid after three-day pause",
    )
    heating = ArticleFactory(
        slug="overnight-drone-attack-leaves-kamianyi-brid-without-heating",
        headline="Overnight drone attack leaves Kamianyi Brid without heating",
    )
    ArticleFactory.create_batch(2)  # newer stories with no comments written for them

    call_command("load_demo_reach", stdout=StringIO())

    live = Article.objects.get(slug="storm-on-the-southern-coast-live-updates")
    subjects = {live: ("power", "inland route", "shelter"), trains: ("train",),
                heating: ("heat", "radiator", "boiler")}  # fmt: skip
    commented = set(Comment.objects.values_list("article", flat=True).distinct())
    assert commented == {story.pk for story in subjects}
    for story, words in subjects.items():
        bodies = list(Comment.objects.filter(article=story).values_list("body", flat=True))
        assert bodies
        for body in bodies:
            assert any(word in body.lower() for word in words), (story.slug, body)
