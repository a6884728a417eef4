"""The story admin: the form journalists write in, the desk's list, and the actions that
tie review, scheduling, revisions, presence, autosave and previews together (Article stays
in articles; its admin is editorial's)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles import permissions, services
from articles.forms import LabelledListEditingMixin
from articles.models import Article, Byline
from articles.widgets import HttpsUrlFieldsMixin, popular_tags
from core.people import display_name
from photos.widgets import PhotoPickerMixin, thumbnail_html

from ..forms import ArticleAdminForm, BylineInlineForm, BylineInlineFormSet
from . import pickers
from .editing import EditingAdminMixin
from .panel import STATUS_COLOURS, PublishPanelAdminMixin, status_of
from .workflow import WorkflowAdminMixin

# --- Stories -------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Status as readers experience it: a scheduled story whose time has come is live."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("in_review", "In review"),
            ("scheduled", "Scheduled (not live yet)"),
            ("live", "Published (live)"),
            ("withdrawn", "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "live":
            return queryset.published()
        if value == "scheduled":
            return queryset.scheduled()
        if value in {"draft", "in_review", "withdrawn"}:
            return queryset.filter(status=value)
        return queryset


class BylineInline(admin.TabularInline):
    model = Byline
    form = BylineInlineForm
    formset = BylineInlineFormSet
    autocomplete_fields = ["author"]
    verbose_name = "byline"
    verbose_name_plural = "bylines"
    classes = ["bylines-inline"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None and obj.bylines.exists() else 2


def _flag_action(name, flag, value, description):
    def action(modeladmin, request, queryset):
        changed = services.set_story_flags(queryset, **{flag: value})
        for article in changed:
            modeladmin.log_change(request, article, description)
        modeladmin.message_user(
            request,
            f"{description}: {len(changed)} of {queryset.count()} selected stories changed.",
            messages.SUCCESS,
        )

    action.__name__ = name
    return admin.action(description=description, permissions=["publish"])(action)


STORY_FLAGS = [
    ("is_featured", "featured", "Featured"),
    ("is_editors_pick", "pick", "Editors' pick"),
    ("in_news_feed", "feed", "News feed"),
]


@admin.register(Article)
class ArticleAdmin(
    EditingAdminMixin,
    PublishPanelAdminMixin,
    WorkflowAdminMixin,
    HttpsUrlFieldsMixin,
    PhotoPickerMixin,
    LabelledListEditingMixin,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    inlines = [BylineInline]
    list_display = [
        "lead_thumbnail",
        "headline",
        "filing",
        "status_badge",
        "byline_names",
        "publish_time",
        "featured_position",
        "editors_pick_position",
    ]
    # The headline only: a story without a photo would otherwise leave an empty link (no
    # name for a screen reader), and every row two tab stops to the same page.
    list_display_links = ["headline"]
    # The order of the Featured and Editors' Picks blocks, set straight from the list.
    list_editable = ["featured_position", "editors_pick_position"]
    list_filter = [
        StatusFilter,
        "section",
        "kind",
        ("authors", admin.RelatedOnlyFieldListFilter),
        ("publish_at", admin.DateFieldListFilter),
        "is_featured",
        "is_editors_pick",
        "in_news_feed",
        "is_live",
    ]
    search_fields = ["headline", "dek", "slug", "authors__name"]
    search_help_text = "Search headlines, standfirsts, slugs and author names."
    date_hierarchy = "publish_at"
    list_per_page = 50
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["lead_photo"]
    readonly_fields = [
        "reading_minutes",
        "updated_at",
        "filed_by",
        "created_at",
        "put_out_by",
        "modified_at",
    ]
    # The publish panel (panel.py) is the top row of buttons.
    save_on_top = False
    actions = [
        "publish_now",
        _flag_action("add_to_news_feed", "in_news_feed", True, "Add to the news feed"),
        _flag_action("remove_from_news_feed", "in_news_feed", False, "Remove from the news feed"),
        _flag_action("mark_featured", "is_featured", True, "Mark as featured"),
        _flag_action("unmark_featured", "is_featured", False, "Remove from featured"),
        _flag_action("mark_editors_pick", "is_editors_pick", True, "Mark as an editors' pick"),
        _flag_action("unmark_editors_pick", "is_editors_pick", False, "Remove from editors' picks"),
        "withdraw_stories",
    ]
    # Fieldsets in the order a journalist works; the change form template puts the bylines
    # under the first one, and "Publish" (status, hidden, and the publish time) in the
    # publish panel at the top. Cards, photos and embeds are blocks inside the body itself.
    fieldsets = [
        ("Story", {"fields": ["headline", "slug", "dek"]}),
        ("Body", {"fields": ["body"], "classes": ["body-fieldset"]}),
        ("Filing", {"fields": [("section", "kind"), "tags"]}),
        (
            "Editors' notes",
            {
                "fields": ["editor_notes"],
                "description": "Internal: only people in the admin ever see these notes.",
            },
        ),
        ("Lead photo", {"fields": ["lead_photo", "lead_photo_caption"]}),
        (
            "Audio version",
            {
                "fields": [
                    "audio",
                    "audio_ai_assisted",
                    "audio_transcript_url",
                    "audio_transcript",
                ],
                "classes": ["collapse"],
                "description": "A recording of the story, played above the body. Give readers "
                "a transcript: its address, or the text itself for a page of its own.",
            },
        ),
        ("Publish", {"fields": ["status", "publish_at"]}),
        (
            "On the site",
            {
                "fields": [
                    ("is_featured", "featured_position"),
                    ("is_editors_pick", "editors_pick_position"),
                    "in_news_feed",
                    "comments_enabled",
                ]
            },
        ),
        (
            "Live coverage",
            {
                "fields": ["is_live", ("coverage_start_at", "coverage_end_at")],
                "classes": ["collapse"],
                "description": "A live story shows timestamped updates under its text, newest "
                "first. Post them under Live coverage › Live updates.",
            },
        ),
        (
            "Record",
            {
                "fields": [
                    ("reading_minutes", "updated_at"),
                    ("filed_by", "created_at"),
                    ("put_out_by", "modified_at"),
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Stories", **(extra_context or {})})

    def get_queryset(self, request):
        # Card data (section, lead photo, ordered bylines) in a fixed number of queries,
        # however many rows the changelist shows.
        return super().get_queryset(request).with_card_data()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A fresh class per request: the slug check names a clashing story only to those
        # who may see it.
        form.viewer = request.user
        return form

    def get_ordering(self, request):
        """The viewer's own drafts first, newest work on top: a draft has no publish time
        and would otherwise sort to the end, after every published story. Then the newest
        publish times, and stories without one last."""
        own_draft = Q(status=Article.Status.DRAFT) & permissions.own_filter(request.user)
        return [
            ExpressionWrapper(own_draft, output_field=BooleanField()).desc(),
            F("publish_at").desc(nulls_last=True),
            "-modified_at",
        ]

    def get_urls(self):
        return [
            path(
                "tags/suggest/",
                self.admin_site.admin_view(self.tag_suggestions_view),
                name="articles_article_tag_suggestions",
            ),
            # The body editor's block pickers (static/admin-extra/newsroom-block.js).
            path(
                "pickers/stories/",
                self.admin_site.admin_view(pickers.story_choices),
                name="articles_article_story_picker",
            ),
            path(
                "pickers/photos/",
                self.admin_site.admin_view(pickers.photo_choices),
                name="articles_article_photo_picker",
            ),
            *super().get_urls(),
        ]

    def tag_suggestions_view(self, request):
        """JSON list of existing tag names containing `?q=`, most used first."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:100]
        return JsonResponse({"tags": popular_tags(limit=10, containing=query)})

    def render_change_form(self, request, context, *args, **kwargs):
        # The body editor's import map is an inline <script>: under the Content-Security-Policy
        # it runs only with this request's nonce, which js_asset's Media adds to its tags.
        media, nonce = context.get("media"), getattr(request, "csp_nonce", None)
        if nonce is not None and hasattr(media, "with_nonce"):
            context["media"] = media.with_nonce(str(nonce))
        return super().render_change_form(request, context, *args, **kwargs)

    def view_on_site(self, article):
        # Only a story readers can open; a draft's public address answers 404.
        return article.get_absolute_url() if article.is_published else None

    def save_model(self, request, obj, form, change):
        services.save_story(article=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Byline:
            services.renumber_bylines(article=form.instance)

    # --- people, by name ---

    @admin.display(description="created by")
    def filed_by(self, article):
        return display_name(article.created_by) or "—"

    @admin.display(description="published by")
    def put_out_by(self, article):
        return display_name(article.published_by) or "—"

    # --- list columns ---

    @admin.display(description="photo")
    def lead_thumbnail(self, article):
        return thumbnail_html(article.lead_photo, width=72)

    @admin.display(description="status", ordering="status")
    def status_badge(self, article):
        key, label = status_of(article)
        badge = format_html(
            '<span class="status-badge status-{}">{}</span>', STATUS_COLOURS[key], label
        )
        # The story's flags (Featured, Editors' pick, Live…) under its status: one column
        # fewer keeps the curation order fields in view beside the filters.
        shown = [(css, label) for field, css, label in STORY_FLAGS if getattr(article, field)]
        if not shown:
            return badge
        flags = format_html_join(" ", '<span class="flag flag-{}">{}</span>', shown)
        return format_html('{}<span class="story-flags">{}</span>', badge, flags)

    @admin.display(description="section", ordering="section__name")
    def filing(self, article):
        """Section and kind in one column, so the list fits a laptop screen with the filters."""
        return format_html(
            '{}<br><span class="quiet">{}</span>', article.section.name, article.get_kind_display()
        )

    @admin.display(description="bylines")
    def byline_names(self, article):
        return ", ".join(author.name for author in article.byline_authors) or "—"

    @admin.display(description="publish time", ordering="publish_at")
    def publish_time(self, article):
        if article.publish_at is None:
            return "—"
        local = timezone.localtime(article.publish_at)
        shown = date_format(local, "DATETIME_FORMAT")
        return format_html('<time datetime="{}">{}</time>', local.isoformat(), shown)

    # --- actions ---

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        published, refused = [], []
        for article in queryset:
            try:
                services.publish(article, by=request.user)
            except ValidationError:
                refused.append(article)
                continue
            published.append(article)
            self.log_change(request, article, "Published.")
        if published:
            self.message_user(request, f"{len(published)} stories are live.", messages.SUCCESS)
        if refused:
            names = ", ".join(f"“{article.headline}”" for article in refused)
            self.message_user(
                request,
                f"Not published, no byline yet: {names}. {services.NO_BYLINE_MESSAGE}",
                messages.ERROR,
            )

    @admin.action(description="Withdraw from the site…", permissions=["withdraw"])
    def withdraw_stories(self, request, queryset):
        if request.POST.get("confirm") == "yes":
            for article in queryset:
                services.withdraw(article, by=request.user)
                self.log_change(request, article, "Withdrawn from the site.")
            self.message_user(
                request,
                f"{len(queryset)} stories withdrawn. Readers no longer see them.",
                messages.SUCCESS,
            )
            return None
        stories = list(queryset)  # get_queryset() already loads sections and bylines
        context = {
            **self.admin_site.each_context(request),
            "title": "Withdraw these stories?",
            "subtitle": None,
            "opts": self.opts,
            "stories": stories,
            "live_count": sum(article.is_published for article in stories),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/articles/article/withdraw_confirmation.html", context
        )
