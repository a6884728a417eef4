"""What is public: a story's statuses, the pair readers may see, and the queryset methods
every public page reads through (`Article.objects.published()`)."""

from django.db import models
from django.db.models import F, Prefetch
from django.utils import timezone


class StoryStatus(models.TextChoices):
    """Where a story stands (`Article.Status`)."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The one definition of "released by an editor": a story in either status is on the site once
# its `publish_at` has come, and waits for it until then (no worker flips the status). Which
# of the two it carries is bookkeeping (articles.services settles it from the time); every
# rule about what readers see goes through this pair, mostly by the queryset methods below.
# Ordered as the database constraint article_public_has_publish_at lists them.
PUBLIC_STATUSES = (StoryStatus.SCHEDULED, StoryStatus.PUBLISHED)


def card_bylines(byline_model, queryset=None):
    """Stories' bylines in order, as the list `story.card_bylines` that `ordered_bylines`
    reads: a plain list costs a listing a fraction of a prefetched manager per story."""
    if queryset is None:
        queryset = byline_model.objects.select_related("author").order_by("position", "pk")
    return Prefetch("bylines", queryset=queryset, to_attr="card_bylines")


class ArticleQuerySet(models.QuerySet):
    def released(self):
        """Published or scheduled, whether or not the time has come: stories an editor has
        put out under the outlet's name (rules about who may still change them use this)."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def published(self, *, at=None):
        """Stories readers may see: published or scheduled, and their time has come.

        This is the one filter for everything public (views, feeds, sitemaps, search,
        newsletters, template tags). A scheduled story needs no worker to appear: it
        matches as soon as `publish_at` passes.
        """
        return self.released().filter(publish_at__lte=at or timezone.now())

    def scheduled(self, *, at=None):
        """Released stories whose time has not come yet: what `published()` will add."""
        return self.released().filter(publish_at__gt=at or timezone.now())

    def news_feed(self):
        return self.published().filter(in_news_feed=True)

    def with_card_data(self):
        """Everything a story card or story page shows, in a fixed number of queries."""
        return self.select_related("section", "lead_photo").prefetch_related(
            card_bylines(self.model.bylines.rel.related_model)
        )

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def featured(self):
        """Featured stories in the editors' order: numbered ones first, then newest first."""
        return self.filter(is_featured=True).order_by(
            F("featured_position").asc(nulls_last=True), "-publish_at", "-pk"
        )

    def editors_picks(self):
        """Editors' picks in the editors' order: numbered ones first, then newest first."""
        return self.filter(is_editors_pick=True).order_by(
            F("editors_pick_position").asc(nulls_last=True), "-publish_at", "-pk"
        )
