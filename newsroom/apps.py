from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The project package as an app, so its system checks are registered at start-up."""

    name = "newsroom"

    def ready(self):
        from newsroom import checks  # noqa: F401  (registers the checks)
