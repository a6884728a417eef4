"""The issue page's tools: preview, test send, send/schedule, fill, progress, uncertain rows.

Mixed into NewsletterIssueAdmin; each view is thin and calls a service.
"""

from datetime import timedelta

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp, csp_update
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from subscriptions.models import Subscriber
from subscriptions.services import active_recipients

from . import sending, services
from .admin_forms import FillFromLatestForm, ScheduleForm, UncertainForm
from .emails import render_issue
from .models import Delivery, NewsletterIssue

UNCERTAIN_LIST_LIMIT = 500
# A send due longer ago than this and not started means no task worker is picking it up.
START_GRACE = timedelta(minutes=1)
FAILED_LIST_LIMIT = 100
# The email preview page shows the email as a mail client would: its inlined styles and
# images, never a script, and framed only by our own preview page.
EMAIL_PREVIEW_CSP = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": [SELF, "https:", "http:"],
    "frame-ancestors": [SELF],
    "form-action": [NONE],
    "base-uri": [NONE],
    "sandbox": ["allow-popups", "allow-popups-to-escape-sandbox"],
}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class IssueToolsMixin:
    def get_urls(self):
        def view(func, *, post=False):
            wrapped = require_POST(func) if post else func
            return self.admin_site.admin_view(wrapped)

        tools = [
            path(
                "<int:pk>/preview/",
                view(csp_update({"frame-src": [SELF]})(self.preview_view)),
                name="newsletters_issue_preview",
            ),
            path(
                "<int:pk>/preview/email.html",
                view(csp(EMAIL_PREVIEW_CSP)(xframe_options_sameorigin(self.preview_html_view))),
                name="newsletters_issue_preview_html",
            ),
            path(
                "<int:pk>/preview/email.txt",
                view(self.preview_text_view),
                name="newsletters_issue_preview_text",
            ),
            path(
                "<int:pk>/test/",
                view(self.send_test_view, post=True),
                name="newsletters_issue_test",
            ),
            path("<int:pk>/send/", view(self.send_view), name="newsletters_issue_send"),
            path(
                "<int:pk>/unschedule/",
                view(self.unschedule_view, post=True),
                name="newsletters_issue_unschedule",
            ),
            path("<int:pk>/fill/", view(self.fill_view, post=True), name="newsletters_issue_fill"),
            path(
                "<int:pk>/progress.json",
                view(self.progress_view),
                name="newsletters_issue_progress",
            ),
            path(
                "<int:pk>/uncertain/",
                view(self.uncertain_view, post=True),
                name="newsletters_issue_uncertain",
            ),
            path(
                "<int:pk>/resume/",
                view(self.resume_view, post=True),
                name="newsletters_issue_resume",
            ),
        ]
        return tools + super().get_urls()

    # --- helpers ------------------------------------------------------------------------

    def _issue(self, request, pk, *, change=False) -> NewsletterIssue:
        issue = get_object_or_404(NewsletterIssue.objects.select_related("newsletter"), pk=pk)
        allowed = (
            self.has_change_permission(request, issue)
            if change
            else self.has_view_permission(request, issue)
        )
        if not allowed:
            raise PermissionDenied
        return issue

    def _require_send_permission(self, request):
        if not request.user.has_perm("newsletters.send_newsletterissue"):
            raise PermissionDenied

    def _back(self, issue):
        return HttpResponseRedirect(
            reverse("admin:newsletters_newsletterissue_change", args=[issue.pk])
        )

    def _preview_message(self, request, issue):
        rendered = render_issue(issue)
        recipient = Subscriber(email=request.user.email or "reader@example.org")
        return rendered.message_for(recipient, links=rendered.preview_links())

    # --- compose ------------------------------------------------------------------------

    def preview_view(self, request, pk):
        issue = self._issue(request, pk)
        message = self._preview_message(request, issue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "issue": issue,
            "title": f"Preview: {issue.subject}",
            "headers": [
                ("From", message.from_email),
                ("Subject", message.subject),
                ("Preheader", issue.preheader or "—"),
                *[(k, v) for k, v in message.extra_headers.items() if k.startswith("List-")],
            ],
            "text_body": message.body,
        }
        return TemplateResponse(request, "newsletters/admin/issue_preview.html", context)

    def preview_html_view(self, request, pk):
        issue = self._issue(request, pk)
        html = self._preview_message(request, issue).alternatives[0][0]
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    def preview_text_view(self, request, pk):
        issue = self._issue(request, pk)
        body = self._preview_message(request, issue).body
        return HttpResponse(body, content_type="text/plain; charset=utf-8")

    def send_test_view(self, request, pk):
        issue = self._issue(request, pk)
        # A test send mails the issue out: it takes the right to send, not only to read.
        self._require_send_permission(request)
        try:
            address = services.send_test(issue=issue, to_email=request.user.email)
        except ValidationError as error:
            self.message_user(request, _error_text(error), messages.ERROR)
        except Exception as error:  # the mail server's answer is what the editor needs to see
            self.message_user(request, f"The test could not be sent: {error}", messages.ERROR)
        else:
            self.message_user(request, f"A test of this issue was sent to {address}.")
        return self._back(issue)

    def fill_view(self, request, pk):
        issue = self._issue(request, pk, change=True)
        form = FillFromLatestForm(request.POST, prefix="fill")
        if not form.is_valid():
            errors = "; ".join(e for field in form.errors.values() for e in field)
            self.message_user(request, f"Nothing added: {errors}", messages.ERROR)
            return self._back(issue)
        try:
            added = services.fill_from_latest(
                issue=issue,
                section=form.cleaned_data["section"],
                tag=form.cleaned_data["tag"],
                limit=form.cleaned_data["limit"],
            )
        except ValidationError as error:
            self.message_user(request, _error_text(error), messages.ERROR)
        else:
            if added:
                self.message_user(request, f"Added {len(added)} stories: check their order below.")
            else:
                self.message_user(
                    request,
                    "No published stories matched that are not in the issue already.",
                    messages.WARNING,
                )
        return self._back(issue)

    # --- send ---------------------------------------------------------------------------

    def send_view(self, request, pk):
        issue = self._issue(request, pk, change=True)
        self._require_send_permission(request)
        if not issue.is_editable:
            self.message_user(request, "This issue has already started sending.", messages.WARNING)
            return self._back(issue)
        schedule_form = ScheduleForm(
            request.POST if request.POST.get("action") == "schedule" else None,
            initial={
                "scheduled_at": timezone.localtime(issue.scheduled_at)
                if issue.scheduled_at
                else None
            },
        )
        if request.method == "POST":
            try:
                if request.POST.get("action") == "now":
                    services.send_now(issue=issue, by=request.user)
                    self.message_user(request, "Sending has started. Progress appears below.")
                    return self._back(issue)
                if schedule_form.is_valid():
                    at = schedule_form.cleaned_data["scheduled_at"]
                    services.schedule_issue(issue=issue, at=at, by=request.user)
                    when = formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")
                    self.message_user(request, f"Scheduled for {when}.")
                    return self._back(issue)
            except ValidationError as error:
                self.message_user(request, _error_text(error), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "issue": issue,
            "title": f"Send “{issue.subject}”",
            "audience": active_recipients(issue.newsletter).count(),
            "schedule_form": schedule_form,
        }
        return TemplateResponse(request, "newsletters/admin/issue_send.html", context)

    def unschedule_view(self, request, pk):
        issue = self._issue(request, pk, change=True)
        self._require_send_permission(request)
        try:
            services.cancel_schedule(issue=issue)
        except ValidationError as error:
            self.message_user(request, _error_text(error), messages.ERROR)
        else:
            self.message_user(request, "Unscheduled: the issue is a draft again.")
        return self._back(issue)

    def resume_view(self, request, pk):
        issue = self._issue(request, pk, change=True)
        self._require_send_permission(request)
        try:
            services.resume_issue(issue=issue)
        except ValidationError as error:
            self.message_user(request, _error_text(error), messages.ERROR)
        else:
            self.message_user(request, "Resumed: a worker will pick the send up again.")
        return self._back(issue)

    # --- progress and uncertain recipients ----------------------------------------------

    def progress_view(self, request, pk):
        issue = self._issue(request, pk)
        return JsonResponse({"status": issue.status, **sending.progress(issue)})

    def uncertain_view(self, request, pk):
        issue = self._issue(request, pk, change=True)
        self._require_send_permission(request)
        ids = Delivery.objects.filter(issue=issue, status=Delivery.Status.UNCERTAIN).values_list(
            "pk", flat=True
        )
        form = UncertainForm(request.POST, delivery_ids=list(ids[:UNCERTAIN_LIST_LIMIT]))
        if not form.is_valid():
            self.message_user(
                request, " ".join(form.non_field_errors()) or "Choose again.", messages.ERROR
            )
            return self._back(issue)
        chosen = (
            form.cleaned_data["deliveries"] if form.cleaned_data["scope"] == "selected" else None
        )
        resend = form.cleaned_data["action"] == "resend"
        settled = services.resolve_uncertain(
            issue=issue, resend=resend, delivery_ids=chosen, by=request.user
        )
        verb = "queued to be sent again" if resend else "marked as not resent"
        self.message_user(request, f"{settled} uncertain recipients {verb}.")
        return self._back(issue)

    def tools_context(self, request, issue) -> dict:
        """What the issue page shows above the form: progress, uncertain and failed rows."""
        if issue is None or issue.pk is None:
            return {}
        context = {
            "fill_form": FillFromLatestForm(prefix="fill") if issue.is_editable else None,
            "tag_suggestions": FillFromLatestForm.tag_suggestions() if issue.is_editable else (),
            "can_send": request.user.has_perm("newsletters.send_newsletterissue"),
            "max_attempts": settings.NEWSLETTER_MAX_ATTEMPTS,
            "start_overdue": issue.status == NewsletterIssue.Status.SCHEDULED
            and issue.scheduled_at is not None
            and issue.scheduled_at < timezone.now() - START_GRACE,
        }
        if not issue.is_editable:
            rows = Delivery.objects.filter(issue=issue).select_related("subscriber").order_by("pk")
            context.update(
                progress=sending.progress(issue),
                uncertain_rows=rows.filter(status=Delivery.Status.UNCERTAIN)[:UNCERTAIN_LIST_LIMIT],
                failed_rows=rows.filter(
                    status=Delivery.Status.FAILED, next_attempt_at__isnull=True
                )[:FAILED_LIST_LIMIT],
            )
        return context
