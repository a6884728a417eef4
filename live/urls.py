from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("news-feed.json", views.news_feed_json, name="news_feed_json"),
    path("story/<slug:slug>/updates.json", views.live_updates_json, name="updates_json"),
]
