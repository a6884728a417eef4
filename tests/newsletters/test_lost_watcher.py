"""A send whose watch chain was lost is picked up again by itself, and nobody gets it twice.

The chain's link can vanish: a worker killed while running it (the database backend leaves
the task "running" for ever and its successor was never committed), a task row deleted, a
queue flushed. Nothing but the task queue runs here: `run_the_queue` plays a db_worker,
running due tasks in order and moving the clock to the next one when none is due.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from newsletters import sending, services
from newsletters.models import Delivery, NewsletterIssue
from tests.newsletters.factories import audience

pytestmark = pytest.mark.django_db
STALL = 300
WATCH = "newsletters.tasks.watch_issue"
PUMP = "newsletters.tasks.deliver_issue"


@pytest.fixture(autouse=True)
def _stall_bound(settings):
    settings.NEWSLETTER_WATCH_STALL_SECONDS = STALL


def run_the_queue(clock, capture, *, until=None, limit=100):
    """Run due tasks like `db_worker` would; when none is due, jump to the next one's time."""
    for _ in range(limit):
        if until is not None and timezone.now() >= until:
            return
        row = DBTaskResult.objects.ready().order_by("run_after", "enqueued_at").first()
        if row is None:
            waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            next_at = waiting.order_by("run_after").values_list("run_after", flat=True).first()
            if next_at is None or (until is not None and next_at > until):
                return
            clock.move_to(next_at)
            continue
        row.claim("test-worker")
        with capture(execute=True):
            value = row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.set_successful(value)
    raise AssertionError("the queue never ran dry")


def kill_running(task_path):
    """The worker died inside these tasks: they stay "running", nothing they queued exists."""
    DBTaskResult.objects.filter(task_path=task_path).update(status=TaskResultStatus.RUNNING)


def received():
    return Counter(address for message in mail.outbox for address in message.to)


def test_a_send_whose_watcher_vanished_is_resumed_and_everyone_gets_it_once(
    issue, newsletter, django_capture_on_commit_callbacks
):
    readers = audience(newsletter, 5)
    with freeze_time(timezone.now()) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            services.send_issue(issue)
        issue.refresh_from_db()
        # The first pump sends two messages, then its worker is killed, inside the watch link.
        sending.deliver_batch(issue, token="doomed:1:x", size=2)
        kill_running(PUMP)
        kill_running(WATCH)
        assert len(mail.outbox) == 2

        # Within the bound nothing is second-guessed: the watcher may only be slow.
        started = timezone.now()
        run_the_queue(
            clock, django_capture_on_commit_callbacks, until=started + timedelta(seconds=STALL)
        )
        assert len(mail.outbox) == 2

        run_the_queue(clock, django_capture_on_commit_callbacks)

    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert received() == Counter({reader.email: 1 for reader in readers})
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_two_sweeps_at_once_start_one_watcher_and_the_old_chain_stands_down(
    issue, newsletter, django_capture_on_commit_callbacks
):
    audience(newsletter, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_issue(issue)
    issue.refresh_from_db()
    lost_token = issue.watch_token
    DBTaskResult.objects.filter(task_path=WATCH).delete()

    with freeze_time(timezone.now() + timedelta(seconds=STALL + 1)):
        with django_capture_on_commit_callbacks(execute=True):
            first = services.rewatch_stalled_sends()
            second = services.rewatch_stalled_sends()

    assert (first, second) == ([issue.pk], [])
    (link,) = DBTaskResult.objects.filter(task_path=WATCH)
    issue.refresh_from_db()
    assert link.args_kwargs["args"] == [issue.pk, issue.watch_token]
    assert issue.watch_token != lost_token
    # Were the lost link only late, it finds itself replaced and does nothing.
    assert services.watch(issue.pk, lost_token) == "superseded"


def test_a_lost_sweep_is_scheduled_again_by_the_next_watch_link(
    issue, newsletter, django_capture_on_commit_callbacks
):
    audience(newsletter, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_issue(issue)
    sweeps = DBTaskResult.objects.filter(task_path="newsletters.tasks.rewatch_stalled_sends_task")
    assert sweeps.count() == 1
    sweeps.delete()
    cache.clear()  # its marker lapsed

    issue.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.watch(issue.pk, issue.watch_token)

    assert sweeps.count() == 1
