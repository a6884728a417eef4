"""Reader pages: the newsletter list, each archive and each issue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsletters.models import NewsletterIssue
from tests.factories import ArticleFactory, AuthorFactory
from tests.newsletters.factories import IssueFactory, add_stories
from tests.subscriptions.factories import NewsletterFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]
Status = NewsletterIssue.Status


def sent_issue(newsletter, *, days_ago, subject, **kwargs):
    started = timezone.now() - timedelta(days=days_ago)
    return IssueFactory(
        newsletter=newsletter,
        subject=subject,
        status=Status.SENT,
        started_at=started,
        sent_at=started,
        **kwargs,
    )


def test_index_lists_public_newsletters_with_a_signup_form(client, newsletter):
    NewsletterFactory(
        name="Weekend Reads",
        slug="weekend",
        description="Long reads for Saturday.",
        frequency="Saturdays",
        position=2,
    )
    NewsletterFactory(name="Staff Digest", slug="staff", is_public=False)

    response = client.get(reverse("newsletters:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    for text in (
        "Morning Briefing",
        "The five stories you need before breakfast.",
        "Every weekday morning",
        "Weekend Reads",
        "Long reads for Saturday.",
        "Saturdays",
    ):
        assert text in html
    assert "Staff Digest" not in html
    assert f'action="{reverse("subscriptions:signup")}"' in html
    assert 'value="morning"' in html and 'value="weekend"' in html
    assert "csrfmiddlewaretoken" not in html  # one cached copy serves everyone
    assert f'href="{reverse("newsletters:archive", args=["weekend"])}"' in html


def test_index_query_count_does_not_grow_with_newsletters(
    client, django_assert_num_queries, shared_blocks
):
    for n in range(6):
        NewsletterFactory(slug=f"list-{n}", name=f"List {n}")
    client.get(reverse("newsletters:index"))  # warms the shared blocks and data
    with django_assert_num_queries(1):  # the newsletters
        client.get(reverse("newsletters:index"))


def test_archive_lists_sent_issues_newest_first(client, newsletter):
    older = sent_issue(newsletter, days_ago=3, subject="Monday: the budget vote")
    newer = sent_issue(newsletter, days_ago=1, subject="Wednesday: frost warning")
    sending = IssueFactory(
        newsletter=newsletter,
        subject="Thursday: going out now",
        status=Status.SENDING,
        started_at=timezone.now(),
    )
    IssueFactory(newsletter=newsletter, subject="Friday: still a draft")
    IssueFactory(
        newsletter=newsletter,
        subject="Saturday: scheduled",
        status=Status.SCHEDULED,
        scheduled_at=timezone.now() + timedelta(days=1),
    )
    other = NewsletterFactory(slug="weekend")
    sent_issue(other, days_ago=1, subject="Another list's issue")

    response = client.get(reverse("newsletters:archive", args=["morning"]))

    html = response.content.decode()
    assert [issue.pk for issue in response.context["issues"]] == [sending.pk, newer.pk, older.pk]
    assert "still a draft" not in html and "scheduled" not in html.lower().split("saturday")[0]
    assert "Saturday: scheduled" not in html and "Another list" not in html
    assert f'href="{newer.get_absolute_url()}"' in html
    assert newer.preheader in html


def test_archive_of_a_private_or_unknown_newsletter_is_404(client):
    NewsletterFactory(slug="staff", is_public=False)
    assert client.get(reverse("newsletters:archive", args=["staff"])).status_code == 404
    assert client.get(reverse("newsletters:archive", args=["nope"])).status_code == 404


def test_archive_query_count(client, newsletter, django_assert_num_queries, shared_blocks):
    for n in range(5):
        sent_issue(newsletter, days_ago=n + 1, subject=f"Issue {n}")
    client.get(reverse("newsletters:archive", args=["morning"]))  # caches the navigation
    with django_assert_num_queries(3):  # newsletter, issue count, issues
        client.get(reverse("newsletters:archive", args=["morning"]))


def test_issue_page_shows_the_issue_as_sent(client, newsletter, section):
    issue = sent_issue(newsletter, days_ago=1, subject="Bridges and budgets")
    author = AuthorFactory(name="Olena Invented")
    story = ArticleFactory(section=section, authors=[author], headline="A second bridge, at last")
    withdrawn = ArticleFactory(section=section, headline="A story that was taken down")
    add_stories(issue, [story, withdrawn])
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)

    response = client.get(issue.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bridges and budgets" in html
    assert "Good morning. The council finally voted" in html
    assert story.headline in html and "Olena Invented" in html
    assert story.get_absolute_url() in html
    assert withdrawn.headline not in html
    assert f'href="{newsletter.get_absolute_url()}"' in html


def test_issue_page_query_count(
    client, newsletter, section, django_assert_num_queries, shared_blocks
):
    issue = sent_issue(newsletter, days_ago=1, subject="Five stories")
    add_stories(
        issue,
        [ArticleFactory(section=section, authors=[AuthorFactory()]) for _ in range(5)],
    )
    client.get(issue.get_absolute_url())  # caches the navigation
    # issue + newsletter, the stories with section and photo, their bylines
    with django_assert_num_queries(3):
        client.get(issue.get_absolute_url())


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SCHEDULED])
def test_unsent_issues_are_not_public(client, newsletter, status):
    issue = IssueFactory(newsletter=newsletter, status=status)
    assert client.get(issue.get_absolute_url()).status_code == 404


def test_issue_under_the_wrong_newsletter_is_404(client, newsletter):
    issue = sent_issue(newsletter, days_ago=1, subject="Right list")
    NewsletterFactory(slug="weekend")
    url = reverse("newsletters:issue", kwargs={"slug": "weekend", "pk": issue.pk})
    assert client.get(url).status_code == 404


def test_issue_of_a_private_newsletter_opens_from_its_email_without_a_signup_box(client):
    private = NewsletterFactory(slug="staff", name="Staff Digest", is_public=False)
    issue = sent_issue(private, days_ago=1, subject="For staff")
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    assert reverse("subscriptions:signup") not in response.content.decode()
