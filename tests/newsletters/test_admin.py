"""The editor's side: compose, fill, preview, test, send or schedule, watch, settle."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from newsletters import services
from newsletters.models import Delivery, NewsletterIssue
from tests.factories import ArticleFactory, SectionFactory
from tests.newsletters.factories import IssueFactory, audience
from tests.subscriptions.factories import NewsletterFactory

pytestmark = pytest.mark.django_db
Status = NewsletterIssue.Status


def url(name, issue):
    return reverse(f"admin:{name}", args=[issue.pk])


def change_url(issue):
    return url("newsletters_newsletterissue_change", issue)


@pytest.fixture
def sending_issue(issue, newsletter):
    readers = audience(newsletter, 4)
    services.send_issue(issue)
    Delivery.objects.filter(subscriber=readers[0]).update(status=Delivery.Status.SENT)
    Delivery.objects.filter(subscriber__in=readers[1:3]).update(
        status=Delivery.Status.UNCERTAIN, claimed_by="host:99:dead", error="In flight"
    )
    issue.refresh_from_db()
    return issue


def test_issue_list_and_add_form(admin_client, issue):
    assert (
        issue.subject
        in admin_client.get(
            reverse("admin:newsletters_newsletterissue_changelist")
        ).content.decode()
    )
    html = admin_client.get(reverse("admin:newsletters_newsletterissue_add")).content.decode()
    assert 'name="subject"' in html and 'name="preheader"' in html
    assert "django-prose-editor" in html or "prose-editor" in html
    assert 'data-model-name="article"' in html or "admin-autocomplete" in html


def test_composing_an_issue_with_ordered_stories(admin_client, newsletter, section):
    first, second = ArticleFactory.create_batch(2, section=section)
    data = {
        "newsletter": newsletter.pk,
        "subject": "The week in transport",
        "preheader": "Trams, trains and a bridge",
        "intro": "<p>Hello from the desk.</p>",
        "issue_stories-TOTAL_FORMS": "2",
        "issue_stories-INITIAL_FORMS": "0",
        "issue_stories-0-article": second.pk,
        "issue_stories-0-position": "0",
        "issue_stories-1-article": first.pk,
        "issue_stories-1-position": "1",
    }
    response = admin_client.post(reverse("admin:newsletters_newsletterissue_add"), data)
    assert response.status_code == 302, response.context["errors"]
    issue = NewsletterIssue.objects.get(subject="The week in transport")
    assert [s.article for s in issue.issue_stories.all()] == [second, first]
    assert issue.created_by.username == "admin"


def test_a_draft_story_cannot_be_added(admin_client, newsletter, section):
    draft = ArticleFactory(section=section, status=Article.Status.DRAFT, publish_at=None)
    data = {
        "newsletter": newsletter.pk,
        "subject": "Sneaky",
        "issue_stories-TOTAL_FORMS": "1",
        "issue_stories-INITIAL_FORMS": "0",
        "issue_stories-0-article": draft.pk,
        "issue_stories-0-position": "0",
    }
    response = admin_client.post(reverse("admin:newsletters_newsletterissue_add"), data)
    assert response.status_code == 200
    assert not NewsletterIssue.objects.filter(subject="Sneaky").exists()


def test_story_autocomplete_offers_only_published_stories(admin_client, section):
    live = ArticleFactory(section=section, headline="Ferry timetable published")
    ArticleFactory(
        section=section, headline="Ferry plans draft", status=Article.Status.DRAFT, publish_at=None
    )
    ArticleFactory(
        section=section,
        headline="Ferry embargoed scoop",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(hours=3),
    )
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "newsletters",
            "model_name": "issuestory",
            "field_name": "article",
            "term": "Ferry",
        },
    )
    assert [r["id"] for r in json.loads(response.content)["results"]] == [str(live.pk)]


def test_draft_page_offers_the_tools(admin_client, issue):
    html = admin_client.get(change_url(issue)).content.decode()
    assert url("newsletters_issue_preview", issue) in html
    assert url("newsletters_issue_test", issue) in html
    assert url("newsletters_issue_send", issue) in html
    assert url("newsletters_issue_fill", issue) in html


def test_fill_from_the_latest_stories_of_a_section(admin_client, issue, section):
    already = issue.issue_stories.order_by("position").last()
    other_section = SectionFactory(name="War", slug="war")
    now = timezone.now()
    newest = ArticleFactory(section=section, publish_at=now - timedelta(minutes=5))
    second = ArticleFactory(section=section, publish_at=now - timedelta(minutes=10))
    ArticleFactory(section=section, publish_at=now - timedelta(days=2))
    ArticleFactory(section=other_section, publish_at=now - timedelta(minutes=1))
    ArticleFactory(section=section, status=Article.Status.DRAFT, publish_at=None)

    response = admin_client.post(
        url("newsletters_issue_fill", issue), {"fill-section": section.pk, "fill-limit": 2}
    )

    assert response.status_code == 302
    stories = list(issue.issue_stories.order_by("position"))
    assert [s.article for s in stories[-2:]] == [newest, second]
    assert stories[-2].position == already.position + 1


def test_fill_by_tag(admin_client, newsletter):
    issue = IssueFactory(newsletter=newsletter)
    tagged = ArticleFactory(tag_names=["Energy"])
    ArticleFactory(tag_names=["Sport"])
    admin_client.post(url("newsletters_issue_fill", issue), {"fill-tag": "energy", "fill-limit": 5})
    assert [s.article for s in issue.issue_stories.all()] == [tagged]
    response = admin_client.post(
        url("newsletters_issue_fill", issue),
        {"fill-tag": "no such tag", "fill-limit": 5},
        follow=True,
    )
    assert "There is no tag called" in response.content.decode()


def test_preview_shows_the_email_as_sent(admin_client, issue):
    page = admin_client.get(url("newsletters_issue_preview", issue)).content.decode()
    assert "List-Unsubscribe-Post" in page and issue.subject in page
    assert url("newsletters_issue_preview_html", issue) in page
    html_response = admin_client.get(url("newsletters_issue_preview_html", issue))
    assert html_response["X-Frame-Options"] == "SAMEORIGIN"
    html = html_response.content.decode()
    assert 'class="card-headline" style="' in html and issue.preheader in html
    text = admin_client.get(url("newsletters_issue_preview_text", issue))
    assert text["Content-Type"].startswith("text/plain")
    assert issue.subject in text.content.decode()


def test_send_test_to_me(admin_client, admin_user, issue):
    response = admin_client.post(url("newsletters_issue_test", issue), follow=True)
    (message,) = mail.outbox
    assert message.to == [admin_user.email]
    assert message.subject.startswith("[Test] ")
    assert f"A test of this issue was sent to {admin_user.email}" in response.content.decode()
    assert Delivery.objects.count() == 0


def test_send_now(admin_client, issue, newsletter, django_capture_on_commit_callbacks):
    audience(newsletter, 3)
    page = admin_client.get(url("newsletters_issue_send", issue)).content.decode()
    assert "Send to 3 readers now" in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url("newsletters_issue_send", issue), {"action": "now"})
    issue.refresh_from_db()
    assert issue.status == Status.SCHEDULED and issue.scheduled_at <= timezone.now()
    (link,) = DBTaskResult.objects.filter(task_path="newsletters.tasks.watch_issue")
    assert link.args_kwargs["args"] == [issue.pk, issue.watch_token]


def test_schedule_and_unschedule(admin_client, issue, django_capture_on_commit_callbacks):
    at = timezone.localtime() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url("newsletters_issue_send", issue),
            {"action": "schedule", "scheduled_at": at.strftime("%Y-%m-%dT%H:%M")},
        )
    issue.refresh_from_db()
    assert issue.status == Status.SCHEDULED
    assert issue.scheduled_at == at.replace(second=0, microsecond=0)
    (link,) = DBTaskResult.objects.filter(task_path="newsletters.tasks.watch_issue")
    assert link.run_after == issue.scheduled_at
    # The sweep that restarts a lost chain checks once the send is due.
    (sweep,) = DBTaskResult.objects.exclude(pk=link.pk)
    assert sweep.task_path == "newsletters.tasks.rewatch_stalled_sends_task"
    assert sweep.run_after > issue.scheduled_at

    admin_client.post(url("newsletters_issue_unschedule", issue))
    issue.refresh_from_db()
    assert (issue.status, issue.scheduled_at, issue.watch_token) == (Status.DRAFT, None, "")
    assert services.watch(issue.pk, link.args_kwargs["args"][1]) == "superseded"


def test_scheduling_in_the_past_is_refused(admin_client, issue):
    past = timezone.localtime() - timedelta(hours=1)
    response = admin_client.post(
        url("newsletters_issue_send", issue),
        {"action": "schedule", "scheduled_at": past.strftime("%Y-%m-%dT%H:%M")},
    )
    assert "Pick a time in the future" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Status.DRAFT


def test_an_empty_issue_cannot_be_sent(admin_client, newsletter):
    empty = IssueFactory(newsletter=newsletter, intro="")
    response = admin_client.post(
        url("newsletters_issue_send", empty), {"action": "now"}, follow=True
    )
    assert "Add at least one published story" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == Status.DRAFT


def test_sending_page_shows_progress_and_uncertain_recipients(admin_client, sending_issue):
    html = admin_client.get(change_url(sending_issue)).content.decode()
    assert 'data-count="sent">1<' in html
    assert 'data-count="uncertain">2<' in html
    assert 'data-count="remaining">1<' in html
    assert "host:99:dead" in html and "reader1@example.org" in html
    assert url("newsletters_issue_progress", sending_issue) in html
    assert url("newsletters_issue_fill", sending_issue) not in html  # content is frozen
    assert 'name="subject"' not in html

    progress = admin_client.get(url("newsletters_issue_progress", sending_issue)).json()
    assert progress["status"] == "sending"
    assert (progress["sent"], progress["uncertain"], progress["remaining"]) == (1, 2, 1)


def test_settling_uncertain_recipients(admin_client, sending_issue):
    first, second = Delivery.objects.filter(status=Delivery.Status.UNCERTAIN).order_by("pk")
    admin_client.post(
        url("newsletters_issue_uncertain", sending_issue),
        {"action": "skip", "scope": "selected", "deliveries": [first.pk]},
    )
    first.refresh_from_db()
    assert first.status == Delivery.Status.SKIPPED
    admin_client.post(
        url("newsletters_issue_uncertain", sending_issue), {"action": "resend", "scope": "all"}
    )
    second.refresh_from_db()
    assert (second.status, second.claimed_by) == (Delivery.Status.PENDING, "")


def test_sending_needs_the_send_permission(client, django_user_model, issue):
    writer = django_user_model.objects.create_user(
        "writer", "writer@example.org", "pw", is_staff=True
    )
    writer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_newsletterissue", "change_newsletterissue", "view_issuestory"]
        )
    )
    client.force_login(writer)
    assert client.get(change_url(issue)).status_code == 200
    assert client.get(url("newsletters_issue_send", issue)).status_code == 403
    assert client.post(url("newsletters_issue_send", issue), {"action": "now"}).status_code == 403
    issue.refresh_from_db()
    assert issue.status == Status.DRAFT


def test_newsletter_list_counts_without_extra_queries(
    admin_client, newsletter, django_assert_max_num_queries
):
    audience(newsletter, 3)
    for n in range(4):
        NewsletterFactory(slug=f"list-{n}", name=f"List {n}")
    IssueFactory(newsletter=newsletter)
    response = admin_client.get(reverse("admin:subscriptions_newsletter_changelist"))
    row = next(n for n in response.context["cl"].result_list if n.pk == newsletter.pk)
    assert (row.active_total, row.pending_total, row.issue_total) == (3, 0, 1)
    with django_assert_max_num_queries(8):
        admin_client.get(reverse("admin:subscriptions_newsletter_changelist"))


def test_delivery_log_is_read_only(admin_client, sending_issue):
    response = admin_client.get(reverse("admin:newsletters_delivery_changelist"))
    assert response.status_code == 200
    assert "reader0@example.org" in response.content.decode()
    row = Delivery.objects.first()
    page = admin_client.get(reverse("admin:newsletters_delivery_change", args=[row.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False


def story_rows(html):
    """(position input's value) of each story row in the issue form, in page order."""
    return re.findall(r'name="issue_stories-(\d+)-position" value="(\d+)"', html)


def test_new_story_rows_come_after_the_stories_already_in(admin_client, issue, section):
    """Rows offered empty start at the next position, not all at 0 (they used to sort first)."""
    positions = list(issue.issue_stories.values_list("position", flat=True))
    html = admin_client.get(change_url(issue)).content.decode()

    rows = story_rows(html)
    assert [int(p) for _, p in rows] == [*positions, max(positions) + 1]
    add_rows = story_rows(
        admin_client.get(reverse("admin:newsletters_newsletterissue_add")).content.decode()
    )
    assert [int(p) for _, p in add_rows] == [0, 1, 2]
    assert "admin-extra/issue-order.js" in html


def test_an_empty_row_whose_position_was_renumbered_is_not_an_error(admin_client, issue):
    """The ordering script renumbers every row, empty ones included: a row with only a
    position is still an empty row, not a story missing its article."""
    stories = list(issue.issue_stories.order_by("position"))
    data = {
        "newsletter": issue.newsletter_id,
        "subject": issue.subject,
        "preheader": issue.preheader,
        "intro": issue.intro,
        "issue_stories-TOTAL_FORMS": str(len(stories) + 1),
        "issue_stories-INITIAL_FORMS": str(len(stories)),
        "issue_stories-MIN_NUM_FORMS": "0",
        "issue_stories-MAX_NUM_FORMS": "1000",
    }
    for index, story in enumerate(reversed(stories)):
        data |= {
            f"issue_stories-{index}-id": story.pk,
            f"issue_stories-{index}-issue": issue.pk,
            f"issue_stories-{index}-article": story.article_id,
            f"issue_stories-{index}-position": index,
        }
    data[f"issue_stories-{len(stories)}-position"] = "7"

    response = admin_client.post(change_url(issue), data)

    assert response.status_code == 302, response.context["errors"]
    saved = list(issue.issue_stories.order_by("position").values_list("pk", flat=True))
    assert saved == [story.pk for story in reversed(stories)]
