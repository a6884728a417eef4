from django.core.management.base import BaseCommand

from pagecache.state import bump_generation


class Command(BaseCommand):
    help = (
        "Retire every cached page, block and piece of data in the shared cache "
        "(CACHE_URL=redis://...) at once, on every app server. Run it after a deploy that "
        "changes templates or "
        "models, or after editing the database by hand, which no signal reports. (A "
        "per-process local-memory cache is out of its reach: PAGE_CACHE_STALE_SECONDS "
        "bounds those copies.)"
    )

    def handle(self, *args, **options):
        bump_generation()
        self.stdout.write("Cached pages retired.")
