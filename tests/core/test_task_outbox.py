"""The task outbox (core/outbox.py): with the RQ backend and Redis stopped, a signup still
commits, and its confirmation email waits in the database until Redis is back, then goes
onto the queue exactly once. Redis "stopped" is the RQ connection pointed at a closed port."""

import os

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django_tasks import default_task_backend

from core import outbox
from core.models import OutboxTask
from subscriptions.models import Subscriber
from subscriptions.tasks import send_confirmation_email_task
from tests.core.test_cache_outage import closed_port
from tests.subscriptions.factories import NewsletterFactory

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def use_rq(settings, url):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url}}


@pytest.fixture
def rq_down(settings):
    use_rq(settings, f"redis://127.0.0.1:{closed_port()}/0")


def sign_up(client, capture, email="reader@example.org"):
    with capture(execute=True):
        return client.post("/subscriptions/signup/", {"email": email, "newsletters": "morning"})


@pytest.mark.usefixtures("rq_down")
def test_a_signup_commits_and_keeps_its_email_while_redis_is_down(
    client, settings, django_capture_on_commit_callbacks
):
    NewsletterFactory(slug="morning", is_default=True)
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    subscriber = Subscriber.objects.get(email="reader@example.org")
    [row] = OutboxTask.objects.all()
    assert row.task_path == "subscriptions.tasks.send_confirmation_email_task"
    assert row.args[0] == subscriber.pk
    assert row.attempts == 1 and "ConnectionError" in row.last_error

    # Still down: the relay keeps the row and says so.
    assert outbox.relay() == 0
    assert OutboxTask.objects.get().attempts == 2

    # "Redis is back" (a queue that accepts): the task goes onto it once, and the row goes.
    settings.TASKS = DUMMY
    default_task_backend.clear()
    assert outbox.relay() == 1
    assert outbox.relay() == 0
    [result] = default_task_backend.results
    assert result.task.func == send_confirmation_email_task.func
    assert list(result.args) == row.args
    assert not OutboxTask.objects.exists()

    # And the task, run, sends the confirmation the signup asked for.
    assert send_confirmation_email_task.call(*result.args) is True
    assert mail.outbox[0].to == ["reader@example.org"]


def test_a_rolled_back_signup_leaves_no_row_and_no_task(settings):
    from django.db import transaction

    settings.TASKS = DUMMY
    default_task_backend.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue_on_commit(send_confirmation_email_task, 1, False, None)
        raise RuntimeError("the signup failed")
    assert not OutboxTask.objects.exists()
    assert default_task_backend.results == []


def test_with_a_working_queue_the_row_is_gone_after_commit(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    NewsletterFactory(slug="morning", is_default=True)
    assert sign_up(client, django_capture_on_commit_callbacks).status_code == 302
    assert len(default_task_backend.results) == 1
    assert not OutboxTask.objects.exists()


@pytest.mark.usefixtures("rq_down")
def test_relay_outbox_command_reports_what_is_left(client, django_capture_on_commit_callbacks):
    from io import StringIO

    NewsletterFactory(slug="morning", is_default=True)
    sign_up(client, django_capture_on_commit_callbacks)
    out = StringIO()
    with pytest.raises(CommandError, match="ConnectionError"):
        call_command("relay_outbox", stdout=out)
    assert "Enqueued 0 task(s); 1 left in the outbox." in out.getvalue()


@pytest.mark.redis
def test_the_rq_worker_relays_once_redis_answers(
    client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """A real Redis (REDIS_URL): the signup made while it was "down" reaches the RQ
    queue through RelayingWorker's heartbeat, the hook RQ's loop passes on every turn."""
    from django_rq import get_queue

    from core.rqworker import RelayingWorker

    NewsletterFactory(slug="morning", is_default=True)
    use_rq(settings, f"redis://127.0.0.1:{closed_port()}/0")
    sign_up(client, django_capture_on_commit_callbacks)
    assert OutboxTask.objects.count() == 1

    # The test run's own Redis database (REDIS_URL): its RQ queue is emptied, nothing else.
    use_rq(settings, os.environ["REDIS_URL"])
    queue = get_queue("default")
    queue.empty()
    worker = RelayingWorker([queue], connection=queue.connection)
    # The worker closes its database connection after relaying (jobs run in a fork); here
    # that connection holds the test's transaction.
    monkeypatch.setattr("core.rqworker.connections.close_all", lambda: None)
    try:
        worker.heartbeat()
        assert not OutboxTask.objects.exists()
        [job] = queue.get_jobs()
        subscriber = Subscriber.objects.get()
        assert job.func_name == "subscriptions.tasks.send_confirmation_email_task"
        assert job.args[0] == subscriber.pk
        worker.heartbeat()  # not due again, and nothing left: no second job
        assert queue.count == 1
    finally:
        queue.empty()


@pytest.mark.redis
def test_the_rq_worker_works_on_after_losing_redis_and_stops_when_asked(monkeypatch):
    """RQ's loop quits when Redis goes away while a job runs; RelayingWorker waits for Redis
    and starts its loop again, but a stop request still ends it."""
    import redis
    from rq import Queue, Worker

    from core.rqworker import RelayingWorker

    connection = redis.Redis.from_url(os.environ["REDIS_URL"])
    worker = RelayingWorker([Queue("default", connection=connection)], connection=connection)
    runs = []

    def loop(self, burst=False, **kwargs):
        runs.append(burst)
        if len(runs) == 1:
            raise redis.exceptions.ConnectionError("Connection refused")  # teardown failed
        if len(runs) == 2:
            return True  # quit on an error it logged, with Redis back
        self.request_stop(15, None)  # idle: RQ raises StopRequested and breaks its loop
        return False

    def request_stop(self, signum, frame):
        pass

    waits = []
    monkeypatch.setattr(Worker, "work", loop)
    monkeypatch.setattr(Worker, "request_stop", request_stop)
    monkeypatch.setattr(RelayingWorker, "wait_for_redis", lambda self: waits.append(1))
    monkeypatch.setattr(connection, "delete", lambda key: None)
    monkeypatch.setattr("core.rqworker.time.sleep", lambda seconds: None)

    assert worker.work() is False
    assert len(runs) == 3 and len(waits) == 2


@pytest.mark.redis
def test_the_rq_worker_restarts_a_dead_scheduler():
    """RQ restarts a dead scheduler only in its ten-minute maintenance; RelayingWorker does
    it on its relay interval, and leaves a live one alone."""
    import redis
    from rq import Queue

    from core.rqworker import RelayingWorker

    connection = redis.Redis.from_url(os.environ["REDIS_URL"])
    worker = RelayingWorker([Queue("default", connection=connection)], connection=connection)

    class Process:
        def __init__(self, alive):
            self.alive = alive

        def is_alive(self):
            return self.alive

    class Scheduler:
        def __init__(self, alive):
            self._process = Process(alive)
            self.started = 0

        def acquire_locks(self, auto_start=False):
            self.started += auto_start

    worker.scheduler = dead = Scheduler(alive=False)
    worker.revive_scheduler()
    assert dead.started == 1
    worker.scheduler = live = Scheduler(alive=True)
    worker.revive_scheduler()
    assert live.started == 0
