from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class NewsroomConfig(AppConfig):
    """The project package as an app, so its system checks are registered at start-up."""

    name = "newsroom"

    def ready(self):
        from newsroom import checks  # noqa: F401  (registers the checks)


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin with the newsroom's site (newsroom/admin_site.py) as admin.site."""

    default_site = "newsroom.admin_site.NewsroomAdminSite"
