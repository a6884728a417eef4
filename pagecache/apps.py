from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

# Rows that hang off a story through an `article` foreign key: a change counts when that
# story is public. Another app adds its own here (live updates, approved comments...).
STORY_PARTS = ["articles.Byline", "articles.RelatedEmbed"]
# Rows shown across the whole site (navigation, signup boxes, menus): any change retires
# every cached page.
SITE_WIDE = ["articles.Section", "newsletters.Newsletter", "pages.Page", "pages.SupportAppeal"]
# Rows shown only where a story refers to them (that byline or tag retires pages itself):
# creating one changes no page; editing or deleting one does.
SHOWN_WHEN_USED = ["articles.Author", "taggit.Tag"]


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from articles.models import Article, Photo

        from . import signals

        def connect(signal, receiver, model):
            signal.connect(
                receiver,
                sender=model,
                dispatch_uid=f"pagecache.{receiver.__name__}.{model._meta.label_lower}",
            )

        connect(pre_save, signals.remember_story_was_public, Article)
        connect(post_save, signals.story_changed, Article)
        connect(post_delete, signals.story_deleted, Article)
        connect(m2m_changed, signals.story_tags_changed, Article.tags.through)
        # Before a photo is deleted: afterwards nothing points to it any more.
        for signal in (post_save, pre_delete):
            connect(signal, signals.photo_changed, Photo)
        for signal in (post_save, post_delete):
            connect(signal, signals.tagged_item_changed, Article.tags.through)
            for label in STORY_PARTS:
                connect(signal, signals.story_part_changed, apps.get_model(label))
            for label in SITE_WIDE:
                if apps.is_installed(label.split(".")[0]):
                    connect(signal, signals.site_wide_change, apps.get_model(label))
            for label in SHOWN_WHEN_USED:
                connect(signal, signals.used_row_changed, apps.get_model(label))
