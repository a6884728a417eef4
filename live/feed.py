"""The site-wide News Feed: stories flagged `in_news_feed` and live updates, newest first.

Two queries whatever the length (one per source, each cut to what one page can show), merged
in Python. The page, the home and rail blocks and /news-feed.json all read `feed_entries()`.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.text import Truncator

from articles.models import Article

from .models import LiveUpdate

SUMMARY_WORDS = 40
# Older pages cost more rows (never more queries); past this, "More news" stops.
MAX_PAGES = 30


@dataclass(frozen=True)
class FeedEntry:
    key: str  # "story-12", "update-5": stable across polls, used as the DOM id
    publish_at: datetime
    headline: str
    url: str
    label: str
    label_url: str
    summary: str
    # Shown with the "Live" badge: a live update, or a story whose live coverage is running.
    is_live_now: bool = False


def _story_entries(*, limit, since=None):
    stories = Article.objects.news_feed().select_related("section").newest_first()
    if since is not None:
        stories = stories.filter(publish_at__gt=since)
    stories = stories.only("pk", "slug", "headline", "dek", "publish_at", "is_live",
                           "coverage_end_at", "section__name", "section__slug")  # fmt: skip
    return [
        FeedEntry(
            key=f"story-{story.pk}",
            publish_at=story.publish_at,
            headline=story.headline,
            url=story.get_absolute_url(),
            label=story.section.name,
            label_url=story.section.get_absolute_url(),
            summary=Truncator(story.dek).words(SUMMARY_WORDS),
            is_live_now=story.is_live_now,
        )
        for story in stories[:limit]
    ]


def _update_entries(*, limit, since=None):
    updates = (
        LiveUpdate.objects.published().select_related("article").order_by("-published_at", "-pk")
    )
    if since is not None:
        updates = updates.filter(published_at__gt=since)
    updates = updates.only("pk", "headline", "body", "published_at", "article__slug",
                           "article__headline")  # fmt: skip
    entries = []
    for update in updates[:limit]:
        summary = update.summary
        story_url = update.article.get_absolute_url()
        entries.append(
            FeedEntry(
                key=f"update-{update.pk}",
                publish_at=update.published_at,
                headline=update.headline or Truncator(summary).words(14),
                url=f"{story_url}#update-{update.pk}",
                # The badge says "Live"; the label names the story without repeating it.
                label=update.article.headline,
                label_url=story_url,
                summary=Truncator(summary).words(SUMMARY_WORDS) if update.headline else "",
                is_live_now=True,
            )
        )
    return entries


def feed_entries(*, limit, since=None):
    """The newest `limit` entries (published after `since`, if given)."""
    merged = _story_entries(limit=limit, since=since) + _update_entries(limit=limit, since=since)
    merged.sort(key=lambda entry: entry.publish_at, reverse=True)
    return merged[:limit]


@dataclass(frozen=True)
class FeedPage:
    """What the News Feed page's template reads of Django's Page (number, next page)."""

    number: int
    entries: list
    has_next: bool

    def next_page_number(self):
        return self.number + 1


def feed_page(number: int, *, per_page: int) -> FeedPage:
    number = max(1, min(number, MAX_PAGES))
    entries = feed_entries(limit=number * per_page + 1)
    start = (number - 1) * per_page
    return FeedPage(
        number=number,
        entries=entries[start : start + per_page],
        has_next=len(entries) > start + per_page and number < MAX_PAGES,
    )
