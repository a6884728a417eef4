"""The News Feed as the reader pages of this app read it, built by the app that owns it.

The feed merges stories with live updates, so it lives in `live`, a layer above this app;
`live` registers it here in its ready(), as apps tell pagecache which models show on pages:

    from articles.news_feed import register_news_feed
    register_news_feed(entries=feed.feed_entries, page=feed.feed_page)

The home page, the story rail and the News Feed page call `feed_entries(limit=...)` and
`feed_page(number, per_page=...)` below, which hand the call to what was registered.
"""

from django.core.exceptions import ImproperlyConfigured

_registered = {}


def register_news_feed(*, entries, page):
    """`entries(limit=, since=None)` → newest entries; `page(number, per_page=)` → one page."""
    _registered.update(entries=entries, page=page)


def _provider(name):
    try:
        return _registered[name]
    except KeyError:
        raise ImproperlyConfigured(
            "No News Feed is registered: the `live` app registers it in its ready(); "
            "is 'live' in INSTALLED_APPS?"
        ) from None


def feed_entries(*, limit, since=None):
    return _provider("entries")(limit=limit, since=since)


def feed_page(number, *, per_page):
    return _provider("page")(number, per_page=per_page)
