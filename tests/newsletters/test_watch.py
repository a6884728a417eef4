"""The watch chain: a scheduled issue starts on time, a crashed send resumes, a done one closes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from newsletters import services
from newsletters.models import Delivery, IssueStory, NewsletterIssue
from tests.newsletters.factories import audience

pytestmark = pytest.mark.django_db
Status = NewsletterIssue.Status


def links():
    return list(
        DBTaskResult.objects.filter(task_path="newsletters.tasks.watch_issue").order_by(
            "enqueued_at"
        )
    )


def pumps():
    return DBTaskResult.objects.filter(task_path="newsletters.tasks.deliver_issue").count()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_a_scheduled_issue_waits_then_starts_on_time(issue, newsletter, run_on_commit):
    audience(newsletter, 3)
    at = timezone.now() + timedelta(hours=2)
    run_on_commit(services.schedule_issue, issue=issue, at=at)
    (first,) = links()
    assert first.run_after == at

    # A link that runs early (say, a clock skew) only waits for the right time again.
    token = first.args_kwargs["args"][1]
    assert run_on_commit(services.watch, issue.pk, token) == "waiting"
    assert links()[-1].run_after == at

    with freeze_time(at + timedelta(seconds=1)):
        token = links()[-1].args_kwargs["args"][1]
        assert run_on_commit(services.watch, issue.pk, token) == "started"
    issue.refresh_from_db()
    assert issue.status == Status.SENDING
    assert Delivery.objects.filter(issue=issue).count() == 3
    assert pumps() == 1
    assert issue.watch_token == links()[-1].args_kwargs["args"][1]


def test_rescheduling_supersedes_the_old_chain(issue, run_on_commit):
    run_on_commit(services.schedule_issue, issue=issue, at=timezone.now() + timedelta(hours=1))
    old_token = links()[0].args_kwargs["args"][1]
    run_on_commit(services.schedule_issue, issue=issue, at=timezone.now() + timedelta(hours=3))
    assert services.watch(issue.pk, old_token) == "superseded"


def test_an_issue_emptied_before_its_time_goes_back_to_draft(issue, newsletter, run_on_commit):
    run_on_commit(services.schedule_issue, issue=issue, at=timezone.now())
    IssueStory.objects.filter(issue=issue).delete()
    NewsletterIssue.objects.filter(pk=issue.pk).update(intro="")
    token = links()[0].args_kwargs["args"][1]
    assert run_on_commit(services.watch, issue.pk, token) == "not ready: back to draft"
    issue.refresh_from_db()
    assert (issue.status, issue.watch_token) == (Status.DRAFT, "")


def _sending(issue, newsletter, run_on_commit):
    readers = audience(newsletter, 4)
    run_on_commit(services.send_issue, issue)
    DBTaskResult.objects.filter(task_path="newsletters.tasks.deliver_issue").delete()
    issue.refresh_from_db()
    return readers


def test_a_dead_workers_send_is_resumed(issue, newsletter, run_on_commit):
    readers = _sending(issue, newsletter, run_on_commit)
    long_ago = timezone.now() - timedelta(seconds=301)
    Delivery.objects.filter(subscriber=readers[0]).update(
        status=Delivery.Status.SENDING, claimed_by="dead:1:x", claimed_at=long_ago
    )
    Delivery.objects.filter(subscriber=readers[1]).update(
        claimed_by="dead:1:x", claimed_at=long_ago
    )

    assert run_on_commit(services.watch, issue.pk, issue.watch_token) == "resumed"

    assert Delivery.objects.get(subscriber=readers[0]).status == Delivery.Status.UNCERTAIN
    assert Delivery.objects.get(subscriber=readers[1]).claimed_by == ""
    assert pumps() == 1


def test_a_live_send_is_left_alone(issue, newsletter, run_on_commit):
    readers = _sending(issue, newsletter, run_on_commit)
    Delivery.objects.filter(subscriber__in=readers[:2]).update(
        claimed_by="alive:1:x", claimed_at=timezone.now()
    )
    assert run_on_commit(services.watch, issue.pk, issue.watch_token) == "sending"
    assert pumps() == 0
    issue.refresh_from_db()
    assert issue.watch_token == links()[-1].args_kwargs["args"][1]  # the chain goes on


def test_the_chain_closes_a_finished_issue_and_stops(issue, newsletter, run_on_commit):
    _sending(issue, newsletter, run_on_commit)
    Delivery.objects.filter(issue=issue).update(status=Delivery.Status.SENT)

    assert run_on_commit(services.watch, issue.pk, issue.watch_token) == "finished"

    issue.refresh_from_db()
    assert issue.status == Status.SENT and issue.sent_count == 4
    assert services.watch(issue.pk, links()[-1].args_kwargs["args"][1]) == "superseded"
