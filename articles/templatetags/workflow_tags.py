"""Workflow template tags: AP-style dates for corrections and the editors' desk view."""

from datetime import datetime, time, timedelta

from django import template
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from articles import permissions
from articles.models import PUBLIC_STATUSES, Article

register = template.Library()

# AP style: the five short months are spelled out, the others abbreviated ("Sept." too).
AP_MONTHS = [
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]
DESK_LIMIT = 25


@register.filter
def ap_date(value):
    """ "Dec. 28, 2023" in the outlet's time zone."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{AP_MONTHS[local.month - 1]} {local.day}, {local.year}"


@register.simple_tag(takes_context=True)
def desk_view(context):
    """What the admin index shows about the desk, in a fixed number of queries.

    Everyone with the story list sees how many stories await review (one query). Editors also
    get the lists (one more query): stories in review, scheduled for today and published today,
    each with the last person who saved it (the newest admin log entry, as a subquery).
    """
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return None
    awaiting = Article.objects.filter(status=Article.Status.IN_REVIEW).count()
    desk = {"awaiting_review": awaiting, "is_editor": permissions.can_publish(user)}
    if not desk["is_editor"]:
        return desk
    now = timezone.now()
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(today, time.min))
    end = start + timedelta(days=1)
    last_log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_id=Cast(OuterRef("pk"), CharField()),
    ).order_by("-action_time", "-pk")
    stories = list(
        Article.objects.filter(
            Q(status=Article.Status.IN_REVIEW)
            | Q(status__in=PUBLIC_STATUSES, publish_at__gte=start, publish_at__lt=end)
        )
        .select_related("section")
        .annotate(last_editor=Subquery(last_log.values("user__username")[:1]))
        .only("headline", "status", "publish_at", "section__name", "modified_at")
        .order_by("publish_at", "-modified_at")[: DESK_LIMIT * 3]
    )
    desk["in_review"] = [s for s in stories if s.status == Article.Status.IN_REVIEW][:DESK_LIMIT]
    desk["scheduled"] = [s for s in stories if s.status in PUBLIC_STATUSES and s.publish_at > now][
        :DESK_LIMIT
    ]
    desk["published"] = [s for s in stories if s.status in PUBLIC_STATUSES and s.publish_at <= now][
        :DESK_LIMIT
    ]
    return desk
