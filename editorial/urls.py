"""Reader-facing addresses of the desk: a shared preview of an unpublished story."""

from django.urls import path

from . import preview

app_name = "editorial"

urlpatterns = [
    # Never cached, noindex (editorial.preview).
    path("preview/<str:signed>/", preview.preview_link_view, name="preview_link"),
]
