from django.core.management.base import BaseCommand, CommandError

from newsletters.models import Newsletter
from subscriptions.exporting import export_active_subscribers


class Command(BaseCommand):
    help = "Write a newsletter's active subscribers as CSV (to stdout, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--newsletter", required=True, help="The newsletter's slug.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        newsletter = Newsletter.objects.filter(slug=options["newsletter"]).first()
        if newsletter is None:
            raise CommandError(f"No newsletter {options['newsletter']!r}.")
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = self._write(newsletter, out.write)
            self.stderr.write(f"Wrote {count:,} subscribers to {options['output']}")
        else:
            self._write(newsletter, lambda line: self.stdout.write(line, ending=""))

    def _write(self, newsletter, write):
        lines = export_active_subscribers(newsletter)
        write(next(lines))
        count = 0
        for line in lines:
            write(line)
            count += 1
        return count
