"""A task whose worker was killed mid-run (its row left "running") is re-run exactly once by
the next worker; a live worker's task is left alone; a task that keeps killing its workers is
failed rather than re-run for ever."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import tasklease
from core.models import WorkerHeartbeat
from tests.core.lease_tasks import note_a_run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.TASK_WORKER_LEASE_SECONDS = 30
    settings.TASK_MAX_RECOVERIES = 3


def claimed_by(worker_id, runs_file, *, beat_ago, started_ago=None):
    """A task claimed by `worker_id`, whose last heartbeat was `beat_ago` seconds ago."""
    result = note_a_run.enqueue(str(runs_file))
    row = DBTaskResult.objects.get(id=result.id)
    row.claim(worker_id)
    now = timezone.now()
    started_ago = beat_ago if started_ago is None else started_ago
    DBTaskResult.objects.filter(id=row.id).update(started_at=now - timedelta(seconds=started_ago))
    if beat_ago is not None:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, host="gone", pid=1, beat_at=now - timedelta(seconds=beat_ago)
        )
    return row.id


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def runs(path):
    return path.read_text().count("ran") if path.exists() else 0


def test_a_killed_workers_task_runs_again_exactly_once(tmp_path):
    runs_file = tmp_path / "runs.txt"
    task_id = claimed_by("killed-worker", runs_file, beat_ago=120)

    run_worker()
    run_worker()  # a second worker later: nothing left to recover

    row = DBTaskResult.objects.get(id=task_id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids[0] == "killed-worker" and len(row.worker_ids) == 2
    assert runs(runs_file) == 1
    # Workers that stopped cleanly leave no heartbeat; the killed one's is kept for a day.
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["killed-worker"]


def test_two_sweeps_re_queue_once(tmp_path):
    task_id = claimed_by("killed-worker", tmp_path / "runs.txt", beat_ago=120)
    assert tasklease.recover_orphans() == (1, 0)
    assert tasklease.recover_orphans() == (0, 0)
    assert DBTaskResult.objects.get(id=task_id).status == TaskResultStatus.READY


def test_a_live_workers_long_task_is_left_alone(tmp_path):
    runs_file = tmp_path / "runs.txt"
    # Started ten minutes ago, but its worker renewed its lease a second ago.
    task_id = claimed_by("busy-worker", runs_file, beat_ago=1, started_ago=600)
    run_worker()
    assert DBTaskResult.objects.get(id=task_id).status == TaskResultStatus.RUNNING
    assert runs(runs_file) == 0


def test_a_worker_without_a_heartbeat_gets_the_lease_from_its_start(tmp_path):
    fresh = claimed_by("old-style-worker", tmp_path / "a.txt", beat_ago=None, started_ago=5)
    stale = claimed_by("older-worker", tmp_path / "b.txt", beat_ago=None, started_ago=120)
    assert tasklease.recover_orphans() == (1, 0)
    assert DBTaskResult.objects.get(id=fresh).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(id=stale).status == TaskResultStatus.READY


def test_a_task_that_keeps_killing_its_workers_is_failed(tmp_path, settings):
    settings.TASK_MAX_RECOVERIES = 1
    runs_file = tmp_path / "runs.txt"
    task_id = claimed_by("first-victim", runs_file, beat_ago=120)
    DBTaskResult.objects.filter(id=task_id).update(worker_ids=["first-victim", "second-victim"])
    WorkerHeartbeat.objects.create(
        worker_id="second-victim", host="gone", pid=2, beat_at=timezone.now() - timedelta(hours=1)
    )
    run_worker()
    row = DBTaskResult.objects.get(id=task_id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "core.tasklease.WorkerLost"
    assert runs(runs_file) == 0


def test_the_lease_keeper_renews_the_heartbeat(settings):
    settings.TASK_WORKER_LEASE_SECONDS = 0.6
    tasklease.beat("live-worker")
    first = WorkerHeartbeat.objects.get(worker_id="live-worker").beat_at
    keeper = tasklease.LeaseKeeper("live-worker")
    keeper.start()
    try:
        for _ in range(50):
            keeper.stopping.wait(0.1)
            if WorkerHeartbeat.objects.get(worker_id="live-worker").beat_at > first:
                break
    finally:
        keeper.stop()
    assert WorkerHeartbeat.objects.get(worker_id="live-worker").beat_at > first


def test_a_worker_whose_database_went_away_re_queues_only_its_own_task(tmp_path):
    own = claimed_by("this-worker", tmp_path / "a.txt", beat_ago=1)
    other = claimed_by("other-worker", tmp_path / "b.txt", beat_ago=1)
    assert tasklease.release_own("this-worker") == 1
    assert DBTaskResult.objects.get(id=own).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(id=other).status == TaskResultStatus.RUNNING


def test_the_worker_outlasts_a_database_outage(monkeypatch):
    """The package's worker exits on the first OperationalError; ours waits and goes on."""
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker as package

    from core.management.commands.db_worker import OutlastingWorker

    calls = []

    def flaky_run(self):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(package.Worker, "run", flaky_run)
    monkeypatch.setattr("core.management.commands.db_worker.time.sleep", lambda seconds: None)
    worker = OutlastingWorker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="outlasting", excluded_queue_names=[],
    )  # fmt: skip
    worker.run()
    assert len(calls) == 3
