"""The newsroom's admin: where journalists write, illustrate and publish stories."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from taggit.admin import TagAdmin
from taggit.models import Tag

from photos.widgets import PhotoPickerMixin, thumbnail_html

from .forms import (
    AuthorAdminForm,
    LabelledListEditingMixin,
    SectionAdminForm,
)
from .models import (
    ArticleSlugHistory,
    Author,
    Section,
)
from .widgets import HttpsUrlFieldsMixin

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Write, illustrate and publish"
admin.site.site_url = "/"
# The app list sits on the index page; without the sidebar the story list gets the full width.
admin.site.enable_nav_sidebar = False


# --- Sections ------------------------------------------------------------------------------


@admin.register(Section)
class SectionAdmin(LabelledListEditingMixin, admin.ModelAdmin):
    form = SectionAdminForm
    list_display = ["name", "position", "shown_in_navigation", "story_count", "slug"]
    list_editable = ["position", "shown_in_navigation"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "position", "shown_in_navigation"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("articles"))

    @admin.display(description="stories", ordering="story_count")
    def story_count(self, section):
        url = reverse("admin:articles_article_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>',
            url,
            urlencode({"section__id__exact": section.pk}),
            section.story_count,
        )


# --- Authors -------------------------------------------------------------------------------


@admin.register(Author)
class AuthorAdmin(HttpsUrlFieldsMixin, PhotoPickerMixin, admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["portrait", "name", "kind", "job_title", "user", "story_count"]
    # One link a row, from the name: a portrait link would have no text without a photo.
    list_display_links = ["name"]
    list_filter = ["kind"]
    list_select_related = ["photo", "user"]
    search_fields = ["name", "job_title", "user__username", "user__email"]
    autocomplete_fields = ["photo", "user"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "job_title"]}),
        (
            "Author page",
            {
                "fields": ["photo", "bio"],
                "description": "Shown on the author's page and in the box under their stories.",
            },
        ),
        ("Contact", {"fields": ["email", "website_url", "x_handle"]}),
        ("Staff login", {"fields": ["user"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("bylines"))

    @admin.display(description="photo")
    def portrait(self, author):
        return thumbnail_html(author.photo, width=48, portrait=True)

    @admin.display(description="stories", ordering="story_count")
    def story_count(self, author):
        url = reverse("admin:articles_article_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>',
            url,
            urlencode({"authors__id__exact": author.pk}),
            author.story_count,
        )


# --- Old story addresses -----------------------------------------------------------------


@admin.register(ArticleSlugHistory)
class ArticleSlugHistoryAdmin(admin.ModelAdmin):
    """Old story addresses that answer 301 with the story's current one. Rows are made when a
    published story's slug changes; deleting one frees the old address (it then answers 404,
    or may be given to another story)."""

    list_display = ["slug", "story_link", "created_at"]
    list_select_related = ["article"]
    search_fields = ["slug", "article__headline", "article__slug"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    readonly_fields = ["slug", "article", "created_at"]

    @admin.display(description="Now at", ordering="article__headline")
    def story_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> <span class="quiet">/story/{}/</span>',
            reverse("admin:articles_article_change", args=[obj.article_id]),
            obj.article.headline,
            obj.article.slug,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Tags ----------------------------------------------------------------------------------


admin.site.unregister(Tag)


@admin.register(Tag)
class GuardedTagAdmin(TagAdmin):
    """django-taggit's tag admin, whose merge page and action check no permission: merging
    rewrites every story's tags, so it needs the right to change tags."""

    @admin.action(description="Merge selected tags", permissions=["change"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        selected = request.session.get("selected_tag_ids", "")
        if request.method == "POST" and not selected:
            self.message_user(request, "Select the tags to merge in the list first.")
            return HttpResponseRedirect(reverse("admin:taggit_tag_changelist"))
        return super().merge_tags_view(request)
