"""Admin pages beyond the subscriber list: CSV import, the per-newsletter dashboard, export.

Wired into the admin by SubscriberAdmin.get_urls(), so each runs behind admin_view (staff
login); each also checks the model permission it needs.
"""

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from core import audit

from .charts import subscribers_over_time
from .exporting import ALL_STATUSES, EXPORT_CHOICES, ExportStatus, export_subscribers
from .import_files import (
    IMPORT_FILE_MAX_AGE,
    ImportFolderError,
    create_private_file,
    import_dir,
)
from .importing import (
    ColumnMapping,
    ImportFileError,
    guess_mapping,
    import_subscribers,
    read_header,
)
from .models import Newsletter, Subscriber, Subscription

IMPORT_SALT = "subscriptions.admin-import"


def _require(request, action):
    if not request.user.has_perm(f"subscriptions.{action}_subscriber"):
        raise PermissionDenied


def may_import(user) -> bool:
    """Importing changes who is on a list: it takes the change permission (editorial/policy.py
    gives it to the Audience role). The list's "Import CSV" button asks the same question."""
    return user.has_perm("subscriptions.change_subscriber")


def _context(request, title, **extra):
    return {
        **admin.site.each_context(request),
        "title": title,
        "opts": Subscriber._meta,
        **extra,
    }


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 text with a header row; commas or semicolons. Up to a few hundred "
        "thousand rows here; use manage.py import_subscribers for bigger files.",
    )
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.all())


class ImportMappingForm(forms.Form):
    email = forms.ChoiceField(label="Email column")
    first_name = forms.ChoiceField(label="First name column", required=False)
    consent_date = forms.ChoiceField(
        label="Consent date column",
        required=False,
        help_text="Rows with a date here arrive active; rows without arrive pending, waiting "
        "for you to send them a confirmation email. Dates are read day first (02/11/2026 or "
        "02.11.2026 is 2 November) or as YYYY-MM-DD, in the newsroom's time zone; a row whose "
        "date cannot be read arrives pending, with a note in the report.",
    )
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.all())
    dry_run = forms.BooleanField(
        label="Dry run: check the file and show the report without saving anything",
        required=False,
        initial=True,
    )

    def __init__(self, *args, headers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(h, h) for h in headers]
        self.fields["email"].choices = choices
        self.fields["first_name"].choices = [("", "(none)"), *choices]
        self.fields["consent_date"].choices = [("", "(none: everyone arrives pending)"), *choices]

    def mapping(self) -> ColumnMapping:
        data = self.cleaned_data
        return ColumnMapping(
            email=data["email"], first_name=data["first_name"], consent_date=data["consent_date"]
        )


def _stored_path(key: str) -> tuple[Path, str]:
    try:
        payload = signing.loads(key, salt=IMPORT_SALT, max_age=IMPORT_FILE_MAX_AGE)
    except signing.BadSignature:
        raise Http404("This upload has expired; please upload the file again.") from None
    path = import_dir() / f"{uuid.UUID(payload['f']).hex}.csv"
    if not path.exists():
        raise Http404("This upload is gone; please upload the file again.")
    return path, payload["n"]


def import_upload(request):
    if not may_import(request.user):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file_id = uuid.uuid4().hex
        try:
            with create_private_file(import_dir() / f"{file_id}.csv") as stored:
                for chunk in form.cleaned_data["file"].chunks():
                    stored.write(chunk)
        except ImportFolderError as problem:
            form.add_error(None, str(problem))
            return _upload_page(request, form)
        key = signing.dumps(
            {"f": file_id, "n": Path(form.cleaned_data["file"].name).name[:120]}, salt=IMPORT_SALT
        )
        url = reverse("admin:subscriptions_import_run", kwargs={"key": key})
        return redirect(f"{url}?newsletter={form.cleaned_data['newsletter'].pk}")
    return _upload_page(request, form)


def _upload_page(request, form):
    return TemplateResponse(
        request,
        "admin/subscriptions/subscriber/import_upload.html",
        _context(request, "Import subscribers from a CSV file", form=form),
    )


def import_map_and_run(request, key):
    if not may_import(request.user):
        raise PermissionDenied
    try:
        path, original_name = _stored_path(key)
    except ImportFolderError as problem:
        # Whoever else can reach the folder could have swapped the file: read nothing.
        messages.error(request, str(problem))
        return redirect("admin:subscriptions_import")
    headers = [h for h in read_header(path) if h]
    if request.method == "POST":
        form = ImportMappingForm(request.POST, headers=headers)
    else:
        guess = guess_mapping(headers)
        form = ImportMappingForm(
            headers=headers,
            initial={
                "email": guess.email,
                "first_name": guess.first_name,
                "consent_date": guess.consent_date,
                "newsletter": request.GET.get("newsletter"),
                "dry_run": True,
            },
        )
    report = error = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_subscribers(
                rows_or_file=path,
                newsletter=form.cleaned_data["newsletter"],
                dry_run=form.cleaned_data["dry_run"],
                mapping=form.mapping(),
                actor=request.user,
                source_name=original_name,
            )
        except ImportFileError as problem:
            error = str(problem)
        if report is not None and not report.dry_run:
            path.unlink(missing_ok=True)
    context = _context(
        request,
        "Import report" if report else "Import subscribers: match the columns",
        form=form,
        headers=headers,
        file_name=original_name,
        report=report,
        error=error,
        key=key,
    )
    return TemplateResponse(request, "admin/subscriptions/subscriber/import_run.html", context)


def newsletter_counts():
    """Per newsletter: active / pending / unsubscribed subscriptions, in one query."""
    active = Q(
        subscriptions__status=Subscription.Status.ACTIVE,
        subscriptions__subscriber__status=Subscriber.Status.ACTIVE,
    )
    return Newsletter.objects.annotate(
        active_count=Count("subscriptions", filter=active),
        pending_count=Count(
            "subscriptions", filter=Q(subscriptions__status=Subscription.Status.PENDING)
        ),
        unsubscribed_count=Count(
            "subscriptions", filter=Q(subscriptions__status=Subscription.Status.UNSUBSCRIBED)
        ),
    ).order_by("position", "name")


def dashboard_index(request):
    _require(request, "view")
    from .erasure import pending_purge_queryset
    from .tasks import purge_pending_subscribers_task

    if request.method == "POST" and "purge" in request.POST:
        _require(request, "change")
        purge_pending_subscribers_task.enqueue()
        messages.success(request, "Purge queued: it runs in the background in a moment.")
        return redirect("admin:subscriptions_dashboard")

    context = _context(
        request,
        "Newsletter audiences",
        newsletters=newsletter_counts(),
        purge_due=pending_purge_queryset().count(),
        purge_days=settings.PENDING_SUBSCRIBER_PURGE_DAYS,
    )
    return TemplateResponse(request, "admin/subscriptions/subscriber/dashboard.html", context)


def newsletter_dashboard(request, newsletter_id):
    _require(request, "view")
    newsletter = get_object_or_404(newsletter_counts(), pk=newsletter_id)
    context = _context(
        request,
        f"{newsletter.name}: audience",
        newsletter=newsletter,
        chart=subscribers_over_time(newsletter),
    )
    return TemplateResponse(
        request, "admin/subscriptions/subscriber/newsletter_dashboard.html", context
    )


class ExportForm(forms.Form):
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.order_by("position", "name"))
    status = forms.ChoiceField(
        label="Who",
        choices=EXPORT_CHOICES,
        initial=ExportStatus.ACTIVE,
        help_text="Each row has a status column. Dates are written in the newsroom's time zone.",
    )


def _initial_from_list(query) -> dict:
    """The subscriber list's filters, as the export page's first choice (the list filters
    people by their overall status; the nearest export status has the same name)."""
    status = query.get("status__exact", "")
    return {
        "newsletter": query.get("newsletter"),
        "status": status if status in ExportStatus.values else ALL_STATUSES,
    }


def export_page(request):
    """Pick a newsletter and a status, then download; "Export CSV" on the list opens this
    with the list's filters chosen."""
    _require(request, "view")
    if "export" in request.GET:
        form = ExportForm(request.GET)
        if form.is_valid():
            return _export_response(form.cleaned_data["newsletter"], form.cleaned_data["status"])
    else:
        form = ExportForm(initial=_initial_from_list(request.GET))
    return TemplateResponse(
        request,
        "admin/subscriptions/subscriber/export.html",
        _context(request, "Export subscribers as CSV", form=form),
    )


def export_csv(request, newsletter_id):
    """A newsletter's subscribers in one status (?status=, active by default) as CSV."""
    _require(request, "view")
    newsletter = get_object_or_404(Newsletter, pk=newsletter_id)
    status = request.GET.get("status", ExportStatus.ACTIVE)
    if status not in dict(EXPORT_CHOICES):
        raise Http404("No such status.")
    return _export_response(newsletter, status)


def _export_response(newsletter, status):
    audit.record(
        action=audit.Action.SUBSCRIBERS_EXPORTED, target=newsletter, kind="csv", status=status
    )
    response = StreamingHttpResponse(
        export_subscribers(newsletter, status=status), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{newsletter.slug}-{status}-subscribers-{stamp}.csv"'
    )
    return response
