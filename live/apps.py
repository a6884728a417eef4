from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live coverage"

    def ready(self):
        import pagecache
        from articles.caching import public_story
        from articles.news_feed import register_news_feed
        from editorial import roles

        from . import feed, policy
        from .models import LiveUpdate

        # Editors post and change updates; the policy says where (editorial.policy).
        roles.grant(roles.EDITOR, roles.crud("live", "liveupdate"))
        policy.register()

        # The home page, the story rail and the News Feed page (articles) read the feed here.
        register_news_feed(entries=feed.feed_entries, page=feed.feed_page)

        # An update shows on its story page and in the News Feed while its story is public.
        pagecache.shown_on_pages(LiveUpdate, public=public_story("article__"))
