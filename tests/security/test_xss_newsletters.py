"""Every XSS payload through the newsletter fields: the public pages and the emails.

Email HTML keeps its CSS (inlined `style` attributes, a media-query <style>), so it is
checked with allow_style: CSS that could run script is still refused.
"""

import pytest
from django.utils import timezone

from newsletters.emails import render_issue
from newsletters.models import NewsletterIssue
from subscriptions.emails import send_confirmation_email
from subscriptions.models import Newsletter, Subscriber, Subscription
from tests.factories import ArticleFactory
from tests.newsletters.factories import IssueFactory, add_stories
from tests.security.htmlcheck import assert_no_script
from tests.security.payloads import PAYLOADS, hostile, payload_id
from tests.subscriptions.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def hostile_issue(payload):
    newsletter = NewsletterFactory(
        name=hostile(Newsletter, "name", payload, "MNEWSLETTER"),
        slug="hostile-briefing",
        description=hostile(Newsletter, "description", payload, "MDESCRIPTION"),
        frequency=hostile(Newsletter, "frequency", payload, "MFREQUENCY"),
        is_public=True,
    )
    issue = IssueFactory(
        newsletter=newsletter,
        subject=hostile(NewsletterIssue, "subject", payload, "MSUBJECT"),
        preheader=hostile(NewsletterIssue, "preheader", payload, "MPREHEADER"),
        intro=f"<p>MINTRO</p>{payload}<p>{payload}</p>",
        status=NewsletterIssue.Status.SENT,
        started_at=timezone.now(),
        sent_at=timezone.now(),
    )
    add_stories(issue, [ArticleFactory(headline=f"MSTORY {payload}"[:250], dek=payload)])
    return newsletter, issue


@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_newsletter_pages_and_issue_email_render_payload_inert(client, payload):
    newsletter, issue = hostile_issue(payload)
    pages = {
        "newsletter list": ("/newsletters/", ["MNEWSLETTER", "MDESCRIPTION"]),
        "archive": (f"/newsletters/{newsletter.slug}/archive/", ["MSUBJECT", "MPREHEADER"]),
        "issue page": (issue.get_absolute_url(), ["MSUBJECT", "MINTRO", "MSTORY"]),
    }
    for where, (url, markers) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        html = response.content.decode()
        assert_no_script(html, where=where)
        for marker in markers:
            assert marker in html, f"{marker} missing from the {where}"

    message = render_issue(issue).message_for(SubscriberFactory())
    html = message.alternatives[0][0]
    assert_no_script(html, allow_style=True, where="issue email")
    for marker in ("MNEWSLETTER", "MSUBJECT", "MPREHEADER", "MINTRO", "MSTORY"):
        assert marker in html, f"{marker} missing from the issue email"


@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_confirmation_email_greets_hostile_first_name_inertly(mailoutbox, payload):
    subscriber = SubscriberFactory(
        status=Subscriber.Status.PENDING,
        confirmed_at=None,
        first_name=hostile(Subscriber, "first_name", payload, "MFIRSTNAME"),
    )
    Subscription.objects.create(
        subscriber=subscriber,
        newsletter=NewsletterFactory(name=f"MNEWSLETTER {payload}"[:120]),
        status=Subscription.Status.PENDING,
    )
    assert send_confirmation_email(subscriber)
    html = mailoutbox[0].alternatives[0][0]
    assert_no_script(html, allow_style=True, where="confirmation email")
    # The name a signup typed is never repeated in the email (tests/subscriptions/test_links.py).
    assert "MFIRSTNAME" not in html and "MNEWSLETTER" in html
