from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True  # "core" in INSTALLED_APPS; AdminConfig below is named in full
    name = "core"
    verbose_name = "Security"

    def ready(self):
        from . import checks, signals  # noqa: F401  (checks registers the deploy checks)

        signals.connect()


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with core/admin_site.py's site as admin.site: "view on site"
    asks the object's own admin first. First in INSTALLED_APPS, as django.contrib.admin."""

    default = False
    default_site = "core.admin_site.NewsroomAdminSite"
