"""Live coverage on the story page.

{% load live_tags %}
{% live_coverage article %}        the updates section (nothing unless the story is live)
{% live_blog_json_ld article %}    LiveBlogPosting structured data with liveBlogUpdate items
{{ update.published_at|update_time }}   "4:16 PM" today, "Dec 26, 4:16 PM" before
{% feed_poll_seconds %}            seconds between News Feed polls (NEWS_FEED_POLL_SECONDS)
"""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator

from articles.templatetags.newsroom_tags import article_json_data, json_ld, photo_image_url
from live.services import newest_update_at, updates_for_page

register = template.Library()

JSON_LD_UPDATES = 50


@register.filter
def update_time(value):
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return format_date(local, "g:i A")
    return format_date(local, "M j, g:i A")


@register.simple_tag
def feed_poll_seconds():
    return settings.NEWS_FEED_POLL_SECONDS


@register.inclusion_tag("live/coverage.html")
def live_coverage(article):
    updates = updates_for_page(article)
    newest = newest_update_at(updates)
    return {
        "article": article,
        "is_live": article.is_live,
        "is_live_now": article.is_live_now,
        "pinned": [update for update in updates if update.is_pinned],
        "updates": [update for update in updates if not update.is_pinned],
        "newest_at": newest or article.publish_at,
        "poll_seconds": settings.LIVE_POLL_SECONDS,
    }


def last_modified(article, updates):
    """The story's own last change or its newest update, whichever is later (None for a
    draft with neither, seen only in a preview)."""
    changed = article.updated_at if article.was_updated else article.publish_at
    newest = newest_update_at(updates)
    return max((moment for moment in (changed, newest) if moment is not None), default=None)


@register.simple_tag
def modified_at(article):
    """When the page last changed, for `article:modified_time`: a live story's newest update
    counts (as in its JSON-LD); None for a story never changed after publication."""
    if article.is_live:
        return last_modified(article, updates_for_page(article))
    return article.updated_at if article.was_updated else None


def _update_extras(update):
    extras = {}
    if update.author:
        kind = "Organization" if update.author.kind == update.author.Kind.DESK else "Person"
        extras["author"] = {"@type": kind, "name": update.author.name}
    image = photo_image_url(update.photo)
    if image:
        extras["image"] = image
    return extras


@register.simple_tag
def live_blog_json_ld(article):
    """NewsArticle data as a LiveBlogPosting: coverage times and the newest updates."""
    updates = updates_for_page(article)
    data = article_json_data(article)
    data["@type"] = "LiveBlogPosting"
    for key, moment in (
        ("dateModified", last_modified(article, updates)),
        ("coverageStartTime", article.coverage_started_at),
        ("coverageEndTime", article.coverage_end_at),
    ):
        if moment is not None:
            data[key] = timezone.localtime(moment).isoformat()
    url = data["url"]
    newest_first = sorted(updates, key=lambda update: update.published_at, reverse=True)
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": update.headline or Truncator(update.summary).words(14),
            "datePublished": timezone.localtime(update.published_at).isoformat(),
            "url": f"{url}#update-{update.pk}",
            "articleBody": update.summary,
            **_update_extras(update),
        }
        for update in newest_first[:JSON_LD_UPDATES]
    ]
    return json_ld(data)
