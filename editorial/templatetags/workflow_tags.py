"""Workflow template tags: AP-style dates for corrections and the editors' desk view."""

from datetime import datetime, time

from django import template
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from articles import permissions
from articles.models import Article
from core.people import display_name_of

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

    Everyone with the story list sees how many stories await review among those they may
    open (one query): an editor every one, a reporter their own. Editors also get the queues
    (three more): in review, scheduled (soonest first) and published today, each story with
    the name of the last person who saved it (the newest admin log entry, as a subquery).
    """
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return None
    in_review = permissions.visible_stories(user).filter(status=Article.Status.IN_REVIEW)
    desk = {"awaiting_review": in_review.count(), "is_editor": permissions.can_publish(user)}
    if not desk["is_editor"]:
        return desk
    now = timezone.now()
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    last_log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_id=Cast(OuterRef("pk"), CharField()),
    ).order_by("-action_time", "-pk")

    def queue(stories, *order):
        return list(
            stories.select_related("section")
            .annotate(
                last_editor=Subquery(
                    last_log.annotate(name=display_name_of("user")).values("name")[:1]
                )
            )
            .only("headline", "status", "publish_at", "section__name", "modified_at")
            .order_by(*order)[:DESK_LIMIT]
        )

    desk["in_review"] = queue(in_review, "-modified_at")
    desk["scheduled"] = queue(Article.objects.scheduled(at=now), "publish_at")
    desk["published"] = queue(
        Article.objects.published(at=now).filter(publish_at__gte=start), "-publish_at"
    )
    return desk
