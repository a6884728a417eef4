"""JSON for pages that update themselves: the News Feed and each live story.

Both answers are the same for every reader asking with the same `since`, so shared caches
may keep them for a few seconds (Cache-Control max-age); each costs two queries at most.
Pages poll with the time of the newest item they show, so readers of one cached page ask
the same URLs. A small overlap (`since` minus a few seconds) catches rows committed a moment
after a poll was answered; the script drops what it already shows.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateformat import format as format_date
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from articles.models import Article
from articles.templatetags.newsroom_tags import feed_time

from .feed import feed_entries
from .models import LiveUpdate

JSON_MAX_AGE = 5
POLL_OVERLAP = timedelta(seconds=30)
FEED_JSON_ITEMS = 20
LIVE_JSON_ITEMS = 50


def _since(request):
    """The `since` parameter as an aware datetime, or None when absent or unreadable."""
    value = request.GET.get("since", "")[:40].replace(" ", "+")
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment - POLL_OVERLAP


def _cached_json(data):
    response = JsonResponse(data)
    patch_cache_control(response, public=True, max_age=JSON_MAX_AGE)
    return response


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def _day_heading(moment):
    """The News Feed page's heading for the day of `moment`, as the template writes it."""
    day = timezone.localdate(moment)
    prefix = {0: "Today, ", 1: "Yesterday, "}.get((timezone.localdate() - day).days, "")
    return prefix + format_date(day, "l, F j")


@require_GET
def news_feed_json(request):
    """New News Feed entries: `/news-feed.json?since=2026-11-25T14:16:00+02:00`."""
    entries = feed_entries(limit=FEED_JSON_ITEMS, since=_since(request))
    return _cached_json(
        {
            "items": [
                {
                    "key": entry.key,
                    "time": _iso(entry.publish_at),
                    "time_label": feed_time(entry.publish_at),
                    "clock": format_date(timezone.localtime(entry.publish_at), "g:i A"),
                    "day": timezone.localdate(entry.publish_at).isoformat(),
                    "day_heading": _day_heading(entry.publish_at),
                    "headline": entry.headline,
                    "url": entry.url,
                    "label": entry.label,
                    "label_url": entry.label_url,
                    "summary": entry.summary,
                    "live": entry.is_live_now,
                }
                for entry in entries
            ],
            "poll_seconds": settings.NEWS_FEED_POLL_SECONDS,
        }
    )


@require_GET
def live_updates_json(request, slug):
    """Updates of one live story posted or edited since `since`, as rendered HTML."""
    article = get_object_or_404(
        Article.objects.published()
        .filter(is_live=True)
        .only("pk", "slug", "status", "publish_at", "is_live", "coverage_end_at"),
        slug=slug,
    )
    updates = LiveUpdate.objects.published().filter(article=article).for_page()
    since = _since(request)
    if since is not None:
        # Edited ones too (corrections), and scheduled ones whose time has just come.
        updates = updates.filter(Q(published_at__gt=since) | Q(modified_at__gt=since))
    updates = sorted(updates[:LIVE_JSON_ITEMS], key=lambda update: update.published_at)
    return _cached_json(
        {
            "updates": [
                {
                    "key": f"update-{update.pk}",
                    "time": _iso(update.published_at),
                    "pinned": update.is_pinned,
                    "html": render_to_string("live/update.html", {"update": update}),
                }
                for update in updates
            ],
            "ended": not article.is_live_now,
            "poll_seconds": settings.LIVE_POLL_SECONDS,
        }
    )
