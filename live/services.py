"""Live coverage workflows: posting an update and breaking one out into a full story."""

from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from articles import services as article_services
from articles.body import Block, place_blocks
from articles.models import Article, Byline
from articles.services import User
from core.slugs import free_slug

from .models import LiveUpdate

BREAKOUT_HEADLINE_WORDS = 14


def _with_embed(body, update):
    """The update's media embed as a block after the body's first paragraph."""
    if update.embed is None:
        return body
    embed = Block.from_attrs([("data-block", "media"), ("data-url", update.embed_url)])
    return place_blocks(body, [(1, embed)])


def _staff(user: User):
    return user if user is not None and user.is_authenticated else None


def updates_for_page(article: Article):
    """Published updates of a live story, pinned first, then newest first (one query).

    Memoised on the article: the page's JSON-LD and its updates list share the one query.
    """
    if not article.is_live:
        return []
    cached = getattr(article, "_live_updates", None)
    if cached is None:
        cached = list(LiveUpdate.objects.published().filter(article=article).for_page())
        article._live_updates = cached
    return cached


def newest_update_at(updates):
    return max((update.published_at for update in updates), default=None)


@transaction.atomic
def save_update(*, update: LiveUpdate, by: User) -> LiveUpdate:
    """Validate and save an update as an editor wrote it (the admin calls this)."""
    if update.pk is None:
        update.created_by = _staff(by)
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def break_out(*, update: LiveUpdate, by: User) -> Article:
    """A draft story made from a live update, linking back to the live coverage.

    The update remembers the draft and links to it once editors publish it. Breaking out the
    same update twice returns the first draft rather than making another.
    """
    update = LiveUpdate.objects.select_for_update().select_related("article").get(pk=update.pk)
    if update.broken_out_article_id is not None:
        return update.broken_out_article
    live_story = update.article
    headline = update.headline or Truncator(update.summary).words(BREAKOUT_HEADLINE_WORDS)
    link_back = format_html(
        '<p>This story grew out of our live coverage: <a href="{}">{}</a>.</p>',
        live_story.get_absolute_url(),
        live_story.headline,
    )
    article = Article(
        headline=headline,
        slug=free_slug(
            Article.objects.all(),
            headline,
            max_length=Article._meta.get_field("slug").max_length,
            fallback="update",
        ),
        body=_with_embed(f"{update.body or ''}{link_back}", update),
        section=live_story.section,
        lead_photo=update.photo,
        status=Article.Status.DRAFT,
    )
    article_services.save_story(article=article, by=by)
    if update.author_id:
        Byline.objects.create(article=article, author_id=update.author_id, position=0)
    update.broken_out_article = article
    update.modified_at = timezone.now()
    update.save(update_fields=["broken_out_article", "modified_at"])
    return article
