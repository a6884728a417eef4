"""Leases for database task workers: a worker killed mid-task does not lose the task.

django-tasks-db marks a task "running" when a worker claims it and never looks at it again:
a worker killed by SIGKILL, the OOM killer or a lost machine leaves it running for ever. So
every `manage.py db_worker` (core's command, which wraps the package's) keeps a heartbeat
row (core.models.WorkerHeartbeat) renewed every TASK_WORKER_LEASE_SECONDS / 3, and sweeps:

- at start-up, before it claims anything, and then with every heartbeat, it re-queues each
  running task whose worker's lease expired (no heartbeat for TASK_WORKER_LEASE_SECONDS, or
  no heartbeat row at all and started longer ago than that);
- the re-queue is one conditional UPDATE (still running, same start time), so two sweeping
  workers re-queue a task once, and exactly one worker claims it again;
- a task whose workers died TASK_MAX_RECOVERIES times is marked failed (WorkerLost) instead:
  a task that kills its worker must not take every worker down in turn.

Tasks are written to be re-run safely: newsletter sends claim recipients and mark the one in
flight "uncertain" (newsletters/sending.py), confirmation emails are sent once per address by
a conditional UPDATE (subscriptions/emails.py), flushes and sweeps are idempotent.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """Recorded as the failure of a task whose workers kept dying while running it."""


def lease_seconds() -> float:
    return settings.TASK_WORKER_LEASE_SECONDS


def beat(worker_id: str) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            beat_at=now,
        )


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def recover_orphans(now=None) -> tuple[int, int]:
    """Re-queue (or fail, past TASK_MAX_RECOVERIES) running tasks whose worker's lease
    expired; (re-queued, failed)."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=lease_seconds())
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "beat_at"))
    requeued = failed = 0
    running = DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "task_path")
    for row in running:
        owner = row.worker_ids[-1] if row.worker_ids else None
        last_sign = beats.get(owner) or row.started_at
        if last_sign is not None and last_sign > expired:
            continue
        same_run = DBTaskResult.objects.filter(
            id=row.id, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids) > settings.TASK_MAX_RECOVERIES:
            failed += same_run.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"Its worker stopped while running it {len(row.worker_ids)} times "
                f"(last: {owner}); not run again.",
            )
            logger.error("Task %s (%s) failed: its workers kept dying", row.id, row.task_path)
            continue
        if same_run.update(status=TaskResultStatus.READY, started_at=None):
            requeued += 1
            logger.warning(
                "Re-queued task %s (%s): its worker %s stopped renewing its lease",
                row.id,
                row.task_path,
                owner,
            )
    # Heartbeats of workers long gone (a lost machine) are no use to anyone.
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return requeued, failed


class LeaseKeeper(threading.Thread):
    """Renews this worker's heartbeat and sweeps, on its own thread (and database
    connection), so a long task keeps its lease. An outage is logged and retried."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"lease-{worker_id[:8]}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()
        self.relay = None  # made on the thread: settings are read when it starts

    def run(self):
        from . import outbox

        self.relay = outbox.relay_every()
        interval = max(0.2, lease_seconds() / 3)
        while not self.stopping.wait(interval):
            try:
                close_old_connections()
                beat(self.worker_id)
                recover_orphans()
                self.relay()  # tasks a transaction committed when the queue was down
            except Exception:  # noqa: BLE001 - the database may be down: try again later
                logger.exception("Could not renew the lease of worker %s", self.worker_id)
                connection.close()
        connection.close()

    def stop(self):
        self.stopping.set()
        self.join(timeout=10)


def release_own(worker_id: str) -> int:
    """Re-queue the tasks this worker holds as running when it is running none (its database
    went away mid-task, so the task's outcome was never recorded); how many."""
    released = 0
    for row in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        if row.worker_ids and row.worker_ids[-1] == worker_id:
            released += DBTaskResult.objects.filter(
                id=row.id, status=TaskResultStatus.RUNNING, started_at=row.started_at
            ).update(status=TaskResultStatus.READY, started_at=None)
    return released
