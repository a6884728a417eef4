"""The project's URLs plus a page that hands out a CSRF token, for the page-cache tests."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path


def csrf_page(request):
    return HttpResponse(f'<form><input name="csrfmiddlewaretoken" value="{get_token(request)}">')


urlpatterns = [
    path("csrf-page/", csrf_page, name="csrf-page"),
    path("", include("newsroom.urls")),
]
