"""Receivers that retire cached pages when something readers see changes (after commit).

Connected in PageCacheConfig.ready(). Edits that readers cannot see (a draft, a photo no
public page shows yet) keep the cache warm: a newsroom saves drafts all day, and each retired
generation makes every page render once more.
"""

from .state import caching_enabled, invalidate_pages

PUBLIC_STATUSES = ("published", "scheduled")


def _is_public(article_id):
    from articles.models import Article

    return (
        article_id is not None
        and Article.objects.filter(pk=article_id, status__in=PUBLIC_STATUSES).exists()
    )


def remember_story_was_public(sender, instance, raw=False, **kwargs):
    """Before a story is saved: could readers see it (a withdrawal must retire its pages)?"""
    if caching_enabled() and not raw:
        instance._pagecache_was_public = instance.pk is not None and _is_public(instance.pk)


def story_changed(sender, instance, raw=False, **kwargs):
    if not caching_enabled() or raw:
        return
    if instance.status in PUBLIC_STATUSES or getattr(instance, "_pagecache_was_public", False):
        invalidate_pages()


def story_deleted(sender, instance, **kwargs):
    if caching_enabled() and instance.status in PUBLIC_STATUSES:
        invalidate_pages()


def story_part_changed(sender, instance, raw=False, **kwargs):
    """A byline, embed or other row hanging off a story: only a public story's count."""
    if caching_enabled() and not raw and _is_public(instance.article_id):
        invalidate_pages()


def story_tags_changed(sender, instance, action, **kwargs):
    from articles.models import Article

    if (
        caching_enabled()
        and action in ("post_add", "post_remove", "post_clear")
        and isinstance(instance, Article)
        and _is_public(instance.pk)
    ):
        invalidate_pages()


def tagged_item_changed(sender, instance, raw=False, **kwargs):
    """A tag put on or taken off a story outside the tag manager (an admin inline)."""
    from django.contrib.contenttypes.models import ContentType

    from articles.models import Article

    if not caching_enabled() or raw:
        return
    if instance.content_type_id == ContentType.objects.get_for_model(Article).pk and _is_public(
        instance.object_id
    ):
        invalidate_pages()


def photo_changed(sender, instance, created=False, raw=False, **kwargs):
    """A photo edited or deleted while a story, an author or an embed shows it."""
    from articles.models import Article, Author, RelatedEmbed

    if not caching_enabled() or raw or created:
        return
    if (
        Article.objects.filter(lead_photo=instance, status__in=PUBLIC_STATUSES).exists()
        or Author.objects.filter(photo=instance).exists()
        or RelatedEmbed.objects.filter(image=instance).exists()
    ):
        invalidate_pages()


def site_wide_change(sender, raw=False, **kwargs):
    """Sections, newsletters, static pages: shown across the site."""
    if caching_enabled() and not raw:
        invalidate_pages()


def used_row_changed(sender, created=False, raw=False, **kwargs):
    """An author or a tag edited or deleted (a new one is on no page until a story uses it)."""
    if caching_enabled() and not raw and not created:
        invalidate_pages()
