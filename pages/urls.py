"""Static pages at the site root (/about/, /jobs/). Included last in newsroom/urls.py, like
flatpages: every other address wins, and validate_page_slug refuses slugs they already use."""

from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("<slug:slug>/", views.PageView.as_view(), name="page"),
]
