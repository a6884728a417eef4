from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        import pagecache

        from .models import Newsletter

        # Signup boxes on every page offer newsletters (by section: its sections count too),
        # and the newsletter pages list them.
        pagecache.shown_on_pages(Newsletter)
