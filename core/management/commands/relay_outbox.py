"""`manage.py relay_outbox`: enqueue the tasks left in the outbox while the queue was down.

Task workers do this by themselves every OUTBOX_RELAY_SECONDS (core/outbox.py); this is for
an operator, or cron on a deployment without a worker running."""

from django.core.management.base import BaseCommand, CommandError

from core import outbox
from core.models import OutboxTask


class Command(BaseCommand):
    help = "Enqueue tasks committed while the task queue was unreachable (the outbox)."

    def handle(self, *args, **options):
        relayed = 0
        while batch := outbox.relay():
            relayed += batch
        left = OutboxTask.objects.count()
        self.stdout.write(f"Enqueued {relayed} task(s); {left} left in the outbox.")
        if left:
            latest = OutboxTask.objects.exclude(last_error="").order_by("-pk").first()
            reason = latest.last_error if latest else "the queue is still unreachable"
            raise CommandError(f"Could not enqueue the rest: {reason}")
