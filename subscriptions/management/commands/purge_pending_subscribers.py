from django.conf import settings
from django.core.management.base import BaseCommand

from subscriptions.erasure import pending_purge_queryset, purge_pending_subscribers
from subscriptions.import_files import remove_stale_uploads


class Command(BaseCommand):
    help = (
        "Delete signups never confirmed within PENDING_SUBSCRIBER_PURGE_DAYS (default 30), and "
        "abandoned CSV uploads. Run it daily (cron), or queue purge_pending_subscribers_task."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override the setting.")
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *args, **options):
        days = options["days"]
        if days is None:
            days = settings.PENDING_SUBSCRIBER_PURGE_DAYS
        if options["dry_run"]:
            count = pending_purge_queryset(older_than_days=days).count()
            self.stdout.write(f"{count:,} never-confirmed signups older than {days} days.")
            return
        deleted = purge_pending_subscribers(older_than_days=days)
        uploads = remove_stale_uploads()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {deleted:,} never-confirmed signups older than {days} days"
                f" and {uploads} abandoned CSV upload(s)."
            )
        )
