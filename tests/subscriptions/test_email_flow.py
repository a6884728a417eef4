"""The reader's whole journey against a real SMTP server and the real task worker."""

import re

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from subscriptions import services, tokens
from subscriptions.models import Subscriber
from tests.subscriptions.factories import active_subscriber

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def link(message, path):
    plain_text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://testserver({path}[^\s\"<]+)", plain_text).group(1)


def test_signup_confirm_and_one_click_unsubscribe_over_smtp(
    client, smtp_server, database_tasks, newsletter
):
    response = client.post(
        "/subscriptions/signup/", {"email": " Reader@Example.org", "newsletters": "morning"}
    )
    assert response.status_code == 302
    assert smtp_server.messages == []  # nothing is sent while the reader waits
    assert DBTaskResult.objects.count() == 1

    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "reader@example.org"
    assert "Please confirm your subscription to Morning Briefing" == message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None
    confirm_path = link(message, "/subscriptions/confirm/")
    assert confirm_path in message.get_body(preferencelist=("html",)).get_content()

    assert "Yes, subscribe me" in client.get(confirm_path).content.decode()
    welcome = client.post(confirm_path)  # the page's button

    assert "Welcome" in welcome.content.decode()
    subscriber = Subscriber.objects.get()
    assert list(services.active_recipients(newsletter)) == [subscriber]
    unsubscribe_path = tokens.unsubscribe_url(subscriber, newsletter).removeprefix(
        "http://testserver"
    )
    one_click = client.post(
        unsubscribe_path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert not services.active_recipients(newsletter).exists()


def test_known_and_unknown_addresses_queue_the_same_background_work(
    client, smtp_server, database_tasks, newsletter, weekly
):
    active_subscriber(newsletter, email="known@example.org")

    for email in ["known@example.org", "unknown@example.org"]:
        client.post("/subscriptions/signup/", {"email": email, "newsletters": "morning"})

    # One task each, and no mail during either request.
    assert DBTaskResult.objects.count() == 2
    assert smtp_server.messages == []
    run_worker()
    messages = smtp_server.wait_for(2)
    subjects = {m["To"]: m["Subject"] for m in messages}
    assert "already subscribed" in subjects["known@example.org"]
    assert "confirm" in subjects["unknown@example.org"]


def test_a_refusing_server_leaves_the_slot_free_for_a_retry(smtp_server, newsletter):
    smtp_server.reject.add("typo@example.org")
    subscriber = Subscriber.objects.create(email="typo@example.org")
    subscriber.subscriptions.create(newsletter=newsletter)

    with pytest.raises(Exception):  # noqa: B017 - smtplib's refusal
        services.send_confirmation_email(subscriber)

    subscriber.refresh_from_db()
    assert subscriber.last_confirmation_sent_at is None
