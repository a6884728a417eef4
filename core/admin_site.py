"""The admin site: Django's, with "view on site" answering only for objects the user may see.

Django's `admin/r/<content type>/<id>/` redirects any staff user to any object's public
address without asking the model admin, and an address can tell what it should not: a
draft's slug is its headline, a preview link's address is the credential to read a draft.
Here the object's own ModelAdmin decides first, through its queryset and its view
permission on that object, like every other admin page.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path


class NewsroomAdminSite(admin.AdminSite):
    def get_urls(self):
        urls = [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site_view),
                name="view_on_site",
            ),
            *urls,
        ]

    def view_on_site_view(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404("No such kind of object.") from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise PermissionDenied
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return shortcut(request, content_type_id, object_id)
