from django.urls import path

from . import views

app_name = "popularity"

# A neutral address: blockers drop requests to paths that look like trackers.
urlpatterns = [
    path("", views.read_beacon, name="read"),
]
