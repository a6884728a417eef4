"""The periodic flush of buffered read counts, run by `manage.py db_worker` (django-tasks)."""

from django.core.cache import cache
from django_tasks import task

from . import services


@task()
def flush_read_counts_task() -> int:
    """Flush, then let the next beacon schedule the next run (no beacons, nothing to do)."""
    cache.delete(services.FLUSH_SCHEDULED_KEY)
    return services.flush_read_counts()
