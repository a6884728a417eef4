"""Reader URLs. Stories live at /story/<slug>/ rather than under their section, so moving a
story to another section never breaks a link that has already been shared."""

from django.urls import path

from . import feeds, search, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news-feed/", views.NewsFeedView.as_view(), name="news_feed"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("story/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    # taggit keeps non-Latin letters in tag slugs ("війна"), which <slug:> would not match.
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("story/<slug:slug>/transcript/", views.TranscriptView.as_view(), name="transcript"),
    # RSS 2.0 and Atom feeds: the site, each section, author and tag.
    path("feed/", feeds.StoryFeed(), name="feed"),
    path("feed/atom/", feeds.StoryAtomFeed(), name="feed_atom"),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("section/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("author/<slug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("author/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
]
