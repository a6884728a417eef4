"""Small forms behind the issue page's buttons (fill, schedule, settle uncertain rows), and
the issue's story rows."""

from django import forms
from django.db.models import Max
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from taggit.models import Tag

from articles.models import Section

TAG_SUGGESTIONS = 100


class FillFromLatestForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(), required=False, empty_label="Any section"
    )
    tag = forms.CharField(
        required=False,
        max_length=100,
        help_text="A tag's name, or leave empty.",
        widget=forms.TextInput(attrs={"list": "fill-tag-suggestions", "size": 18}),
    )
    limit = forms.IntegerField(min_value=1, max_value=20, initial=5, label="How many")

    def clean_tag(self):
        name = self.cleaned_data["tag"].strip()
        if not name:
            return None
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.filter(slug=name).first()
        if tag is None:
            raise forms.ValidationError(f"There is no tag called “{name}”.")
        return tag

    @staticmethod
    def tag_suggestions():
        return Tag.objects.order_by("name").values_list("name", flat=True)[:TAG_SUGGESTIONS]


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label="Send at",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the newsroom's time zone.",
    )

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value <= timezone.now():
            raise forms.ValidationError("Pick a time in the future, or use “Send now”.")
        return value


class UncertainForm(forms.Form):
    action = forms.ChoiceField(choices=[("resend", "Resend"), ("skip", "Skip")])
    scope = forms.ChoiceField(choices=[("selected", "Selected"), ("all", "All")])
    deliveries = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, delivery_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliveries"].choices = [(pk, pk) for pk in delivery_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "selected" and not cleaned.get("deliveries"):
            raise forms.ValidationError("Tick at least one recipient, or choose all of them.")
        return cleaned


class IssueStoryForm(forms.ModelForm):
    """One story row of an issue. The ordering script (static/admin-extra/issue-order.js)
    renumbers every row, the empty ones too: a new row whose only change is its position
    is still an empty row, not a story missing its article."""

    def has_changed(self):
        if self.instance.pk is None:
            return any(name != "position" for name in self.changed_data)
        return super().has_changed()


class IssueStoryFormSet(BaseInlineFormSet):
    """Empty rows start after the stories already in the issue (each at the next position),
    so a story added without touching the numbers goes to the end, not to the top."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            offset = (self.total_form_count() if index is None else index) - (
                self.initial_form_count()
            )
            kwargs["initial"] = {"position": self._next_position + offset}
        return kwargs

    @property
    def _next_position(self) -> int:
        if not hasattr(self, "_next"):
            if self.instance.pk is None:
                self._next = 0
            else:
                last = self.get_queryset().aggregate(last=Max("position"))["last"]
                self._next = 0 if last is None else last + 1
        return self._next
