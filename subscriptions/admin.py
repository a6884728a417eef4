"""Audience staff's tools: find people, see their consent history, act on them in bulk.

Statuses only change through the service functions (the bulk actions below), so every change
lands in the consent history with the staff member who made it.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from core import audit

from . import admin_views, erasure, services
from .models import ConsentEvent, Newsletter, Subscriber, Subscription, Suppression, email_hash


class NewsletterFilter(admin.SimpleListFilter):
    title = "newsletter"
    parameter_name = "newsletter"

    def lookups(self, request, model_admin):
        return [(str(n.pk), n.name) for n in Newsletter.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(subscriptions__newsletter_id=self.value()).distinct()
        return queryset


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    can_delete = False
    fields = ["newsletter", "status", "subscribed_at", "unsubscribed_at", "created_at"]
    readonly_fields = [*fields, "unsubscribe_link"]
    show_change_link = False

    def get_fields(self, request, obj=None):
        # Leaving one newsletter is a change to the subscriber: offered to those who may.
        if request.user.has_perm("subscriptions.change_subscriber"):
            return [*self.fields, "unsubscribe_link"]
        return self.fields

    @admin.display(description="")
    def unsubscribe_link(self, subscription):
        if subscription.status not in services.LIVE_SUBSCRIPTION_STATUSES:
            return ""
        url = reverse(
            "admin:subscriptions_subscriber_unsubscribe_from",
            args=[subscription.subscriber_id, subscription.newsletter_id],
        )
        return format_html(
            '<a href="{}" class="deletelink">Unsubscribe from {}…</a>',
            url,
            subscription.newsletter.name,
        )

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("newsletter")


class ConsentEventInline(admin.TabularInline):
    model = ConsentEvent
    verbose_name = "consent event"
    verbose_name_plural = "Consent history (newest first)"
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "newsletter", "method", "ip_address", "actor", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("newsletter", "actor")


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    change_list_template = "admin/subscriptions/subscriber/change_list.html"
    list_display = [
        "display_email",
        "first_name",
        "status",
        "newsletter_list",
        "source",
        "created_at",
        "confirmed_at",
    ]
    list_filter = ["status", NewsletterFilter, "source", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["email", "first_name"]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) over a big list on every page view is wasted work
    inlines = [SubscriptionInline, ConsentEventInline]
    actions = [
        "unsubscribe_selected",
        "resend_confirmation",
        "erase_selected",
        "export_personal_data",
    ]
    fieldsets = [
        (None, {"fields": ["email", "first_name", "status", "source"]}),
        (
            "Consent",
            {
                "fields": [
                    "created_at",
                    "consent_at",
                    "consent_ip",
                    "consent_text",
                    "confirmed_at",
                    "last_confirmation_sent_at",
                    "confirmation_uncertain_at",
                ],
                "description": "What the person agreed to, and when. The full history is below.",
            },
        ),
    ]
    readonly_fields = [
        "email",
        "status",
        "source",
        "created_at",
        "consent_at",
        "consent_ip",
        "consent_text",
        "confirmed_at",
        "last_confirmation_sent_at",
        "confirmation_uncertain_at",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "subscriptions",
                    queryset=Subscription.objects.select_related("newsletter").order_by(
                        "newsletter__position", "newsletter__name"
                    ),
                )
            )
        )

    def has_add_permission(self, request):
        # People join through the signup form (double opt-in) or a CSV import, never by hand.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would destroy the consent history; "Delete personal data" erases instead.
        return False

    @admin.display(description="Email", ordering="email")
    def display_email(self, obj):
        return obj.email or format_html("<em>{}</em>", "erased")

    @admin.display(description="Newsletters")
    def newsletter_list(self, obj):
        marks = {"active": "", "pending": " (pending)", "unsubscribed": " (left)"}
        return ", ".join(
            f"{s.newsletter.name}{marks.get(s.status, '')}" for s in obj.subscriptions.all()
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(admin_views.import_upload), name="subscriptions_import"),
            path(
                "import/<str:key>/",
                wrap(admin_views.import_map_and_run),
                name="subscriptions_import_run",
            ),
            path("dashboard/", wrap(admin_views.dashboard_index), name="subscriptions_dashboard"),
            path(
                "dashboard/<int:newsletter_id>/",
                wrap(admin_views.newsletter_dashboard),
                name="subscriptions_newsletter_dashboard",
            ),
            path("export/", wrap(admin_views.export_page), name="subscriptions_export_page"),
            path(
                "<path:object_id>/unsubscribe/<int:newsletter_id>/",
                wrap(self.unsubscribe_from_view),
                name="subscriptions_subscriber_unsubscribe_from",
            ),
            path(
                "export/<int:newsletter_id>/",
                wrap(admin_views.export_csv),
                name="subscriptions_export",
            ),
            *super().get_urls(),
        ]

    def unsubscribe_from_view(self, request, object_id, newsletter_id):
        """Stop one newsletter for one person (the bulk action stops them all): a page that
        asks first, then services.unsubscribe, which writes the consent history with the
        staff member's name, as the bulk action does."""
        subscriber = self.get_object(request, object_id)
        if subscriber is None:
            raise Http404("No such subscriber.")
        if not self.has_change_permission(request, subscriber):
            raise PermissionDenied
        newsletter = get_object_or_404(Newsletter, pk=newsletter_id)
        change_url = reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk])
        subscribed = subscriber.subscriptions.filter(
            newsletter=newsletter, status__in=services.LIVE_SUBSCRIPTION_STATUSES
        ).exists()
        if not subscribed:
            self.message_user(
                request, f"{subscriber} is not subscribed to {newsletter.name}.", messages.WARNING
            )
            return redirect(change_url)
        if request.method == "POST":
            services.unsubscribe(
                subscriber=subscriber,
                newsletter=newsletter,
                method="staff (subscriber page)",
                actor=request.user,
            )
            self.message_user(request, f"Unsubscribed {subscriber} from {newsletter.name}.")
            return redirect(change_url)
        return TemplateResponse(
            request,
            "admin/subscriptions/subscriber/unsubscribe_from_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Unsubscribe {subscriber} from {newsletter.name}?",
                "opts": self.model._meta,
                "subscriber": subscriber,
                "newsletter": newsletter,
                "others": subscriber.subscriptions.filter(
                    status__in=services.LIVE_SUBSCRIPTION_STATUSES
                )
                .exclude(newsletter=newsletter)
                .select_related("newsletter"),
                "change_url": change_url,
            },
        )

    def _after_confirmation(self, request, queryset, *, action, title, template, apply, done):
        """A destructive action's two steps: first a page listing the people and asking
        "Yes, …?", then, once confirmed, `apply` to each of them (it returns whether anything
        changed) and `done` with the count as the message."""
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                template,
                {
                    **self.admin_site.each_context(request),
                    "title": title,
                    "opts": self.model._meta,
                    "subscribers": queryset,
                    "action": action,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        count = sum(bool(apply(subscriber)) for subscriber in queryset)
        self.message_user(request, done.format(count=count))
        return None

    @admin.action(description="Unsubscribe from every newsletter", permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        return self._after_confirmation(
            request,
            queryset,
            action="unsubscribe_selected",
            title="Unsubscribe these people from every newsletter?",
            template="admin/subscriptions/subscriber/unsubscribe_confirmation.html",
            apply=lambda subscriber: services.unsubscribe(
                subscriber=subscriber, method="staff (admin action)", actor=request.user
            ),
            done="Unsubscribed {count} subscriber(s) from everything.",
        )

    @admin.action(description="Resend the confirmation email", permissions=["change"])
    def resend_confirmation(self, request, queryset):
        sent = sum(
            services.resend_confirmation(subscriber=subscriber, actor=request.user)
            for subscriber in queryset
        )
        skipped = queryset.count() - sent
        message = f"Queued {sent} confirmation email(s)."
        if skipped:
            message += f" Skipped {skipped}: nothing waiting for confirmation, or blocked."
        self.message_user(request, message, messages.SUCCESS if sent else messages.WARNING)

    @admin.action(description="Delete personal data (GDPR erasure)", permissions=["change"])
    def erase_selected(self, request, queryset):
        def erase(subscriber):
            if subscriber.status == Subscriber.Status.ERASED:
                return False
            erasure.erase_subscriber(subscriber=subscriber, actor=request.user)
            return True

        return self._after_confirmation(
            request,
            queryset,
            action="erase_selected",
            title="Erase these people's personal data?",
            template="admin/subscriptions/subscriber/erase_confirmation.html",
            apply=erase,
            done="Erased the personal data of {count} subscriber(s).",
        )

    @admin.action(description="Export their data (JSON)", permissions=["view"])
    def export_personal_data(self, request, queryset):
        queryset = queryset.prefetch_related(
            Prefetch("events", queryset=ConsentEvent.objects.select_related("newsletter", "actor"))
        )
        data = [subscriber_data(subscriber) for subscriber in queryset]
        audit.record(
            action=audit.Action.SUBSCRIBERS_EXPORTED, target="personal data", count=len(data)
        )
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="subscriber-data-{stamp}.json"'
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            # Django's list page has no has_change_permission in its context (only change
            # forms do), so the button asks the import view's own rule.
            "can_import": admin_views.may_import(request.user),
            "import_url": reverse("admin:subscriptions_import"),
            "dashboard_url": reverse("admin:subscriptions_dashboard"),
            # The export page starts from the list's newsletter and status filters.
            "export_url": reverse("admin:subscriptions_export_page")
            + "?"
            + urlencode(
                {
                    key: value
                    for key, value in request.GET.items()
                    if key in {"newsletter", "status__exact"}
                }
            ),
        }
        return super().changelist_view(request, extra_context)


def subscriber_data(subscriber):
    """Everything we hold about one person (the right of access), as plain data."""
    return {
        "email": subscriber.email,
        "first_name": subscriber.first_name,
        "status": subscriber.status,
        "source": subscriber.source,
        "created_at": subscriber.created_at,
        "confirmed_at": subscriber.confirmed_at,
        "consent_text": subscriber.consent_text,
        "consent_ip": subscriber.consent_ip,
        "consent_at": subscriber.consent_at,
        "subscriptions": [
            {
                "newsletter": s.newsletter.name,
                "status": s.status,
                "subscribed_at": s.subscribed_at,
                "unsubscribed_at": s.unsubscribed_at,
            }
            for s in subscriber.subscriptions.all()
        ],
        "history": [
            {
                "when": e.created_at,
                "what": e.get_kind_display(),
                "newsletter": e.newsletter.name if e.newsletter else None,
                "how": e.method,
                "ip_address": e.ip_address,
                "by": e.actor.get_username() if e.actor else None,
                "detail": e.detail,
            }
            for e in subscriber.events.all()
        ],
    }


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """The site-wide do-not-mail list. It keeps hashes only: search by typing a full address."""

    list_display = ["short_hash", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email_hash"]
    search_help_text = "Type a full email address to check whether it is suppressed."
    readonly_fields = ["email_hash", "reason", "created_at"]

    @admin.display(description="Address hash")
    def short_hash(self, obj):
        return f"{obj.email_hash[:16]}…"

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:
            return queryset.filter(email_hash=email_hash(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        # Entries come from bounces, complaints and erasures; removing one (a deliberate
        # decision, e.g. the person asks to receive mail again) is allowed.
        return False

    def has_change_permission(self, request, obj=None):
        return False
