from django.contrib import admin, messages
from django.utils.text import Truncator

from articles.widgets import StoryChoicesMixin

from . import services
from .models import Comment


@admin.register(Comment)
class CommentAdmin(StoryChoicesMixin, admin.ModelAdmin):
    """The moderation queue: new comments wait here until an editor approves them."""

    list_display = ["excerpt", "name", "article", "status", "created_at", "moderated_by"]
    list_display_links = ["excerpt"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["name", "email", "body", "article__headline"]
    search_help_text = "Search names, email addresses, comment text and story headlines."
    list_select_related = ["article", "moderated_by"]
    autocomplete_fields = ["article"]
    readonly_fields = ["created_at", "moderated_at", "moderated_by"]
    fields = ["article", "name", "email", "body", "status", "created_at", "moderated_at",
              "moderated_by"]  # fmt: skip
    date_hierarchy = "created_at"
    list_per_page = 100
    actions = ["approve_comments", "remove_comments"]

    def changelist_view(self, request, extra_context=None):
        # The queue first: opening Comments shows what waits for moderation.
        if not request.GET and request.method == "GET":
            request.GET = request.GET.copy()
            request.GET["status__exact"] = Comment.Status.PENDING
            request.META["QUERY_STRING"] = request.GET.urlencode()
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False  # comments come from readers

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(90)

    def save_model(self, request, obj, form, change):
        # Approving or removing goes through the services, which stamp who moderated it.
        new_status = obj.status
        moderated = change and "status" in form.changed_data
        if moderated and new_status != Comment.Status.PENDING:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if moderated and new_status == Comment.Status.APPROVED:
            services.approve(Comment.objects.filter(pk=obj.pk), by=request.user)
        elif moderated and new_status == Comment.Status.REMOVED:
            services.remove(Comment.objects.filter(pk=obj.pk), by=request.user)

    @admin.action(description="Approve: show under the story", permissions=["change"])
    def approve_comments(self, request, queryset):
        changed = services.approve(queryset, by=request.user)
        self.message_user(request, f"{changed} comment(s) approved.", messages.SUCCESS)

    @admin.action(description="Remove: hide from readers", permissions=["change"])
    def remove_comments(self, request, queryset):
        changed = services.remove(queryset, by=request.user)
        self.message_user(request, f"{changed} comment(s) removed.", messages.SUCCESS)
