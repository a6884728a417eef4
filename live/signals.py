"""Cache invalidation only (connected in LiveConfig.ready())."""


def update_changed(sender, instance, raw=False, **kwargs):
    """A posted, edited or deleted update changes its story page and the News Feed."""
    if raw:
        return
    from articles.models import Article
    from pagecache import invalidate_pages

    if Article.objects.published().filter(pk=instance.article_id).exists():
        invalidate_pages()
