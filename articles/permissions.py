"""Who may do what to which story. The admin asks these; articles.services enforces them.

Model permissions (editorial/roles.py) say what a role may do at all; these add the per-story
rule: without `change_any_article` a user edits only their own stories, and only while they
are drafts or in review. "Own" means filed by them or bylined to the Author linked to them.
"""

from django.db.models import Exists, OuterRef, Q

from .models import PUBLIC_STATUSES, Article, Author, Byline

EDITABLE_BY_REPORTER = frozenset({Article.Status.DRAFT, Article.Status.IN_REVIEW})


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


def own_or_released_filter(user) -> Q:
    """The user's own stories and every released one (published or scheduled): what a
    reporter may see in the admin, e.g. to pick as a card."""
    return own_filter(user) | Q(status__in=PUBLIC_STATUSES)


def is_own(user, article: Article) -> bool:
    if article.pk is None or article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def can_view(user, article: Article) -> bool:
    """May `user` see this story in the admin (and learn its headline anywhere there)?"""
    if can_edit_any(user):
        return True
    if article.status in PUBLIC_STATUSES:
        return True
    return user.is_authenticated and is_own(user, article)


def visible_stories(user):
    """The stories `user` may see, for every choice of a story in the admin (card targets,
    newsletter stories, live updates, comments): a headline they may not read never shows
    up as a choice, nor in the error a forged choice gets."""
    if can_edit_any(user):
        return Article.objects.all()
    if user.has_perm("articles.view_article") or user.has_perm("articles.change_article"):
        return Article.objects.filter(own_or_released_filter(user))
    # Everyone else (the audience desk choosing stories for a newsletter): what readers see.
    return Article.objects.published()


PHOTO_IN_PUBLIC_USE_MESSAGE = (
    "This photo is on the site now ({use}). Only editors, who may change published stories, "
    "can change or delete it; upload a new photo and pick that one instead."
)


def photo_in_public_use(user, photo) -> str | None:
    """A photo rule (photos.rules): a photo that readers see, as the lead photo of a
    scheduled or published story, an author's portrait or a photo or card image in a public
    story's body (a block with data-photo), changes only with the rights to change public
    stories."""
    if user.has_perm("articles.change_article") and can_edit_any(user):
        return None
    if Article.objects.released().filter(lead_photo=photo).exists():
        use = "the lead photo of a published or scheduled story"
    elif Author.objects.filter(photo=photo).exists():
        use = "an author's portrait"
    elif Article.objects.released().filter(body__contains=f'data-photo="{photo.pk}"').exists():
        use = "a photo or card image in the body of a published or scheduled story"
    else:
        return None
    return PHOTO_IN_PUBLIC_USE_MESSAGE.format(use=use)


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
        allowed += PUBLIC_STATUSES
    if can_withdraw(user) or current == Article.Status.WITHDRAWN:
        allowed.append(Article.Status.WITHDRAWN)
    if current and current not in allowed:
        allowed.append(current)
    return allowed
