"""A reader's whole journey against a real SMTP server (aiosmtpd on 127.0.0.1).

Sign up through the form on /newsletters/, confirm from the email the server received,
receive an issue, leave with the one-click unsubscribe their mail client would POST, and
get nothing from the next issue.
"""

import html
import re
from email.utils import parseaddr
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from newsletters import sending, services
from subscriptions.models import Subscriber
from tests.factories import ArticleFactory
from tests.newsletters.factories import IssueFactory, add_stories, audience

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_in_process(settings):
    # The confirmation email is queued as a task; run it at once so the server receives it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def path_of(url):
    return urlsplit(url).path


def send(issue):
    """What `send_now` + the worker do, in this process: snapshot, then pump batches (the
    tasks send_issue queues wait for a commit the test never makes)."""
    services.send_issue(issue)
    sending.run_pump(issue.pk)


def test_sign_up_confirm_receive_and_leave_with_one_click(
    client, newsletter, section, smtp_server, django_capture_on_commit_callbacks
):
    others = audience(newsletter, 2)

    # 1. The form on the newsletters page, filled in as a reader would.
    page = client.get(reverse("newsletters:index")).content.decode()
    form = re.search(r"(<form[^>]*data-signup-form[^>]*>)(.*?)</form>", page, re.DOTALL)
    action, fields = re.search(r'action="([^"]+)"', form[1])[1], form[2]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', fields))
    assert hidden["newsletters"] == "morning"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action, {**hidden, "email": "  New.Reader@Example.org ", "website": ""}, follow=True
        )
    assert "Thank you for signing up. We've sent you a confirmation email." in html.unescape(
        response.content.decode()
    )

    # 2. The confirmation email, read from the SMTP server, and its link.
    (confirmation,) = smtp_server.wait_for(1)
    assert confirmation["To"] == "new.reader@example.org"
    link = re.search(r"https?://\S+/subscriptions/confirm/\S+/", smtp_server.body(confirmation))[0]
    assert "Yes, subscribe me" in client.get(path_of(link)).content.decode()
    welcome = client.post(path_of(link))  # the button on that page
    assert welcome.status_code == 200
    reader = Subscriber.objects.with_email("new.reader@example.org").get()
    assert reader.status == Subscriber.Status.ACTIVE

    # 3. An issue goes out through SMTP.
    first = IssueFactory(newsletter=newsletter, subject="First issue: the bridge vote")
    add_stories(first, [ArticleFactory(section=section)])
    send(first)
    received = smtp_server.wait_for(4)[1:]
    assert sorted(str(m["To"]) for m in received) == sorted(
        [reader.email] + [o.email for o in others]
    )
    (issue_email,) = smtp_server.to(reader.email)[1:]
    assert parseaddr(issue_email["From"]) == ("The Newsroom", "newsroom@example.org")
    assert issue_email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert issue_email["List-Id"] == "Morning Briefing <morning.news.example.org>"
    unsubscribe_url = re.match(
        r"<(https://[^>]+)>", " ".join(issue_email["List-Unsubscribe"].split())
    )[1]
    assert "mailto:" in issue_email["List-Unsubscribe"]
    assert unsubscribe_url in smtp_server.body(issue_email, "html")

    # 4. The mail client's one-click POST (RFC 8058): no login, no redirect, no second click.
    response = client.post(path_of(unsubscribe_url), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    reader.refresh_from_db()
    assert not reader.subscriptions.filter(status="active").exists()

    # 5. The next issue skips them; the others still get it.
    second = IssueFactory(newsletter=newsletter, subject="Second issue: the frost")
    add_stories(second, [ArticleFactory(section=section)])
    send(second)
    later = smtp_server.wait_for(6)[4:]
    assert sorted(str(m["To"]) for m in later) == sorted(o.email for o in others)
    assert [m["Subject"] for m in smtp_server.to(reader.email)][1:] == [
        "First issue: the bridge vote"
    ]
