"""`manage.py db_worker`: django-tasks-db's worker with a lease (core.tasklease).

The same command and options as the package's (core is listed before it in INSTALLED_APPS,
so this one answers to the name); before claiming anything the worker records a heartbeat
and re-queues tasks orphaned by killed workers, and a thread renews the heartbeat and sweeps
again while it runs.
"""

from django_tasks_db.management.commands import db_worker

from core import tasklease


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
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            keeper.stop()
            tasklease.forget(worker_id)
