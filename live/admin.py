from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from articles.widgets import HttpsUrlFieldsMixin, StoryChoicesMixin
from photos.widgets import PhotoPickerMixin

from . import services
from .models import LiveUpdate


@admin.register(LiveUpdate)
class LiveUpdateAdmin(StoryChoicesMixin, HttpsUrlFieldsMixin, PhotoPickerMixin, admin.ModelAdmin):
    """Posting to live coverage: pick the live story, write, save. Newest first."""

    list_display = ["title", "article", "author", "published_at", "is_pinned", "full_story"]
    list_display_links = ["title"]
    list_editable = ["is_pinned"]
    list_filter = [("article", admin.RelatedOnlyFieldListFilter), "is_pinned"]
    search_fields = ["headline", "body", "article__headline"]
    search_help_text = "Search update headlines and texts, and live story headlines."
    list_select_related = ["article", "author", "broken_out_article"]
    autocomplete_fields = ["article", "author", "photo"]
    date_hierarchy = "published_at"
    readonly_fields = ["full_story", "created_by", "created_at", "modified_at"]
    fieldsets = [
        (None, {"fields": ["article", "headline", "body"]}),
        ("Media", {"fields": ["photo", "embed_url"]}),
        ("Publishing", {"fields": ["author", ("published_at", "is_pinned")]}),
        (
            "Record",
            {
                "fields": ["full_story", ("created_by", "created_at"), "modified_at"],
                "classes": ["collapse"],
            },
        ),
    ]
    actions = ["break_out_updates"]

    def get_changeform_initial_data(self, request):
        # "Post an update" links pass ?article=<id>; the editor's own byline is the default.
        initial = super().get_changeform_initial_data(request)
        author = getattr(request.user, "author", None)
        if author is not None:
            initial.setdefault("author", author.pk)
        return initial

    def save_model(self, request, obj, form, change):
        services.save_update(update=obj, by=request.user)

    @admin.display(description="update")
    def title(self, update):
        return update.headline or Truncator(update.summary).words(12) or f"Update {update.pk}"

    @admin.display(description="full story")
    def full_story(self, update):
        story = update.broken_out_article
        if story is None:
            return "—"
        url = reverse("admin:articles_article_change", args=[story.pk])
        state = "published" if story.is_published else story.get_status_display().lower()
        return format_html('<a href="{}">{}</a> ({})', url, story.headline, state)

    @admin.action(description="Break out into a full story (a draft)", permissions=["change"])
    def break_out_updates(self, request, queryset):
        stories = [services.break_out(update=update, by=request.user) for update in queryset]
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:articles_article_change", args=[story.pk]), story.headline)
                for story in stories
            ),
        )
        self.message_user(
            request,
            format_html("Draft stories to edit and publish: {}", links),
            messages.SUCCESS,
        )
