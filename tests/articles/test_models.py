"""Single-row facts of the story models and the one public filter, `published()`."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Author, Byline, Section
from photos.models import Photo, photo_upload_to
from tests.factories import ArticleFactory, AuthorFactory, PhotoFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_published_is_live_stories_only():
    now = timezone.now()
    live = ArticleFactory(publish_at=now - timedelta(minutes=1))
    due = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=now - timedelta(seconds=1))
    ArticleFactory(status=Article.Status.SCHEDULED, publish_at=now + timedelta(minutes=1))
    ArticleFactory(status=Article.Status.PUBLISHED, publish_at=now + timedelta(hours=1))
    ArticleFactory(status=Article.Status.DRAFT, publish_at=now - timedelta(days=1))
    ArticleFactory(status=Article.Status.IN_REVIEW, publish_at=None)
    ArticleFactory(status=Article.Status.WITHDRAWN, publish_at=now - timedelta(days=1))

    assert set(Article.objects.published()) == {live, due}
    assert live.is_published and due.is_published
    waiting = set(Article.objects.scheduled())
    assert {story.headline for story in waiting} == {
        story.headline for story in Article.objects.released() if not story.is_published
    }
    assert len(waiting) == 2
    assert set(Article.objects.released()) == waiting | {live, due}


def test_published_at_a_given_moment():
    at_noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    story = ArticleFactory(publish_at=at_noon)

    assert list(Article.objects.published(at=at_noon)) == [story]
    assert not Article.objects.published(at=at_noon - timedelta(seconds=1)).exists()


def test_news_feed_is_published_and_flagged():
    in_feed = ArticleFactory(in_news_feed=True)
    ArticleFactory(in_news_feed=False)
    ArticleFactory(in_news_feed=True, status=Article.Status.DRAFT, publish_at=None)

    assert list(Article.objects.news_feed()) == [in_feed]


def test_a_public_story_without_a_publish_time_gets_one_on_save():
    story = ArticleFactory(status=Article.Status.PUBLISHED, publish_at=None)

    assert story.publish_at is not None


def test_the_database_refuses_a_public_story_without_a_publish_time():
    story = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=story.pk).update(status=Article.Status.PUBLISHED)


def test_reading_minutes_follow_the_words(settings):
    settings.READING_WORDS_PER_MINUTE = 100
    story = ArticleFactory(dek="", body="<p>" + "word " * 250 + "</p>")

    assert story.reading_minutes == 3

    story.body = "<p>Short.</p>"
    story.save(update_fields=["body"])
    story.refresh_from_db()
    assert story.reading_minutes == 1, "saving the body alone still updates the reading time"


def test_bylines_keep_their_order():
    story = ArticleFactory()
    desk = AuthorFactory(name="The Newsroom desk", kind=Author.Kind.DESK)
    person = AuthorFactory(name="Lesia Stone")
    Byline.objects.create(article=story, author=desk, position=2)
    Byline.objects.create(article=story, author=person, position=1)

    assert story.byline_authors == [person, desk]


def test_an_author_appears_once_per_story():
    story = ArticleFactory()
    author = AuthorFactory()
    Byline.objects.create(article=story, author=author, position=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Byline.objects.create(article=story, author=author, position=2)


def test_the_caption_override_wins_over_the_photos_own():
    photo = PhotoFactory(caption="Harbour cranes at dusk")
    story = ArticleFactory(lead_photo=photo)

    assert story.lead_caption == "Harbour cranes at dusk"
    story.lead_photo_caption = "Cranes in the port, where the strike began"
    assert story.lead_caption == "Cranes in the port, where the strike began"


def test_photo_files_get_generated_names():
    name = photo_upload_to(Photo(), "../../etc/My Holiday Photo.JPEG")

    assert name.startswith(f"photos/{timezone.now():%Y/%m}/")
    assert name.endswith(".jpeg") and ".." not in name and "Holiday" not in name
    assert photo_upload_to(Photo(), "drawing.svg").endswith(".jpg")


def test_photo_records_its_size_on_upload():
    photo = PhotoFactory()

    assert (photo.width, photo.height) == (1200, 800)


def test_sections_in_navigation_are_in_editorial_order():
    SectionFactory(name="Opinion", position=5)
    SectionFactory(name="Business", position=1)
    SectionFactory(name="Hidden", position=0, shown_in_navigation=False)

    assert [section.name for section in Section.objects.navigation()] == ["Business", "Opinion"]


def test_urls():
    story = ArticleFactory(slug="grain-deal")
    author = AuthorFactory(slug="lesia-stone")

    assert story.get_absolute_url() == "/story/grain-deal/"
    assert author.get_absolute_url() == "/author/lesia-stone/"
    assert story.section.get_absolute_url() == f"/section/{story.section.slug}/"
