from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from django.db.models import Q

        import pagecache
        from editorial import roles

        from . import policy
        from .models import Comment

        # Editors moderate (editorial.roles, editorial.policy).
        roles.grant(roles.EDITOR, roles.crud("comments", "comment", ("change", "delete", "view")))
        policy.register()

        # Only approved comments are on story pages: a flood of pending ones (or a rejection
        # of one) leaves the cache alone; approving or removing one retires it.
        pagecache.shown_on_pages(Comment, public=Q(status=Comment.Status.APPROVED))
