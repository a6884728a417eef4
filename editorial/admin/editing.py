"""The story admin's safe-editing layer: revisions (compare, restore), the refusal of a save
made on top of someone else's, "who else has this open", and autosaved recovery copies.

Mixed into ArticleAdmin (articles/admin.py) in front of the workflow layer, so every admin
save of a story runs inside one reversion revision that also holds its bylines, embeds and
tags (editorial/revisions.py). The browser side is static/admin-extra/story-editing.js.
"""

import reversion
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from articles.models import Article

from .. import editing, revisions

EDIT_TOKEN_FIELD = "_opened_at"
CONFLICT_SEEN_FIELD = "_conflict_seen"
MERGED_FIELD = "_merged"
COMPARED_ON_CONFLICT = (("headline", "Headline"), ("dek", "Standfirst"), ("body", "Body"))


def _conflict_message(article) -> str:
    latest = revisions.latest_version(article)
    stored = Article.objects.filter(pk=article.pk).values_list("modified_at", flat=True).first()
    if latest is not None and stored and latest.revision.date_created >= stored - _SLACK:
        who = f"{revisions.describe(latest)}"
    else:
        # Saved by an action without a revision (publishing, curation flags, a correction).
        when = date_format(timezone.localtime(stored), "DATETIME_FORMAT") if stored else "just now"
        who = f"{when} (publishing or curation)"
    return (
        f"Not saved: this story was saved by someone else while you were editing it ({who}). "
        "Nothing you typed is lost: compare it with the saved version below, merge by hand, "
        "then tick “I have merged; save over it” and save again."
    )


_SLACK = timezone.timedelta(seconds=2)


def _with_conflict_check(form_class):
    """The story form refuses to save over a version newer than the one it was opened at."""

    class ConflictCheckedForm(form_class):
        edit_conflict = None

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # The version in the database now (the form was bound after loading it).
            self.stored_values = {
                name: getattr(self.instance, name) for name, _ in COMPARED_ON_CONFLICT
            }

        def clean(self):
            cleaned = super().clean()
            opened_at = self.data.get(EDIT_TOKEN_FIELD, "")
            if not opened_at or not self.instance.pk:
                # A form without the token (a script, an API-like post) has nothing to compare.
                return cleaned
            current = editing.current_token(self.instance.pk)
            if opened_at == current:
                return cleaned
            if self.data.get(MERGED_FIELD) and self.data.get(CONFLICT_SEEN_FIELD) == current:
                return cleaned
            self.edit_conflict = {
                "seen": current,
                "rows": [
                    {
                        "label": label,
                        "diff": revisions.word_diff(
                            _as_text(name, self.stored_values[name]),
                            _as_text(name, self.data.get(name, "")),
                        ),
                        "changed": _as_text(name, self.stored_values[name])
                        != _as_text(name, self.data.get(name, "")),
                    }
                    for name, label in COMPARED_ON_CONFLICT
                ],
            }
            raise ValidationError(_conflict_message(self.instance), code="edit_conflict")

    ConflictCheckedForm.__name__ = form_class.__name__
    # Subclassing a ModelForm rebuilds its fields from Meta; keep the ones the admin and the
    # workflow layer adjusted (the role's status choices, read-only fields).
    ConflictCheckedForm.base_fields = form_class.base_fields
    return ConflictCheckedForm


def _as_text(name, value):
    return revisions.body_text(value) if name == "body" else (value or "")


class EditingAdminMixin:
    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin-extra/story-editing.js", "admin-extra/copy-link.js"],
            css={"all": ["admin-extra/story-editing.css"]},
        )

    # --- one revision per admin save ---

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._set_revision_comment(entry, "Filed.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._set_revision_comment(entry, "Changed.")
        return entry

    def _set_revision_comment(self, entry, fallback):
        if reversion.is_active():
            message = entry.get_change_message() if entry is not None else ""
            reversion.set_comment(message or fallback)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if reversion.is_active():
            # Bylines renumbered with bulk_update send no signal: store the story as it ended.
            reversion.add_to_revision(form.instance)
        editing.discard_autosave(user=request.user, article=form.instance)
        if not change:
            editing.discard_autosave(user=request.user, article=None)

    # --- concurrency and autosave on the form ---

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _with_conflict_check(form) if obj is not None else form

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "GET" and request.GET.get("restore_autosave"):
            draft = editing.pending_autosave(user=request.user, article=obj)
            if draft is not None:
                editing.apply_autosave(obj, draft)
                request.restored_autosave = draft
        return obj

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("restore_autosave", None)
        if request.GET.get("restore_autosave"):
            draft = editing.pending_autosave(user=request.user, article=None)
            if draft is not None:
                initial.update(draft.data)
                request.restored_autosave = draft
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        restored = getattr(request, "restored_autosave", None)
        if restored is not None and obj is not None and "tags" in restored.data:
            form.initial["tags"] = restored.data["tags"]
        context["editing"] = self._editing_context(request, form, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _editing_context(self, request, form, obj):
        key = editing.story_key(obj)
        draft = None
        if not form.is_bound and getattr(request, "restored_autosave", None) is None:
            draft = editing.pending_autosave(user=request.user, article=obj)
        others = []
        if obj is not None:
            others = editing.record_presence(article_id=obj.pk, user=request.user)
        return {
            "token_field": EDIT_TOKEN_FIELD,
            "token": form.data.get(EDIT_TOKEN_FIELD, "")
            if form.is_bound
            else (editing.edit_token(obj) if obj is not None else ""),
            "conflict": getattr(form, "edit_conflict", None),
            "conflict_seen_field": CONFLICT_SEEN_FIELD,
            "merged_field": MERGED_FIELD,
            "others": others,
            "presence_url": reverse("admin:articles_article_presence", args=[obj.pk])
            if obj is not None
            else "",
            "heartbeat_seconds": editing.PRESENCE_HEARTBEAT_SECONDS,
            "autosave_url": reverse("admin:articles_article_autosave"),
            "autosave_seconds": editing.AUTOSAVE_SECONDS,
            "autosaved_fields": editing.AUTOSAVED_FIELDS,
            "story_key": key,
            "draft": draft,
            "restored": getattr(request, "restored_autosave", None),
            "discard_url": reverse("admin:articles_article_autosave_discard", args=[key]),
            "revisions_url": reverse("admin:articles_article_revisions", args=[obj.pk])
            if obj is not None
            else "",
        }

    # --- extra pages and endpoints ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("autosave/", view(self.autosave_view), name="articles_article_autosave"),
            path(
                "autosave/<str:key>/discard/",
                view(self.autosave_discard_view),
                name="articles_article_autosave_discard",
            ),
            path("<int:pk>/presence/", view(self.presence_view), name="articles_article_presence"),
            path(
                "<int:pk>/revisions/",
                view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<int:pk>/revisions/compare/",
                view(self.revision_compare_view),
                name="articles_article_revision_compare",
            ),
            path(
                "<int:pk>/revisions/<int:version_id>/restore/",
                view(self.revision_restore_view),
                name="articles_article_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _editable_story(self, request, pk):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def _story_for_key(self, request, key):
        if key == "new":
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        if not key.isdigit():
            raise PermissionDenied
        return self._editable_story(request, int(key))

    def presence_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        if request.POST.get("leaving"):
            editing.leave(article_id=article.pk, user=request.user)
            return JsonResponse({"others": []})
        others = editing.record_presence(article_id=article.pk, user=request.user)
        return JsonResponse({"others": [other["name"] for other in others]})

    def autosave_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._story_for_key(request, request.POST.get("story", ""))
        draft = editing.store_autosave(user=request.user, article=article, data=request.POST)
        local = timezone.localtime(draft.saved_at)
        return JsonResponse({"saved_at": draft.saved_at.isoformat(), "time": f"{local:%H:%M:%S}"})

    def autosave_discard_view(self, request, key):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._story_for_key(request, key)
        editing.discard_autosave(user=request.user, article=article)
        self.message_user(request, "The recovery copy was discarded.", messages.INFO)
        if article is None:
            return HttpResponseRedirect(reverse("admin:articles_article_add"))
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def _revision_context(self, request, article, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "subtitle": None,
        }

    def revisions_view(self, request, pk):
        article = self._editable_story(request, pk)
        context = self._revision_context(request, article, f"Revisions of “{article}”")
        context["versions"] = list(revisions.story_versions(article))
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def _version(self, article, version_id):
        return get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            pk=version_id,
        )

    def revision_compare_view(self, request, pk):
        article = self._editable_story(request, pk)
        try:
            ids = sorted({int(value) for value in request.GET.getlist("version")})
        except ValueError:
            ids = []
        if len(ids) != 2:
            self.message_user(request, "Tick exactly two revisions to compare.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[pk]))
        older, newer = (self._version(article, version_id) for version_id in ids)
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = self._revision_context(request, article, f"Compare revisions of “{article}”")
        context.update(older=older, newer=newer, rows=revisions.compare(older, newer))
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def revision_restore_view(self, request, pk, version_id):
        article = self._editable_story(request, pk)
        version = self._version(article, version_id)
        if request.method == "POST":
            try:
                revisions.restore(article=article, version=version, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                message = getattr(error, "messages", None) or [str(error)]
                self.message_user(request, " ".join(message), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[pk]))
            self.log_change(
                request, article, f"Restored the revision of {revisions.describe(version)}."
            )
            self.message_user(
                request,
                f"Restored the revision of {revisions.describe(version)}, as a new revision.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))
        current = revisions.latest_version(article)
        context = self._revision_context(request, article, f"Restore “{article}”?")
        context.update(
            version=version,
            current=current,
            rows=revisions.compare(current, version) if current is not None else [],
        )
        return TemplateResponse(request, "admin/articles/article/revision_restore.html", context)
