"""A private newsletter's issues are reachable only by an unguessable link.

The guessable address (/newsletters/<slug>/archive/<id>/) answers 404 for them; each issue
has its own random token, and the emails' "view in browser" link carries it. Listings,
sitemaps and feeds never show them. Public newsletters keep their addresses.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsletters import sending, services
from newsletters.models import NewsletterIssue
from tests.factories import ArticleFactory
from tests.newsletters.factories import IssueFactory, add_stories, audience
from tests.subscriptions.factories import NewsletterFactory

pytestmark = pytest.mark.django_db
Status = NewsletterIssue.Status
SUBJECT = "Staff only: the Halvorsen settlement terms"


@pytest.fixture
def private_newsletter(db):
    return NewsletterFactory(name="Staff Digest", slug="staff-digest", is_public=False)


def sent(newsletter, subject=SUBJECT, **kwargs):
    started = timezone.now() - timedelta(hours=2)
    return IssueFactory(
        newsletter=newsletter,
        subject=subject,
        status=Status.SENT,
        started_at=started,
        sent_at=started,
        **kwargs,
    )


def guessable_url(issue):
    return reverse("newsletters:issue", kwargs={"slug": issue.newsletter.slug, "pk": issue.pk})


def test_a_private_issue_answers_404_at_its_guessable_address(client, private_newsletter):
    issue = sent(private_newsletter)

    response = client.get(guessable_url(issue))

    assert response.status_code == 404
    assert SUBJECT not in response.content.decode()


def test_a_private_issue_opens_at_its_token_address(client, private_newsletter):
    issue = sent(private_newsletter)
    other = sent(private_newsletter, subject="Staff only: rota changes")

    url = issue.get_absolute_url()
    response = client.get(url)

    assert str(issue.pk) not in url.split("/")
    assert issue.web_token in url and len(issue.web_token) >= 43  # 256 random bits
    assert issue.web_token != other.web_token
    assert response.status_code == 200
    assert SUBJECT in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    # No link to the newsletter's archive, which answers 404 for a private newsletter.
    assert reverse("newsletters:archive", args=["staff-digest"]) not in response.content.decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:10],
        lambda token: "x" * len(token),
    ],
)
def test_a_wrong_token_finds_nothing(client, private_newsletter, mangle):
    issue = sent(private_newsletter)

    response = client.get(reverse("newsletters:issue_by_token", args=[mangle(issue.web_token)]))

    assert response.status_code == 404
    assert SUBJECT not in response.content.decode()


def test_an_unsent_private_issue_is_not_readable_even_by_token(client, private_newsletter):
    draft = IssueFactory(newsletter=private_newsletter, subject=SUBJECT)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_public_newsletters_keep_their_addresses(client, newsletter):
    issue = sent(newsletter, subject="Morning: the bridge vote")

    assert issue.get_absolute_url() == guessable_url(issue)
    assert client.get(guessable_url(issue)).status_code == 200
    # A link mailed while the newsletter was private leads to the public address.
    by_token = client.get(reverse("newsletters:issue_by_token", args=[issue.web_token]))
    assert by_token.status_code == 302 and by_token["Location"] == guessable_url(issue)


def test_listings_never_show_private_newsletters_or_their_issues(
    client, newsletter, private_newsletter
):
    issue = sent(private_newsletter)
    sent(newsletter, subject="Morning: the bridge vote")

    index = client.get(reverse("newsletters:index")).content.decode()
    public_archive = client.get(newsletter.get_absolute_url()).content.decode()
    private_archive = client.get(reverse("newsletters:archive", args=["staff-digest"]))

    assert "Staff Digest" not in index and SUBJECT not in index
    assert "Morning: the bridge vote" in public_archive and SUBJECT not in public_archive
    assert private_archive.status_code == 404
    assert issue.web_token not in index + public_archive


def test_sitemaps_and_feeds_never_include_them(client, private_newsletter):
    issue = sent(private_newsletter)
    add_stories(issue, [ArticleFactory(headline="Council approves the budget")])
    urls = [
        reverse("django.contrib.sitemaps.views.sitemap"),
        reverse("news_sitemap"),
        reverse("articles:feed"),
        reverse("articles:feed_atom"),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SUBJECT not in body and issue.web_token not in body, url
        assert "newsletters/" not in body, url


def test_the_email_view_in_browser_link_is_the_token_address(private_newsletter, client):
    issue = sent(private_newsletter)
    issue.status, issue.started_at, issue.sent_at = Status.DRAFT, None, None
    issue.save(update_fields=["status", "started_at", "sent_at"])
    add_stories(issue, [ArticleFactory()])
    reader = audience(private_newsletter, 1)[0]

    services.send_issue(issue)
    sending.run_pump(issue.pk)

    (message,) = [m for m in mail.outbox if m.to == [reader.email]]
    expected = "https://news.example.org" + issue.get_absolute_url()
    html = message.alternatives[0][0]
    assert f'href="{expected}"' in html and f"View in your browser: {expected}" in message.body
    assert not re.search(rf"/archive/{issue.pk}/", html + message.body)
    assert client.get(issue.get_absolute_url()).status_code == 200
