import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from subscriptions.importing import ColumnMapping, ImportFileError, import_subscribers
from subscriptions.models import Newsletter


class ProgressBar:
    """A one-line progress bar on stderr (redrawn at most ten times a second)."""

    def __init__(self, stream, width=30):
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.last_draw = 0.0

    def __call__(self, rows, fraction):
        now = time.monotonic()
        if fraction != 1.0 and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        elapsed = now - self.started
        rate = rows / elapsed if elapsed else 0
        if fraction is None:
            bar = f"{rows:,} rows"
        else:
            filled = int(self.width * fraction)
            bar = f"[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} {rows:,} rows"
        self.stream.write(f"\r{bar}  {rate:,.0f} rows/s  ")
        self.stream.flush()

    def close(self):
        self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Import subscribers from a CSV file into one newsletter. Rows with a consent date "
        "arrive active, others pending (send them confirmations from the admin). Never "
        "reactivates anyone who unsubscribed, bounced, complained or was erased."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--newsletter", required=True, help="The newsletter's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument("--email-column", default="", help="Header of the email column.")
        parser.add_argument("--name-column", default="", help="Header of the first-name column.")
        parser.add_argument("--consent-column", default="", help="Header of the consent date.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        newsletter = Newsletter.objects.filter(slug=options["newsletter"]).first()
        if newsletter is None:
            slugs = ", ".join(Newsletter.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No newsletter {options['newsletter']!r} (known: {slugs}).")
        mapping = None
        if options["email_column"]:
            mapping = ColumnMapping(
                email=options["email_column"],
                first_name=options["name_column"],
                consent_date=options["consent_column"],
            )
        show_progress = not options["no_progress"] and options["verbosity"] > 0
        progress = ProgressBar(sys.stderr) if show_progress else None
        try:
            report = import_subscribers(
                rows_or_file=path,
                newsletter=newsletter,
                dry_run=options["dry_run"],
                progress=progress,
                mapping=mapping,
                source_name=path.name,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        finally:
            if progress:
                progress.close()

        for problem in report.problems:
            self.stdout.write(f"line {problem.line}: {problem.reason}: {problem.value!r}")
        if report.problems_not_listed:
            self.stdout.write(f"... and {report.problems_not_listed:,} more invalid rows")
        for note in report.notes:
            self.stdout.write(
                f"line {note.line}: imported as pending: {note.reason}: {note.value!r}"
            )
        if report.notes_not_listed:
            self.stdout.write(f"... and {report.notes_not_listed:,} more rows imported as pending")
        for reason, count in report.skip_reasons.most_common():
            self.stdout.write(f"skipped {count:,}: {reason}")
        prefix = "DRY RUN, nothing saved. " if report.dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}added {report.added:,} / updated {report.updated:,} / "
                f"skipped {report.skipped:,} / invalid {report.invalid:,} "
                f"({report.rows:,} rows; new: {report.active:,} active, "
                f"{report.pending:,} pending)"
            )
        )
