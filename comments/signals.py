"""Cache invalidation only (connected in CommentsConfig.ready())."""

from .models import Comment


def comment_changed(sender, instance, raw=False, **kwargs):
    # A pending comment is on no page: a flood of new ones must not empty the page cache.
    if raw or instance.status == Comment.Status.PENDING:
        return
    from pagecache import invalidate_pages

    invalidate_pages()
