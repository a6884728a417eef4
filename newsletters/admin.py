from django import forms
from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from articles.widgets import StoryChoicesMixin
from subscriptions.models import Newsletter, Subscription

from .admin_forms import IssueStoryForm, IssueStoryFormSet
from .admin_tools import IssueToolsMixin
from .models import Delivery, IssueStory, NewsletterIssue


def _subscription_count(status):
    counted = (
        Subscription.objects.filter(newsletter=OuterRef("pk"), status=status)
        .order_by()
        .values("newsletter")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "frequency",
        "is_public",
        "is_default",
        "active_subscribers",
        "pending_subscribers",
        "issue_count",
        "position",
    ]
    list_editable = ["position"]
    list_filter = ["is_public", "is_default"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sections"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "frequency"]}),
        (
            "Where readers find it",
            {
                "fields": ["is_public", "is_default", "sections", "position"],
                "description": "A signup box offers a section's own newsletters on its stories, "
                "and the default newsletter everywhere else.",
            },
        ),
        ("Sender", {"fields": ["sender_name", "sender_email", "reply_to"]}),
    ]

    def get_queryset(self, request):
        # Subqueries, not joins: counting two relations through joins would multiply rows.
        issues = (
            NewsletterIssue.objects.filter(newsletter=OuterRef("pk"))
            .order_by()
            .values("newsletter")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_total=_subscription_count(Subscription.Status.ACTIVE),
                pending_total=_subscription_count(Subscription.Status.PENDING),
                issue_total=Coalesce(Subquery(issues, output_field=IntegerField()), 0),
            )
        )

    @admin.display(description="active", ordering="active_total")
    def active_subscribers(self, obj):
        return obj.active_total

    @admin.display(description="pending", ordering="pending_total")
    def pending_subscribers(self, obj):
        return obj.pending_total

    @admin.display(description="issues", ordering="issue_total")
    def issue_count(self, obj):
        url = reverse("admin:newsletters_newsletterissue_changelist")
        return format_html(
            '<a href="{}?newsletter__id__exact={}">{}</a>', url, obj.pk, obj.issue_total
        )


class IssueStoryInline(StoryChoicesMixin, admin.TabularInline):
    """The issue's stories in order: drag a row by its handle, or use its up and down
    buttons (static/admin-extra/issue-order.js renumbers the positions); without the script
    the position numbers can be typed."""

    model = IssueStory
    form = IssueStoryForm
    formset = IssueStoryFormSet
    fields = ["position", "article"]
    readonly_fields = ["as_sent"]
    autocomplete_fields = ["article"]
    extra = 1
    ordering = ["position", "pk"]

    def _editable(self, obj):
        return obj is None or obj.is_editable

    def get_fields(self, request, obj=None):
        # A sent issue shows what readers got, deleted stories included.
        return self.fields if self._editable(obj) else [*self.fields, "as_sent"]

    @admin.display(description="as sent")
    def as_sent(self, issue_story):
        if issue_story.article_id is not None:
            return "—"
        return format_html(
            "{} (was at <code>{}</code>; the story has since been deleted)",
            issue_story.story_headline,
            issue_story.story_url,
        )

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else (1 if obj.is_editable else 0)

    @property
    def media(self):
        return super().media + forms.Media(js=["admin-extra/issue-order.js"])


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(IssueToolsMixin, admin.ModelAdmin):
    change_form_template = "newsletters/admin/issue_change_form.html"
    list_display = [
        "subject",
        "newsletter",
        "status",
        "when",
        "sent_count",
        "failed_count",
        "uncertain_count",
    ]
    list_filter = ["status", "newsletter"]
    list_select_related = ["newsletter"]
    search_fields = ["subject", "preheader"]
    date_hierarchy = "created_at"
    inlines = [IssueStoryInline]
    fieldsets = [
        (None, {"fields": ["newsletter", "subject", "preheader", "intro"]}),
    ]
    # Once sending starts, the page shows what readers got; the intro as it reads, not as HTML.
    readonly_when_sending = ["newsletter", "subject", "preheader", "intro_as_sent"]

    @admin.display(description="scheduled / sent", ordering="scheduled_at")
    def when(self, obj):
        return obj.sent_at or obj.started_at or obj.scheduled_at

    @admin.display(description="intro")
    def intro_as_sent(self, obj):
        return obj.intro_html

    def view_on_site(self, obj):
        return obj.get_absolute_url() if not obj.is_editable else None

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return self.readonly_when_sending
        return super().get_readonly_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return [(None, {"fields": self.readonly_when_sending})]
        return super().get_fieldsets(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"subject", "preheader"}:
            # A class (newsletters-admin.css), not a style attribute, which the CSP refuses.
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} issue-wide-field"
        return field

    def has_delete_permission(self, request, obj=None):
        # Sent issues are the record of what readers got (and deliveries cascade).
        if obj is not None and obj.status != NewsletterIssue.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.tools_context(request, obj))
        if obj is not None and not obj.is_editable:
            # Nothing on the page can change any more: no save buttons to wonder about.
            context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """A read-only record of who got which issue, for questions from readers."""

    list_display = ["subscriber", "issue", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "issue__newsletter"]
    list_select_related = ["subscriber", "issue"]
    search_fields = ["subscriber__email", "message_id"]
    raw_id_fields = ["issue", "subscriber"]
    show_full_result_count = False

    @admin.display(description="error")
    def short_error(self, obj):
        return obj.error[:120]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
