"""A send whose task queue (RQ's Redis) is down when it starts or moves on does not stall.

The chaos run (bench/chaos.py, fault redis_rq) found a send left `sending` with every
delivery pending: the watch link that snapshotted the audience committed, then the enqueue
of its pumps and of the next link met Redis stopped and raised; nothing was left to start
them. The newsletter's enqueues now go through the task outbox (core.outbox): they are
written in the send's own transaction and reach the queue when Redis answers again.

"Redis stopped" is the RQ connection pointed at a closed port; "back" is a queue that
accepts (the dummy backend), or, in the last test, a redis-server of the test's own.
"""

import os
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks import default_task_backend

from core import outbox
from core.models import OutboxTask
from newsletters import services, tasks
from newsletters.models import Delivery, NewsletterIssue
from tests.core.test_cache_outage import closed_port
from tests.core.test_task_outbox import DUMMY, use_rq
from tests.newsletters.factories import audience

pytestmark = pytest.mark.django_db
Status = NewsletterIssue.Status


@pytest.fixture
def rq_down(settings):
    use_rq(settings, f"redis://127.0.0.1:{closed_port()}/0")


def redis_back(settings):
    settings.TASKS = DUMMY
    default_task_backend.clear()


def queued(path):
    return [r for r in default_task_backend.results if r.task.module_path == path]


def run_queue(run_on_commit, *, until):
    """Run what the dummy queue holds (due by `until`) the way a worker would, in order."""
    done = 0
    while done < len(default_task_backend.results):
        result = default_task_backend.results[done]
        done += 1
        if result.task.run_after is None or result.task.run_after <= until:
            run_on_commit(result.task.call, *result.args, **result.kwargs)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.mark.usefixtures("rq_down")
def test_a_send_started_while_redis_is_down_finishes_once_it_is_back(
    settings, issue, newsletter, run_on_commit
):
    audience(newsletter, 3)
    # The watch link starts the send just as Redis stops: the snapshot commits, and the
    # link, pump and sweep it hands to the queue wait in the outbox instead of raising.
    sending = run_on_commit(services.send_issue, issue)
    assert sending.status == Status.SENDING
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.PENDING).count() == 3
    waiting = dict(OutboxTask.objects.values_list("task_path", "run_after"))
    assert set(waiting) == {
        "newsletters.tasks.watch_issue",
        "newsletters.tasks.deliver_issue",
        "newsletters.tasks.rewatch_stalled_sends_task",
    }
    assert waiting["newsletters.tasks.watch_issue"] > timezone.now()  # deferred, as asked
    assert waiting["newsletters.tasks.deliver_issue"] is None

    redis_back(settings)
    assert outbox.relay() == 3
    [link] = queued("newsletters.tasks.watch_issue")
    assert link.task.run_after == waiting["newsletters.tasks.watch_issue"]
    run_queue(run_on_commit, until=timezone.now())
    issue.refresh_from_db()
    assert issue.status == Status.SENT
    assert len(mail.outbox) == 3


@pytest.mark.usefixtures("rq_down")
def test_send_now_while_redis_is_down_commits_and_starts_once_it_is_back(
    settings, issue, newsletter, run_on_commit
):
    """An editor's "send now" during the outage: no error page for a committed request, and
    the issue goes out when Redis returns (its first link was lost before the outbox)."""
    audience(newsletter, 2)
    run_on_commit(services.send_now, issue=issue)
    issue.refresh_from_db()
    assert issue.status == Status.SCHEDULED
    assert OutboxTask.objects.filter(task_path="newsletters.tasks.watch_issue").exists()

    redis_back(settings)
    outbox.relay()
    later = timezone.now() + timedelta(seconds=settings.NEWSLETTER_WATCH_INTERVAL + 1)
    run_queue(run_on_commit, until=later)
    issue.refresh_from_db()
    assert issue.status == Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == ["reader0@example.org", "reader1@example.org"]


def test_a_link_that_resumes_a_send_hands_its_pump_to_the_outbox(
    settings, issue, newsletter, run_on_commit, rq_down
):
    audience(newsletter, 2)
    redis_back(settings)
    run_on_commit(services.send_issue, issue)
    issue.refresh_from_db()
    default_task_backend.clear()  # the first pump was lost with a dead worker

    use_rq(settings, f"redis://127.0.0.1:{closed_port()}/0")
    assert run_on_commit(tasks.watch_issue.call, issue.pk, issue.watch_token) == "resumed"
    assert OutboxTask.objects.filter(task_path="newsletters.tasks.deliver_issue").count() == 1


@pytest.fixture
def own_redis():
    """A redis-server of this test's own (port 18490; the machine's Redis is never stopped),
    so the test can stop it. Skips when redis-server is not installed."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    port = int(os.environ.get("TEST_OWN_REDIS_PORT", 18490))
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    server = subprocess.Popen(
        [*command, "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    state = {"server": server}

    def stop():
        state["server"].terminate()
        state["server"].wait(10)

    def start():
        state["server"] = subprocess.Popen(
            [*command, "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)

    yield type("OwnRedis", (), {"url": f"redis://127.0.0.1:{port}/0", "stop": stop, "start": start})
    if state["server"].poll() is None:
        stop()


@pytest.mark.redis
def test_with_a_real_redis_stopped_mid_send_the_tasks_reach_rq_when_it_returns(
    settings, issue, newsletter, run_on_commit, own_redis
):
    """The send starts with RQ's Redis running, Redis stops before the send's tasks are
    handed over, and starts again: the relay puts the pump on the queue and the deferred
    watch link in RQ's scheduled registry, at its time."""
    from django_rq import get_queue
    from rq.registry import ScheduledJobRegistry

    audience(newsletter, 2)
    use_rq(settings, own_redis.url)
    own_redis.stop()
    run_on_commit(services.send_issue, issue)
    assert OutboxTask.objects.count() == 3  # the link, the pump and the sweep
    link_at = OutboxTask.objects.get(task_path="newsletters.tasks.watch_issue").run_after

    own_redis.start()
    assert outbox.relay() == 3
    queue = get_queue("default")
    assert [job.func_name for job in queue.get_jobs()] == ["newsletters.tasks.deliver_issue"]
    scheduled = ScheduledJobRegistry(queue=queue)
    times = {
        queue.fetch_job(job_id).func_name: scheduled.get_scheduled_time(job_id)
        for job_id in scheduled.get_job_ids()
    }
    assert times["newsletters.tasks.watch_issue"] == link_at.replace(microsecond=0)
    assert set(times) == {
        "newsletters.tasks.watch_issue",
        "newsletters.tasks.rewatch_stalled_sends_task",
    }
