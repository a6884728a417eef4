"""The story admin's workflow layer: what each role sees and may do, status history,
corrections and previews (the buttons that move a story are the publish panel's, panel.py).

Mixed into ArticleAdmin (articles/admin.py). The same rules are enforced again in
articles.services, so a hand-made POST meets them even when the admin would not have shown
the button.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles import permissions, services
from articles.models import Article, Correction, records_kept_on_delete
from core.people import display_name

from .. import preview
from ..forms import PreviewLinkForm
from ..models import PreviewLink, StatusChange

# Fields only an editor may change (curation and the publish time).
EDITOR_ONLY_FIELDS = (
    "publish_at",
    "is_featured",
    "featured_position",
    "is_editors_pick",
    "editors_pick_position",
    "in_news_feed",
)
SUBMIT_FOR_REVIEW = "_submit_for_review"


class CorrectionInline(admin.StackedInline):
    model = Correction
    fields = [("kind", "published_at"), "text"]
    extra = 0
    verbose_name_plural = "corrections and updates (shown at the foot of the story)"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            formfield.widget.attrs["rows"] = 3
        return formfield


class WorkflowAdminMixin:
    """Per-role story admin. Needs `services.save_story` as the save path."""

    workflow_inlines = [CorrectionInline]

    # --- what the user may see and touch ---

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.can_edit_any(request.user):
            return queryset
        # A reporter's list: their own stories, and what readers can already see (for cards).
        return queryset.filter(permissions.own_or_released_filter(request.user))

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or permissions.can_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        # On the object, not only the model: presence, history and the admin's "view on
        # site" answer only for a story the user may see.
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or permissions.can_view(request.user, obj)

    def has_publish_permission(self, request):
        return permissions.can_publish(request.user)

    def has_withdraw_permission(self, request):
        return permissions.can_withdraw(request.user)

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *self.workflow_inlines]

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        if obj is None:
            # A new story has nothing to correct yet.
            return [inline for inline in instances if not isinstance(inline, CorrectionInline)]
        return instances

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(
                ("Status history", {"fields": ["status_history"], "classes": ["collapse"]})
            )
        return fieldsets

    @admin.display(description="moves between statuses")
    def status_history(self, article):
        changes = StatusChange.objects.filter(article=article).select_related("by")
        rows = format_html_join(
            "",
            '<tr><td><time datetime="{}">{}</time></td><td>{} → {}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    change.at.isoformat(),
                    date_format(timezone.localtime(change.at), "DATETIME_FORMAT"),
                    change.from_label,
                    change.to_label,
                    display_name(change.by) or "—",
                    change.note,
                )
                for change in changes
            ),
        )
        if not rows:
            return "No status changes yet."
        return format_html(
            '<table class="status-history"><thead><tr><th>When</th><th>Move</th><th>By</th>'
            "<th>Note</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "status_history"]
        if not permissions.can_publish(request.user):
            fields += [name for name in EDITOR_ONLY_FIELDS if name not in fields]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "status" in form.base_fields:
            form = _with_status_check(form, request.user)
        return form

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not permissions.can_publish(request.user):
            # The list's curation order columns are editors' work.
            changelist.list_editable = ()
        return changelist

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not permissions.can_edit_any(request.user):
            actions.pop("delete_selected", None)
        elif "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_selected_saying_what_is_kept, name, description)
        return actions

    # --- deleting: the confirmation says what outlives the story ---

    def render_delete_form(self, request, context):
        context["kept_on_delete"] = records_kept_on_delete([context["object"]])
        return super().render_delete_form(request, context)

    # --- saving ---

    def save_model(self, request, obj, form, change):
        services.save_story(article=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Correction:
            for correction in formset.new_objects + [c for c, _ in formset.changed_objects]:
                services.touch_for_correction(form.instance, correction)

    # --- extra pages ---

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<int:pk>/preview-link/",
                self.admin_site.admin_view(self.create_preview_link_view),
                name="articles_article_preview_link",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        from ..preview import render_preview

        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        article = get_object_or_404(Article, pk=pk)
        if not permissions.can_preview(request.user) or not (
            permissions.can_edit_any(request.user) or permissions.is_own(request.user, article)
        ):
            raise PermissionDenied
        return render_preview(request, article, shared=False)

    def create_preview_link_view(self, request, pk):
        """The story page's link form posts here. Refused (the form again, with the reason
        and what was typed; nothing written) for a withdrawn story or a duration past
        PREVIEW_LINK_MAX_DAYS."""
        if not request.user.has_perm("editorial.add_previewlink"):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=pk)
        form = PreviewLinkForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            hours = form.cleaned_data["hours"]
            try:
                link = preview.create_preview_link(
                    article=article,
                    by=request.user,
                    label=form.cleaned_data["label"],
                    expires_at=timezone.now() + timezone.timedelta(hours=hours),
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                url = request.build_absolute_uri(link.get_absolute_url())
                self.message_user(
                    request,
                    format_html(
                        "Preview link made (valid {} hours): <code>{}</code>. Copy it under "
                        "“Live preview links” below, where it stays until it ends.",
                        hours,
                        url,
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Create a preview link",
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/article/preview_link_form.html", context)

    def _live_preview_links(self, request, article):
        """The story's preview links still working, newest first, each with the address to
        copy: a link shown once in a message is found again here (editors only, as the
        links are credentials)."""
        if article is None or not request.user.has_perm("editorial.view_previewlink"):
            return []
        links = article.preview_links.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("created_by")
        for link in links:
            link.url = request.build_absolute_uri(link.get_absolute_url())
            link.made_by = display_name(link.created_by)
        return links

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow"] = {
            "preview_url": reverse("admin:articles_article_preview", args=[obj.pk])
            if obj is not None and permissions.can_preview(request.user)
            else "",
            # A withdrawn story is not offered the form: its links have ended for good.
            "link_url": reverse("admin:articles_article_preview_link", args=[obj.pk])
            if obj is not None
            and obj.status != Article.Status.WITHDRAWN
            and request.user.has_perm("editorial.add_previewlink")
            else "",
            "link_form": PreviewLinkForm(),
            "live_links": self._live_preview_links(request, obj),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)


def _delete_selected_saying_what_is_kept(modeladmin, request, queryset):
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):  # the confirmation page, not the deletion
        response.context_data["kept_on_delete"] = records_kept_on_delete(queryset)
    return response


def _with_status_check(form_class, user):
    """The form refuses a status the user's role may not set (a hand-made POST included)."""

    class StatusCheckedForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Only the allowed statuses are offered (set per form instance, so a form class
            # derived from this one keeps it); the field still accepts any status, so a forged
            # one meets clean_status's plain-words refusal, not "Select a valid choice".
            if "status" in self.fields:
                stored = self.instance.status if self.instance.pk else None
                allowed = permissions.allowed_statuses(user, stored)
                self.fields["status"].widget.choices = [
                    (value, label) for value, label in Article.Status.choices if value in allowed
                ]

        def clean_status(self):
            status = self.cleaned_data.get("status")
            stored = self.instance.status if self.instance.pk else None
            if status == stored:
                return status
            refusal = services.status_refusal(user, stored, status)
            if refusal:
                raise ValidationError(refusal)
            return status

    StatusCheckedForm.__name__ = form_class.__name__
    return StatusCheckedForm


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    list_display = ["article", "label", "expires_at", "state", "made_by", "created_at"]
    list_filter = [("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "label"]
    autocomplete_fields = ["article"]
    fields = ["article", "label", "expires_at", "link", "revoked_at", "made_by", "created_at"]
    readonly_fields = ["link", "revoked_at", "made_by", "created_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="made by")
    def made_by(self, link):
        return display_name(link.created_by) or "—"

    @admin.display(description="state")
    def state(self, link):
        if link.revoked_at:
            return "Revoked"
        return "Active" if link.is_active else "Expired"

    @admin.display(description="link to share")
    def link(self, link):
        if not link.pk:
            return "Made when you save."
        return format_html("<code>{}{}</code>", settings.SITE_URL, link.get_absolute_url())

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        count = preview.revoke_preview_links(queryset)
        self.message_user(request, f"{count} preview links revoked.", messages.SUCCESS)
