"""Reader URLs. Stories live at /story/<slug>/ rather than under their section, so moving a
story to another section never breaks a link that has already been shared."""

from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news-feed/", views.NewsFeedView.as_view(), name="news_feed"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("story/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    # taggit keeps non-Latin letters in tag slugs ("війна"), which <slug:> would not match.
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
]
