"""The story form, its byline formset and the story page's preview-link form."""

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from articles.models import PUBLIC_STATUSES, Article, Byline
from articles.permissions import can_view
from articles.services import NO_BYLINE_MESSAGE, UNPOSITIONED
from articles.widgets import TagSuggestWidget, https_formfield

from .blocks import block_problems
from .models import preview_expiry_message
from .widgets import StoryBodyWidget


class ArticleAdminForm(forms.ModelForm):
    # The signed-in user (set by the admin); a clashing story is named only to those who may
    # see it.
    viewer = None

    class Meta:
        model = Article
        formfield_callback = https_formfield
        fields = [
            "headline",
            "slug",
            "dek",
            "body",
            "section",
            "kind",
            "tags",
            "lead_photo",
            "lead_photo_caption",
            "audio",
            "audio_ai_assisted",
            "audio_transcript_url",
            "audio_transcript",
            "status",
            "publish_at",
            "is_featured",
            "is_editors_pick",
            "in_news_feed",
            "editor_notes",
        ]
        widgets = {
            "tags": TagSuggestWidget(),
            "body": StoryBodyWidget(),
            "headline": forms.TextInput(attrs={"class": "vLargeTextField headline-input"}),
            "dek": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "editor_notes": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        }
        help_texts = {
            "headline": "What the story is about, in a line readers will click.",
            "slug": (
                "The story's web address, filled in from the headline. Keep it short. If you "
                "change it after publication, the old address sends readers to the new one."
            ),
            "body": (
                "Paragraphs, subheadings, lists, quotes and links; story cards, outside links, "
                "videos and posts, photos and pull quotes from the toolbar's last buttons, "
                "placed at the cursor (Alt+↑ and Alt+↓ move a selected one). Pasted formatting "
                "is cleaned: only what the toolbar offers is kept."
            ),
            "section": "Where the story is filed, and which section label readers see.",
            "kind": "Analysis, opinion and the like are labelled for readers.",
            "tags": (
                "People, places and topics, separated by commas. Reuse existing tags so readers "
                "can follow a subject."
            ),
            "lead_photo": (
                "Search by caption, credit or description. Upload new photos under Photos."
            ),
            "status": (
                "Draft and In review stay hidden. Published goes live at the publish time; a "
                "future time makes it Scheduled. Withdrawn takes it off the site."
            ),
            "is_featured": "The lead slot on the home page goes to the newest featured story.",
            "is_editors_pick": "Listed under Editors' Picks on the home page and story pages.",
            "in_news_feed": "Also listed in the News Feed with its time and headline.",
        }

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        if problems := block_problems(body, viewer=self.viewer or AnonymousUser()):
            raise ValidationError(problems)
        return body

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        clash = Article.objects.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if clash is not None and (self.viewer is None or not can_view(self.viewer, clash)):
            raise ValidationError(
                "Another story already uses the address “%(slug)s”. Change the slug, for "
                "example by adding a place or a date.",
                code="unique",
                params={"slug": slug},
            )
        if clash is not None:
            raise ValidationError(
                "“%(headline)s” already uses the address “%(slug)s”. Change the slug, for "
                "example by adding a place or a date.",
                code="unique",
                params={"headline": clash.headline, "slug": slug},
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status in PUBLIC_STATUSES and not cleaned.get("publish_at"):
            if status == Article.Status.SCHEDULED:
                self.add_error("publish_at", "Choose the date and time this story should go live.")
            else:
                # "Published" with no time means now (the help text says so).
                cleaned["publish_at"] = timezone.now()
        return cleaned


class BylineInlineForm(forms.ModelForm):
    position = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=UNPOSITIONED,
        widget=forms.NumberInput(
            attrs={"class": "vIntegerField byline-position", "min": 0, "placeholder": "last"}
        ),
        help_text="1 comes first. Leave empty to add at the end.",
    )

    class Meta:
        model = Byline
        fields = ["author", "position"]

    def clean_position(self):
        position = self.cleaned_data.get("position")
        return UNPOSITIONED if position is None else position


class BylineInlineFormSet(BaseInlineFormSet):
    """Bylines of one story; a story going public needs at least one."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # The table's "Delete?" heading is no label for a screen reader.
            form.fields["DELETE"].widget.attrs["aria-label"] = "Remove this byline"

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        # `going_public`: the publish panel's Publish now or Schedule was pressed (panel.py).
        if self.instance.status not in PUBLIC_STATUSES and not getattr(
            self.instance, "going_public", False
        ):
            return
        authors = [
            form
            for form in self.forms
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        ]
        if not authors:
            raise ValidationError(NO_BYLINE_MESSAGE, code="no_byline")


# Durations the story page offers for a new preview link, in hours.
PREVIEW_LINK_HOURS = [(2, "2 hours"), (24, "1 day"), (48, "2 days"), (168, "1 week")]


def preview_link_hours():
    """The offered durations that fit PREVIEW_LINK_MAX_DAYS, and the cap itself."""
    cap = settings.PREVIEW_LINK_MAX_DAYS * 24
    offered = [(hours, label) for hours, label in PREVIEW_LINK_HOURS if hours <= cap]
    if cap not in [hours for hours, _ in offered]:
        days = settings.PREVIEW_LINK_MAX_DAYS
        offered.append((cap, f"{days} day{'s' if days != 1 else ''}"))
    return offered


class PreviewLinkForm(forms.Form):
    """The story page's "Create preview link" form. A duration past the cap (a hand-made
    post) gets the model's plain message, not "Select a valid choice"."""

    label = forms.CharField(
        label="Preview link for",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Legal review"}),
    )
    hours = forms.IntegerField(label="valid for", min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = preview_link_hours()
        self.fields["hours"].widget = forms.Select(choices=offered)
        self.fields["hours"].initial = 48 if 48 in dict(offered) else offered[-1][0]

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours > settings.PREVIEW_LINK_MAX_DAYS * 24:
            raise ValidationError(preview_expiry_message())
        return hours
