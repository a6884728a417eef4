from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin with the newsroom's site (newsroom/admin_site.py) as admin.site."""

    default_site = "newsroom.admin_site.NewsroomAdminSite"
