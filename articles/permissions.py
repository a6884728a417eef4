"""Who may do what to which story. The admin asks these; articles.services enforces them.

Model permissions (articles/roles.py) say what a role may do at all; these add the per-story
rule: without `change_any_article` a user edits only their own stories, and only while they
are drafts or in review. "Own" means filed by them or bylined to the Author linked to them.
"""

from django.db.models import Exists, OuterRef, Q

from .models import Article, Byline

EDITABLE_BY_REPORTER = frozenset({Article.Status.DRAFT, Article.Status.IN_REVIEW})
PUBLIC = frozenset({Article.Status.PUBLISHED, Article.Status.SCHEDULED})


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


def can_withdraw(user) -> bool:
    return user.has_perm("articles.withdraw_article")


def can_edit_any(user) -> bool:
    return user.has_perm("articles.change_any_article")


def can_preview(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("articles.preview_article")


def own_filter(user) -> Q:
    """Stories that are the user's: a Q for querysets (one EXISTS, no duplicate rows)."""
    bylined = Byline.objects.filter(article=OuterRef("pk"), author__user=user)
    return Q(created_by=user) | Q(Exists(bylined))


def is_own(user, article: Article) -> bool:
    if article.pk is None or article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def can_edit(user, article: Article, *, status=None) -> bool:
    """May `user` change this story (as it stands in the database: pass the stored status)?"""
    if not user.has_perm("articles.change_article" if article.pk else "articles.add_article"):
        return False
    if can_edit_any(user):
        return True
    status = status or article.status
    return status in EDITABLE_BY_REPORTER and is_own(user, article)


def allowed_statuses(user, current: str | None = None) -> list[str]:
    """The statuses the user may pick on the story form (the current one always shows)."""
    allowed = [Article.Status.DRAFT, Article.Status.IN_REVIEW]
    if can_publish(user):
        allowed += [Article.Status.SCHEDULED, Article.Status.PUBLISHED]
    if can_withdraw(user) or current == Article.Status.WITHDRAWN:
        allowed.append(Article.Status.WITHDRAWN)
    if current and current not in allowed:
        allowed.append(current)
    return allowed
