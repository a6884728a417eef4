"""A transactional outbox for tasks: no committed work waits on a queue that was down.

`enqueue_on_commit(task, *args)` writes an OutboxTask row in the caller's transaction and,
once it commits, moves the row onto the task queue (`relay`). With the database task backend
that always works; with RQ the queue is Redis, which may be stopped at that moment. The row
then stays, and is relayed later by:
- RQ workers started with core.rqworker.RelayingWorker (settings make it the default), every
  OUTBOX_RELAY_SECONDS once they reach Redis again;
- core's `db_worker`, on the same interval;
- `manage.py relay_outbox`, by hand or from cron.

Delivery is at least once: a process that dies between handing a task to Redis and deleting
its row hands it over again later. Tasks sent through here must be idempotent (the
confirmation email's send slot, subscriptions.emails._claim_send_slot, keeps a repeat from
mailing twice within CONFIRMATION_RESEND_INTERVAL_SECONDS).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .models import OutboxTask

logger = logging.getLogger(__name__)

__all__ = ["enqueue_on_commit", "relay", "relay_every"]


def enqueue_on_commit(task, *args, run_after=None, **kwargs) -> OutboxTask:
    """Record `task(*args, **kwargs)` in the current transaction; enqueue it after commit.

    Arguments must be JSON-serialisable (they are stored as JSON). `run_after` defers the
    task (a backend that cannot defer, such as the immediate one, runs it when relayed). A
    rollback leaves neither a row nor a task; a failure to enqueue after commit leaves the row
    for the relay. Outside a transaction the row is written and relayed at once."""
    row = OutboxTask.objects.create(
        task_path=task.module_path, args=list(args), kwargs=kwargs, run_after=run_after
    )
    # robust: a queue that is down must not turn the caller's committed request into an error.
    transaction.on_commit(lambda: relay(pks=[row.pk]), robust=True)
    return row


def relay(*, pks=None, limit: int = 200) -> int:
    """Enqueue pending rows (oldest first) and delete each one enqueued; stop at the first
    failure (the queue is down: the rest would fail too). Returns how many were enqueued.

    Each row is locked (skip_locked) while it is handed over, so two relays never enqueue the
    same row at once."""
    rows = OutboxTask.objects.order_by("pk")
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    relayed = 0
    for pk in list(rows.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:  # relayed by someone else meanwhile, or being relayed now
                continue
            try:
                task = import_string(row.task_path)
                if row.run_after is not None and task.get_backend().supports_defer:
                    task = task.using(run_after=row.run_after)
                task.enqueue(*row.args, **row.kwargs)
            except Exception as error:  # noqa: BLE001 - any queue failure: keep the row
                failure = f"{type(error).__name__}: {error}"[:500]
                logger.warning(
                    "Task queue unavailable (%s); %s kept in the outbox", failure, row.task_path
                )
            else:
                failure = None
                row.delete()
                relayed += 1
        if failure is not None:
            OutboxTask.objects.filter(pk=pk).update(attempts=row.attempts + 1, last_error=failure)
            break
    return relayed


class relay_every:  # noqa: N801 - used like a function: relay_every(seconds)()
    """A callable that relays at most once per `seconds` (default OUTBOX_RELAY_SECONDS),
    for worker loops that tick more often. Errors are logged, never raised."""

    def __init__(self, seconds: float | None = None):
        self.seconds = settings.OUTBOX_RELAY_SECONDS if seconds is None else seconds
        self.last = float("-inf")

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.seconds

    def __call__(self) -> int:
        if not self.due():
            return 0
        self.last = time.monotonic()
        try:
            relayed = relay()
        except Exception:  # noqa: BLE001 - a worker must not die of the relay
            logger.exception("Outbox relay failed")
            return 0
        if relayed:
            logger.warning("Outbox: %d task(s) enqueued after the queue came back", relayed)
        return relayed
