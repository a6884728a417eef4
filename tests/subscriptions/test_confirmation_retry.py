"""A confirmation email the mail server refuses, or cannot take, is retried with back-off;
one whose outcome is unknown (the server went silent after DATA) is marked uncertain and
never re-sent blindly. Against a real SMTP server (tests/smtp.py).

Before this, the task raised on the first refusal and nothing tried again: a reader told
"check your inbox" got nothing (the chaos run's smtp fault, docs/reliability.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from core.models import OutboxTask
from subscriptions.emails import ConfirmationNotSent
from subscriptions.models import ConfirmationRequest, Subscriber
from subscriptions.tasks import send_confirmation_email_task
from tests.core.test_cache_outage import closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _queue(settings):
    """A queue the test reads (the dummy backend keeps what is enqueued, with run_after)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.CONFIRMATION_RETRY_SECONDS = 60
    settings.CONFIRMATION_MAX_ATTEMPTS = 4
    default_task_backend.clear()


@pytest.fixture
def signup(newsletter):
    subscriber = Subscriber.objects.create(email="reader@example.org")
    subscriber.subscriptions.create(newsletter=newsletter)
    request = ConfirmationRequest.objects.create(subscriber=subscriber)
    request.newsletters.set([newsletter])
    return subscriber, request


def run_task(capture, *args, **kwargs):
    with capture(execute=True):  # the retry's outbox row is relayed on commit
        return send_confirmation_email_task.call(*args, **kwargs)


def retries():
    return [
        r for r in default_task_backend.results if r.task.func == send_confirmation_email_task.func
    ]


def test_a_refused_confirmation_is_retried_with_back_off_and_then_sent(
    smtp_server, signup, django_capture_on_commit_callbacks
):
    subscriber, request = signup
    smtp_server.data_answer = "451 4.3.0 Try again later"
    started = timezone.now()

    assert run_task(django_capture_on_commit_callbacks, subscriber.pk, False, request.pk) is False
    [retry] = retries()
    assert list(retry.args) == [subscriber.pk, False, request.pk]
    assert retry.kwargs == {"attempt": 2}
    assert started + timedelta(seconds=60) <= retry.task.run_after
    assert retry.task.run_after <= timezone.now() + timedelta(seconds=60)
    assert not OutboxTask.objects.exists()
    subscriber.refresh_from_db()
    assert subscriber.last_confirmation_sent_at is None  # the slot is free for the retry

    # Refused again: the next wait is twice as long.
    default_task_backend.clear()
    before = timezone.now()
    run_task(django_capture_on_commit_callbacks, *retry.args, **retry.kwargs)
    [second] = retries()
    assert second.kwargs == {"attempt": 3}
    assert second.task.run_after >= before + timedelta(seconds=120)

    # The server takes mail again: the retry sends it, once.
    smtp_server.data_answer = None
    assert run_task(django_capture_on_commit_callbacks, *second.args, **second.kwargs) is True
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "reader@example.org"
    subscriber.refresh_from_db()
    assert subscriber.last_confirmation_sent_at is not None
    assert subscriber.confirmation_uncertain_at is None


def test_an_unreachable_mail_server_is_retried_too(
    settings, signup, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    subscriber, request = signup
    assert run_task(django_capture_on_commit_callbacks, subscriber.pk, False, request.pk) is False
    assert [r.kwargs for r in retries()] == [{"attempt": 2}]


def test_the_last_attempt_and_a_permanent_refusal_give_up(
    smtp_server, signup, django_capture_on_commit_callbacks
):
    subscriber, request = signup
    smtp_server.data_answer = "451 4.3.0 Try again later"
    with pytest.raises(ConfirmationNotSent):
        run_task(django_capture_on_commit_callbacks, subscriber.pk, False, request.pk, attempt=4)
    smtp_server.data_answer = "554 5.7.1 Rejected"
    with pytest.raises(ConfirmationNotSent):
        run_task(django_capture_on_commit_callbacks, subscriber.pk, False, request.pk)
    assert retries() == []


def test_a_timeout_after_data_is_uncertain_and_not_sent_again(
    settings, smtp_server, signup, django_capture_on_commit_callbacks
):
    subscriber, request = signup
    smtp_server.delay = 1.5  # the server goes silent after DATA
    settings.EMAIL_TIMEOUT = 0.5

    assert run_task(django_capture_on_commit_callbacks, subscriber.pk, False, request.pk) is False
    assert retries() == []
    subscriber.refresh_from_db()
    assert subscriber.confirmation_uncertain_at is not None
    assert subscriber.last_confirmation_sent_at is not None  # the slot stays taken

    # A repeat of the task (an outbox relayed twice, a re-run) does not mail it blindly.
    smtp_server.delay = 0
    assert run_task(django_capture_on_commit_callbacks, subscriber.pk, False, request.pk) is False
    assert smtp_server.messages == []
