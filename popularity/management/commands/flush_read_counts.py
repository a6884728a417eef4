from django.core.management.base import BaseCommand

from popularity.services import flush_read_counts


class Command(BaseCommand):
    help = (
        "Move story reads buffered in the cache into the daily counts (run it from cron, or "
        "before a deploy that clears the cache). Counts only what this process's cache "
        "holds: with the local-memory cache, the web processes flush their own buffers."
    )

    def handle(self, *args, **options):
        reads = flush_read_counts()
        self.stdout.write(f"Flushed {reads} read{'s' if reads != 1 else ''}.")
