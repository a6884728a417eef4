"""`manage.py db_worker`: django-tasks-db's worker with a lease (core.tasklease).

The same command and options as the package's (core is listed before it in INSTALLED_APPS,
so this one answers to the name); before claiming anything the worker records a heartbeat
and re-queues tasks orphaned by killed workers, and a thread renews the heartbeat and sweeps
again while it runs.

The package's worker exits on the first database error that is not a locked SQLite file, so
a PostgreSQL restart would leave no worker running. This one waits and tries again (backing
off to 10 s), and re-queues the task it was running when the database went away (its outcome
was never recorded; tasks are idempotent).
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from core import tasklease

logger = logging.getLogger("django_tasks_db")


class OutlastingWorker(db_worker.Worker):
    def run(self):
        pause = 0.5
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                self.running_task = False
                logger.warning("Database unavailable (%s); retrying in %.1f s", error, pause)
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, 10)
                try:
                    released = tasklease.release_own(self.worker_id)
                except (OperationalError, InterfaceError):
                    continue
                pause = 0.5
                if released:
                    logger.warning("Re-queued %d task(s) interrupted by the outage", released)


class Command(db_worker.Command):
    help = "Run a database background worker (with a lease: orphaned tasks are re-queued)"

    def handle(self, *args, worker_id, **options):
        self.configure_logging(options["verbosity"])
        tasklease.beat(worker_id)
        requeued, failed = tasklease.recover_orphans()
        if requeued or failed:
            self.stdout.write(f"Orphaned tasks: {requeued} re-queued, {failed} failed.")
        keeper = tasklease.LeaseKeeper(worker_id)
        keeper.start()
        package_worker, db_worker.Worker = db_worker.Worker, OutlastingWorker
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            db_worker.Worker = package_worker
            keeper.stop()
            tasklease.forget(worker_id)
