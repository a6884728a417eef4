from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from django.db.models import Q

        import pagecache

        from .models import Comment

        # Only approved comments are on story pages: a flood of pending ones (or a rejection
        # of one) leaves the cache alone; approving or removing one retires it.
        pagecache.shown_on_pages(Comment, public=Q(status=Comment.Status.APPROVED))
