"""articles.services: saving, publishing, withdrawing and flagging stories; saving photos."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from articles import services
from articles.models import Article, Byline
from editorial.roles import EDITOR
from photos import services as photo_services
from photos.models import Photo
from tests.articles.workflow_helpers import role_group
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    PhotoFactory,
    SectionFactory,
    uploaded_jpeg,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "editor", password="unused-in-tests", is_staff=True
    )
    user.groups.add(role_group(EDITOR))  # publishing is the Editor role's
    return user


def new_story(**fields):
    defaults = {
        "headline": "Ferry service resumes after the storm",
        "slug": "ferry-service-resumes",
        "body": "<p>The first ferry left at six.</p>",
        "section": SectionFactory(),
    }
    return Article(**(defaults | fields))


def test_save_story_stamps_the_creator_once(editor, django_user_model):
    article = services.save_story(article=new_story(), by=editor)
    assert article.created_by == editor
    assert article.status == Article.Status.DRAFT

    # Someone allowed to edit any story (articles.permissions), not the one who filed it.
    other = django_user_model.objects.create_user(
        "other", password="unused-in-tests", is_superuser=True
    )
    article.headline = "Ferry service resumes after two days"
    services.save_story(article=article, by=other)

    article.refresh_from_db()
    assert article.created_by == editor
    assert article.headline == "Ferry service resumes after two days"


def test_save_story_validates_before_writing(editor):
    with pytest.raises(ValidationError) as error:
        services.save_story(article=new_story(slug="not a slug!"), by=editor)

    assert "slug" in error.value.message_dict
    assert not Article.objects.exists()


def test_save_story_sanitises_the_body(editor):
    body = '<p onclick="steal()">Hi<script>alert(1)</script> <a href="javascript:x()">x</a></p>'

    article = services.save_story(article=new_story(body=body), by=editor)

    article.refresh_from_db()
    assert article.body == "<p>Hi <a>x</a></p>"


def test_published_with_a_future_time_becomes_scheduled(editor):
    later = timezone.now() + timedelta(days=1)

    article = services.save_story(
        article=new_story(status=Article.Status.PUBLISHED, publish_at=later), by=editor
    )

    assert article.status == Article.Status.SCHEDULED
    assert article.published_by == editor
    assert not Article.objects.published().exists()


def test_scheduled_with_a_past_time_becomes_published(editor):
    earlier = timezone.now() - timedelta(minutes=5)

    article = services.save_story(
        article=new_story(status=Article.Status.SCHEDULED, publish_at=earlier), by=editor
    )

    assert article.status == Article.Status.PUBLISHED
    assert list(Article.objects.published()) == [article]


def test_published_without_a_time_goes_live_now(editor):
    with freeze_time("2024-03-01 10:00:00+00:00"):
        article = services.save_story(article=new_story(status=Article.Status.PUBLISHED), by=editor)

    assert article.publish_at.isoformat() == "2024-03-01T10:00:00+00:00"


def test_updated_at_moves_only_for_reader_visible_changes_after_publication(editor):
    with freeze_time("2024-03-01 10:00:00+00:00"):
        article = services.save_story(article=new_story(status=Article.Status.PUBLISHED), by=editor)
    assert article.updated_at is None

    with freeze_time("2024-03-01 11:00:00+00:00"):
        article.in_news_feed = True
        services.save_story(article=article, by=editor)
    assert article.updated_at is None, "a flag is not a change readers read"

    with freeze_time("2024-03-01 12:00:00+00:00"):
        article.body = "<p>The first ferry left at six; a second followed at nine.</p>"
        services.save_story(article=article, by=editor)

    article.refresh_from_db()
    assert article.updated_at.isoformat() == "2024-03-01T12:00:00+00:00"
    assert article.was_updated


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("headline", "A new headline"),
        ("dek", "A new standfirst."),
        ("lead_photo_caption", "A caption written for this story"),
    ],
)
def test_each_reader_visible_field_counts(editor, field, value):
    article = ArticleFactory()
    setattr(article, field, value)

    services.save_story(article=article, by=editor)

    assert article.updated_at is not None


def test_changing_the_lead_photo_counts(editor):
    article = ArticleFactory(lead_photo=PhotoFactory())
    article.lead_photo = PhotoFactory()

    services.save_story(article=article, by=editor)

    assert article.updated_at is not None


def test_editing_a_draft_or_a_scheduled_story_sets_no_updated_time(editor):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    scheduled = ArticleFactory(
        status=Article.Status.SCHEDULED, publish_at=timezone.now() + timedelta(hours=2)
    )
    for article in (draft, scheduled):
        article.headline = "Rewritten before anyone read it"
        services.save_story(article=article, by=editor)
        assert article.updated_at is None


def test_publish_needs_a_byline(editor):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

    with pytest.raises(ValidationError, match="at least one byline"):
        services.publish(article, by=editor)

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publish_now_and_schedule(editor):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    BylineFactory(article=article)

    with freeze_time("2024-05-02 08:00:00+00:00"):
        services.publish(article, by=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at.isoformat() == "2024-05-02T08:00:00+00:00"
    assert article.published_by == editor

    later = timezone.now() + timedelta(hours=3)
    services.publish(article, by=editor, at=later)
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Article.Status.SCHEDULED, later)


def test_publishing_a_live_story_again_keeps_its_time(editor):
    article = ArticleFactory()
    BylineFactory(article=article)
    shown_time = article.publish_at

    services.publish(article, by=editor)

    article.refresh_from_db()
    assert article.publish_at == shown_time


def test_publish_refuses_a_naive_time(editor):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    BylineFactory(article=article)

    with pytest.raises(ValueError, match="timezone-aware"):
        services.publish(article, by=editor, at=timezone.now().replace(tzinfo=None))


def test_withdraw_hides_the_story_and_republishing_restores_it(editor):
    article = ArticleFactory()
    BylineFactory(article=article)
    shown_time = article.publish_at

    services.withdraw(article)
    assert not Article.objects.published().exists()

    article.refresh_from_db()
    article.status = Article.Status.PUBLISHED
    services.save_story(article=article, by=editor)
    assert list(Article.objects.published()) == [article]
    assert article.publish_at == shown_time


def test_set_story_flags_changes_only_what_differs():
    in_feed = ArticleFactory(in_news_feed=True)
    not_in_feed = ArticleFactory(in_news_feed=False)
    before = Article.objects.get(pk=not_in_feed.pk).modified_at

    changed = services.set_story_flags(Article.objects.all(), in_news_feed=True)

    assert changed == [not_in_feed]
    assert set(Article.objects.news_feed()) == {in_feed, not_in_feed}
    assert Article.objects.get(pk=not_in_feed.pk).modified_at > before


def test_set_story_flags_refuses_unknown_fields():
    with pytest.raises(ValueError, match="status"):
        services.set_story_flags(Article.objects.all(), status="published")


def test_renumber_bylines_closes_gaps_in_order():
    article = ArticleFactory()
    first, second, third = AuthorFactory.create_batch(3)
    Byline.objects.create(article=article, author=second, position=services.UNPOSITIONED)
    Byline.objects.create(article=article, author=first, position=0)
    Byline.objects.create(article=article, author=third, position=services.UNPOSITIONED)

    services.renumber_bylines(article=article)

    assert [(b.author, b.position) for b in article.bylines.order_by("position")] == [
        (first, 1),
        (second, 2),
        (third, 3),
    ]


def test_save_photo_records_the_uploader_and_makes_renditions(editor):
    photo = Photo(
        image=uploaded_jpeg(width=1300, height=866),
        caption="Fishing boats at dawn",
        credit="Test Photographer/Newsroom",
        alt_text="Small boats on a calm sea",
    )

    photo_services.save_photo(photo=photo, by=editor)

    photo.refresh_from_db()
    assert photo.uploaded_by == editor
    assert photo.renditions["widths"] == [320, 640, 1024]


def test_save_photo_by_a_script_records_no_uploader():
    photo = Photo(image=uploaded_jpeg(), caption="c", credit="c", alt_text="a")

    photo_services.save_photo(photo=photo, by=AnonymousUser())

    assert photo.uploaded_by is None


def test_save_photo_refuses_a_photo_without_credit(editor):
    photo = Photo(image=uploaded_jpeg(), caption="A caption", credit="", alt_text="Alt")

    with pytest.raises(ValidationError) as error:
        photo_services.save_photo(photo=photo, by=editor)

    assert "credit" in error.value.message_dict
    assert not Photo.objects.exists()
