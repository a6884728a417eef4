# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Status transitions, their record, review notifications and the desk on the admin index."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from articles.models import Article
from editorial.models import StatusChange
from tests.articles.workflow_helpers import change_form_data, roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def test_transitions_are_recorded_with_who_and_when(roles):
    reporter, editor = roles["reporter"], roles["editor"]
    story = ArticleFactory(status="draft", publish_at=None, created_by=reporter)
    AuthorFactory()  # unrelated author: the byline below is what publish() needs
    story.bylines.create(author=reporter.author, position=1)

    services.submit_for_review(story, by=reporter)
    services.publish(story, by=editor)
    services.unpublish(story, by=editor, note="Holding for a lawyer")
    services.withdraw(story, by=editor)

    moves = list(
        StatusChange.objects.filter(article=story)
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "by__username")
    )
    assert moves == [
        ("draft", "in_review", "rita"),
        ("in_review", "published", "erin"),
        ("published", "draft", "erin"),
        ("draft", "withdrawn", "erin"),
    ]
    assert StatusChange.objects.get(to_status="draft").note == "Holding for a lawyer"


def test_reporter_cannot_publish_unpublish_or_withdraw_through_services(roles):
    reporter = roles["reporter"]
    draft = ArticleFactory(status="draft", publish_at=None, created_by=reporter)
    live = ArticleFactory(created_by=reporter)

    for call in (
        lambda: services.publish(draft, by=reporter),
        lambda: services.unpublish(live, by=reporter),
        lambda: services.withdraw(live, by=reporter),
    ):
        with pytest.raises(PermissionDenied):
            call()
    draft.status = Article.Status.PUBLISHED
    with pytest.raises(PermissionDenied):
        services.save_story(article=draft, by=reporter)

    assert Article.objects.get(pk=draft.pk).status == "draft"
    assert Article.objects.get(pk=live.pk).status == "published"
    assert not StatusChange.objects.exists()


def test_submit_for_review_button_emails_the_editors_after_commit(
    client,
    roles,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    reporter = roles["reporter"]
    story = ArticleFactory(
        status="draft", publish_at=None, created_by=reporter, headline="Ferry timetable"
    )
    client.force_login(reporter)
    url = f"/admin/articles/article/{story.pk}/change/"
    assert 'name="_submit_for_review"' in client.get(url).content.decode()
    data = change_form_data(client, url, _submit_for_review="Submit for review")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["erin@newsroom.test"]
    assert "Ferry timetable" in mailoutbox[0].subject
    assert f"/admin/articles/article/{story.pk}/change/" in mailoutbox[0].body
    assert StatusChange.objects.filter(article=story, to_status="in_review", by=reporter).exists()


def test_no_email_when_the_transaction_rolls_back(roles, mailoutbox):
    story = ArticleFactory(status="draft", publish_at=None, created_by=roles["reporter"])
    # Without capturing on-commit callbacks the test transaction never commits.
    services.submit_for_review(story, by=roles["reporter"])
    assert mailoutbox == []


def _index_queries(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/")
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_desk_view_lists_review_scheduled_and_published_today_in_fixed_queries(
    client,
    roles,
):
    editor = roles["editor"]
    client.force_login(editor)
    ArticleFactory(status="in_review", publish_at=None, headline="First for review")
    _index_queries(client)  # warm: the content type lookup is cached per process
    baseline, _ = _index_queries(client)

    now = timezone.now()
    for n in range(4):
        ArticleFactory(status="in_review", publish_at=None, headline=f"Review {n}")
    scheduled = ArticleFactory(
        headline="Later today",
        status="scheduled",
        publish_at=now + timezone.timedelta(seconds=60),
        authors=[AuthorFactory()],
    )
    ArticleFactory(headline="Out this morning", publish_at=now - timezone.timedelta(seconds=60))
    client.post(
        f"/admin/articles/article/{scheduled.pk}/change/",
        change_form_data(client, f"/admin/articles/article/{scheduled.pk}/change/"),
    )
    count, page = _index_queries(client)

    assert count == baseline
    assert "5</strong> stories awaiting review" in page
    assert "Later today" in page and "Out this morning" in page and "Review 3" in page
    assert "last saved by erin" in page


def test_the_desk_names_who_last_saved_a_story(client, roles):
    editor = roles["editor"]
    editor.first_name, editor.last_name = "Erin", "Editor"
    editor.save()
    story = ArticleFactory(status="in_review", publish_at=None, headline="Named saver")
    client.force_login(editor)
    url = f"/admin/articles/article/{story.pk}/change/"
    client.post(url, change_form_data(client, url))

    page = client.get("/admin/").content.decode()

    assert "last saved by Erin Editor" in page
    assert "last saved by erin" not in page


def test_desk_lists_scheduled_stories_beyond_today(client, roles):
    ArticleFactory(
        headline="Next week's profile",
        status="scheduled",
        publish_at=timezone.now() + timezone.timedelta(days=6),
    )
    client.force_login(roles["editor"])
    queue = client.get("/admin/").content.decode().split('id="desk-scheduled"')[1]
    assert "Next week&#x27;s profile" in queue.split("</section>")[0]


def test_reporter_is_counted_only_the_stories_in_review_they_can_open(client, roles):
    reporter = roles["reporter"]
    ArticleFactory(status="in_review", publish_at=None, created_by=roles["other_reporter"])
    client.force_login(reporter)

    page = client.get("/admin/").content.decode()
    assert "0</strong> stories awaiting review" in page
    assert 'id="desk-in-review"' not in page

    ArticleFactory(status="in_review", publish_at=None, created_by=reporter)
    page = client.get("/admin/").content.decode()
    assert "1</strong> story awaiting review" in page


def test_a_reporters_own_drafts_come_first_in_the_story_list(client, roles):
    reporter = roles["reporter"]
    now = timezone.now()
    ArticleFactory(headline="Released yesterday", publish_at=now - timezone.timedelta(days=1))
    ArticleFactory(headline="Released an hour ago", publish_at=now - timezone.timedelta(hours=1))
    ArticleFactory(headline="My older draft", status="draft", publish_at=None, created_by=reporter)
    ArticleFactory(headline="My new draft", status="draft", publish_at=None, created_by=reporter)
    ArticleFactory(headline="My story in review", status="in_review", created_by=reporter)
    client.force_login(reporter)

    response = client.get("/admin/articles/article/")

    shown = [story.headline for story in response.context["cl"].result_list]
    assert shown[:2] == ["My new draft", "My older draft"]
    assert shown.index("Released an hour ago") < shown.index("Released yesterday")
