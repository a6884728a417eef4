from django.core.management.base import BaseCommand, CommandError

from subscriptions.exporting import EXPORT_CHOICES, ExportStatus, export_subscribers
from subscriptions.models import Newsletter


class Command(BaseCommand):
    help = (
        "Write a newsletter's subscribers as CSV (to stdout, or --output FILE): those who "
        "would receive the next issue, or those in --status (all: everyone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--newsletter", required=True, help="The newsletter's slug.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--status",
            default=ExportStatus.ACTIVE,
            choices=[value for value, _ in EXPORT_CHOICES],
            help="Whose rows to write (default: active).",
        )

    def handle(self, *args, **options):
        newsletter = Newsletter.objects.filter(slug=options["newsletter"]).first()
        if newsletter is None:
            raise CommandError(f"No newsletter {options['newsletter']!r}.")
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = self._write(newsletter, options["status"], out.write)
            self.stderr.write(f"Wrote {count:,} subscribers to {options['output']}")
        else:
            self._write(
                newsletter, options["status"], lambda line: self.stdout.write(line, ending="")
            )

    def _write(self, newsletter, status, write):
        lines = export_subscribers(newsletter, status=status)
        write(next(lines))
        count = 0
        for line in lines:
            write(line)
            count += 1
        return count
