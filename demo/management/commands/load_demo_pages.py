from django.core.management.base import BaseCommand

from demo.pages import DEMO_PAGES, load_demo_pages


class Command(BaseCommand):
    help = (
        "Create the demo static pages (About, Team, Jobs, Editorial standards, Contact) and a "
        "support appeal. Safe to run again: existing rows, and admin edits to them, are kept."
    )

    def handle(self, *args, **options):
        pages_created, appeal_created = load_demo_pages()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo pages: {len(DEMO_PAGES)} pages ({pages_created} new), "
                f"support appeal ({'new' if appeal_created else 'kept'})."
            )
        )
