"""The publish panel at the top of the story form: where the story stands (status, publish
time in the outlet's zone, who saved it last) and buttons that say what they do.

Each button is a plain named submit button, so the panel works without a script. What a
button may do is decided once, in `panel_actions()`: the panel shows only those buttons, and
the form refuses any other (a hand-made POST) with a form error before anything is saved.
The moves themselves go through articles.services (submit_for_review, publish, unpublish,
withdraw), which check the user's role again, after the story's text and bylines are saved
and inside the same transaction. After a panel button the editor stays on the story and
reads one sentence saying what happened ("Scheduled for 2 December, 18:32 Kyiv time").

The status field stays in the form, hidden and holding the stored status: a save keeps the
status and only the buttons move it.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles import permissions, services
from articles.models import PUBLIC_STATUSES, Article
from core.people import display_name

from .. import revisions
from .workflow import SUBMIT_FOR_REVIEW

SAVE = "_save_story"
PUBLISH_NOW = "_publish_now"
SCHEDULE = "_schedule"
UNPUBLISH = "_unpublish"
WITHDRAW = "_withdraw"
PANEL_BUTTONS = (SAVE, SUBMIT_FOR_REVIEW, PUBLISH_NOW, SCHEDULE, UNPUBLISH, WITHDRAW)
GOING_PUBLIC = (PUBLISH_NOW, SCHEDULE)
HELP_ID = "publish-time-help"
STATUS_COLOURS = {
    "draft": "grey",
    "in_review": "amber",
    "scheduled": "blue",
    "live": "green",
    "withdrawn": "red",
}
# Moves that need the editors' rights, and the plain words a forged one is refused with.
REFUSALS = {
    PUBLISH_NOW: services.NOT_PUBLISHER_MESSAGE,
    SCHEDULE: services.NOT_PUBLISHER_MESSAGE,
    UNPUBLISH: services.NOT_PUBLISHER_MESSAGE,
    WITHDRAW: services.NOT_WITHDRAWER_MESSAGE,
    SUBMIT_FOR_REVIEW: "Only a draft you may edit can be submitted for review.",
}


def zone_name() -> str:
    """ "Kyiv time": the outlet's zone (TIME_ZONE) as a person would name it."""
    city = settings.TIME_ZONE.rsplit("/", 1)[-1].replace("_", " ")
    return "UTC" if city == "UTC" else f"{city} time"


def local_moment(value) -> str:
    """ "2 December, 18:32 Kyiv time" (the year too when it is not this one)."""
    local = timezone.localtime(value)
    pattern = "j F, H:i" if local.year == timezone.localtime().year else "j F Y, H:i"
    return f"{date_format(local, pattern)} {zone_name()}"


def status_of(article: Article) -> tuple[str, str]:
    """(key, label) as readers experience it: a scheduled story whose time has come is live."""
    if article.status in PUBLIC_STATUSES:
        return ("live", "Published") if article.is_published else ("scheduled", "Scheduled")
    return article.status, article.get_status_display()


def panel_actions(user, article: Article | None) -> list[tuple[str, str]]:
    """The buttons (name, label) this user gets on this story, in the order shown; the first
    saves, so Enter in a text field never publishes."""
    story = article if article is not None else Article()
    if not permissions.can_edit(user, story):
        return []
    status = story.status if article is not None else Article.Status.DRAFT
    key, _ = status_of(story) if article is not None else ("draft", "")
    actions = [(SAVE, "Save draft" if status == Article.Status.DRAFT else "Save changes")]
    if status == Article.Status.DRAFT:
        actions.append((SUBMIT_FOR_REVIEW, "Submit for review"))
    if permissions.can_publish(user):
        if key != "live":
            actions.append((PUBLISH_NOW, "Publish now"))
            actions.append((SCHEDULE, "Reschedule" if key == "scheduled" else "Schedule"))
        if status in PUBLIC_STATUSES:
            actions.append((UNPUBLISH, "Unpublish (back to draft)"))
    if permissions.can_withdraw(user) and status in PUBLIC_STATUSES:
        actions.append((WITHDRAW, "Withdraw from the site"))
    return actions


def pressed(data) -> str | None:
    return next((name for name in PANEL_BUTTONS if name in data), None)


def outcome_message(article: Article, button: str) -> str:
    """What happened, in one sentence, after a panel button."""
    key, _ = status_of(article)
    if button == SUBMIT_FOR_REVIEW:
        return "Submitted for review: the editors have been told."
    if button == UNPUBLISH:
        return "Unpublished: the story is a draft again and readers no longer see it."
    if button == WITHDRAW:
        return "Withdrawn from the site: readers no longer see it."
    if key == "scheduled":
        return f"Scheduled for {local_moment(article.publish_at)}."
    if button == PUBLISH_NOW or (button == SCHEDULE and key == "live"):
        return "Published: readers see it now."
    return {
        "draft": "Draft saved.",
        "in_review": "Changes saved. The story stays in review.",
        "live": "Changes saved: readers see them now.",
        "withdrawn": "Changes saved. The story stays withdrawn.",
    }[key]


def _with_panel(form_class, user):
    """The story form refuses a panel button the user may not press, and a schedule without
    a future time, before anything is saved (what was typed stays in the form)."""

    class PanelForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if "status" in self.fields:
                self.fields["status"].widget = forms.HiddenInput()
            if "publish_at" in self.fields:
                # The split widget's "Date:" and "Time:" are not <label>s: name the inputs.
                date, time = self.fields["publish_at"].widget.widgets
                for widget, name in ((date, "Publish date"), (time, "Publish time")):
                    widget.attrs.update(
                        {"aria-label": f"{name} ({zone_name()})", "aria-describedby": HELP_ID}
                    )

        def clean(self):
            cleaned = super().clean()
            button = pressed(self.data)
            if button is None:
                return cleaned
            stored = self.instance if self.instance.pk else None
            if button not in dict(panel_actions(user, stored)):
                raise ValidationError(REFUSALS.get(button, "That button is not for this story."))
            if button == SCHEDULE:
                self._check_schedule(cleaned.get("publish_at"))
            if button in GOING_PUBLIC:
                # The byline formset insists on a byline for a story about to go public.
                self.instance.going_public = True
            return cleaned

        def _check_schedule(self, at):
            if "publish_at" in self.errors:
                return
            if at is None:
                self.add_error("publish_at", "Choose the date and time to publish at.")
            elif at <= timezone.now():
                self.add_error(
                    "publish_at",
                    f"{local_moment(at)} has passed: choose a time in the future, or press "
                    "Publish now.",
                )

    PanelForm.__name__ = form_class.__name__
    PanelForm.base_fields = form_class.base_fields
    return PanelForm


class PublishPanelAdminMixin:
    """Mixed into ArticleAdmin between the safe-editing and workflow layers."""

    @property
    def media(self):
        return super().media + forms.Media(js=["admin-extra/field-names.js"])

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _with_panel(form, request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Read only: the body as readers see it, not its HTML source.
            fieldsets = [
                (name, {**options, "fields": _as_read(options["fields"])})
                for name, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "body_as_read"]

    @admin.display(description="body")
    def body_as_read(self, article):
        return render_to_string("includes/story_body.html", {"article": article})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        button = pressed(request.POST)
        if button is None:
            return
        article, by = form.instance, request.user
        if button == SUBMIT_FOR_REVIEW:
            services.submit_for_review(article, by=by)
        elif button == PUBLISH_NOW:
            services.publish(article, by=by)
        elif button == SCHEDULE:
            services.publish(article, by=by, at=form.cleaned_data["publish_at"])
        elif button == UNPUBLISH:
            services.unpublish(article, by=by)
        elif button == WITHDRAW:
            services.withdraw(article, by=by)
        request.panel_outcome = outcome_message(article, button)

    def response_add(self, request, obj, post_url_continue=None):
        return self._panel_response(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._panel_response(request, obj) or super().response_change(request, obj)

    def _panel_response(self, request, obj):
        outcome = getattr(request, "panel_outcome", None)
        if outcome is None or IS_POPUP_VAR in request.POST:
            return None
        self.message_user(request, outcome, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["panel"] = self._panel_context(request, form, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _panel_context(self, request, form, obj):
        editable = obj is None or self.has_change_permission(request, obj)
        story = obj if obj is not None else Article()
        key, label = status_of(story) if obj is not None else ("draft", "Draft")
        latest = revisions.latest_version(obj) if obj is not None else None
        saved_by = display_name(latest.revision.user) if latest is not None else ""
        return {
            "status_key": key,
            "status_label": label,
            "status_colour": STATUS_COLOURS[key],
            "new": obj is None,
            "publish_at": local_moment(story.publish_at) if story.publish_at else "",
            "saved_at": local_moment(obj.modified_at) if obj is not None else "",
            "saved_by": saved_by,
            "zone": zone_name(),
            "actions": panel_actions(request.user, obj) if editable else [],
            "schedule_name": SCHEDULE,
            "status_field": form["status"] if "status" in form.fields else None,
            "publish_at_field": form["publish_at"] if "publish_at" in form.fields else None,
        }


def _as_read(fields):
    return ["body_as_read" if name == "body" else name for name in fields]
