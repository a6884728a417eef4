"""Background work for sending issues, run by `manage.py db_worker` (django-tasks).

The tasks are thin: the logic is in `newsletters.services` (when) and `newsletters.sending`
(how), where tests call it directly.
"""

from django_tasks import task

from . import sending, services


@task()
def watch_issue(issue_id: int, token: str) -> str:
    """One link of an issue's watch chain: start it on time, resume it after a crash."""
    return services.watch(issue_id, token)


@task()
def rewatch_stalled_sends_task(token: str) -> list[int]:
    """The periodic sweep: restart lost watch chains, then queue the next sweep."""
    rewatched = services.rewatch_stalled_sends()
    services.schedule_sweep(replacing=token)
    return rewatched


@task()
def deliver_issue(issue_id: int) -> dict:
    """A pump: send batches of the issue until nothing is ready, then close it if done."""
    totals = sending.run_pump(issue_id)
    return {"sent": totals.sent, "failed": totals.failed, "skipped": totals.skipped}
