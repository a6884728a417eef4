from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the invented demo outlet: sections, authors, photos, sixty stories, news-feed "
        "briefs, cards and embeds in the bodies, newsletters and subscribers, then the static "
        "pages "
        "(load_demo_pages) and a live story with comments and reads (load_demo_reach). Safe to "
        "run again: rows that exist are kept as they are, so a second run changes nothing."
    )

    def handle(self, *args, **options):
        report = load_demo(log=lambda line: self.stdout.write(line))
        self.stdout.write(self.style.SUCCESS(report.summary()))
        call_command("load_demo_pages", stdout=self.stdout)
        call_command("load_demo_reach", stdout=self.stdout)
