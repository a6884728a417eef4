"""Reader-facing pages: signup, confirmation, one-click unsubscribe, preferences.

CSRF: the signup box is printed into pages that one cached copy serves to everyone, so it
cannot carry a per-visitor token; the signup endpoint is exempt and guarded instead by
double opt-in, a honeypot and rate limits. The unsubscribe, re-subscribe and preference
endpoints carry a signed token in their URL, a secret a forged cross-site request cannot
know, and mail clients POST to the unsubscribe URL without cookies (RFC 8058), so those are
exempt too.

The confirmation page is the exception that keeps the check: its button is the one act that
turns a signup into consent, and the page is never cached, so it carries a CSRF token. A
program that POSTs every link it finds in a message (some link scanners, and mail clients
that treat links like RFC 8058 ones) then confirms nothing: it would have to load the page,
keep its cookie and submit its form, as only a person's browser does. Without JavaScript
the plain form works the same.

Every token names a subscriber and their token version; a version that no longer matches
(complaint, erasure) makes the link answer as invalid, like a forged one.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.clientip import client_ip
from core.ratelimit import RateLimit

from . import services, tokens
from .forms import PreferencesForm, ResendConfirmationForm, SignupForm, consent_line
from .models import Newsletter, Subscriber, Subscription, normalize_email

THANKS = "Thank you for signing up. We've sent you a confirmation email."
REFUSED = (
    "We've had a lot of signup attempts from your connection or for this address in a short "
    "time, so we've paused signups for it. Please try again in an hour. If you already signed "
    "up, check your inbox (and spam folder) for our confirmation email."
)


def signup_limits():
    return (
        # Fail open when the cache is down: double opt-in protects signups (docs/security.md).
        RateLimit("signup-ip", settings.SIGNUP_RATE_LIMIT_PER_IP, fail_open=True),
        RateLimit("signup-address", settings.SIGNUP_RATE_LIMIT_PER_ADDRESS, fail_open=True),
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _return_address(request, value: str) -> str:
    """Where to send the reader back to: the `next` the browser filled in (the signup box
    itself carries none, being one copy for every page), else the page the Referer names,
    when it is on this site and not the signup pages themselves."""
    if value:
        return _safe_next(request, value)
    referer = urlsplit(request.headers.get("Referer", ""))
    if (
        referer.scheme not in {"http", "https"}
        or referer.netloc != request.get_host()
        or not referer.path.startswith("/")
        or referer.path.startswith(reverse("subscriptions:signup"))
    ):
        return ""
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    return _safe_next(request, path)


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@method_decorator(csrf_exempt, name="dispatch")
class SignupView(View):
    template_name = "subscriptions/signup.html"

    def get(self, request):
        wanted = request.GET.getlist("newsletter")
        public = list(Newsletter.objects.public())
        initial = [n.slug for n in public if n.slug in wanted] or [
            n.slug for n in public if n.is_default
        ]
        form = SignupForm(
            initial={"newsletters": initial, "next": _safe_next(request, request.GET.get("next"))}
        )
        return render(request, self.template_name, self.context(form, public))

    @staticmethod
    def context(form, newsletters):
        return {"form": form, "newsletters": newsletters, "consent_line": consent_line()}

    def post(self, request):
        ip = client_ip(request)
        ip_limit, address_limit = signup_limits()
        if not ip_limit.hit(ip):
            return self._refused(request)
        data = request.POST.copy()
        data["next"] = _return_address(request, data.get("next", ""))
        form = SignupForm(data)
        if form.is_bot():
            # Bots get the same thank-you a person would, and nothing is created or sent.
            return self._done(request, form.data.get("next", ""))
        if not form.is_valid():
            return self._invalid(request, form)
        email = form.cleaned_data["email"]
        if not address_limit.hit(normalize_email(email)):
            return self._refused(request)
        chosen = list(form.cleaned_data["newsletters"])
        services.subscribe(
            email=email,
            newsletters=chosen,
            first_name=form.cleaned_data["first_name"],
            ip=ip,
            consent_text=consent_line(chosen),
        )
        return self._done(request, form.cleaned_data["next"])

    def _done(self, request, next_url):
        if _wants_json(request):
            return JsonResponse({"ok": True, "message": THANKS})
        url = reverse("subscriptions:signup_thanks")
        next_url = _safe_next(request, next_url)
        if next_url:
            url += "?" + urlencode({"next": next_url})
        return redirect(url, permanent=False)

    def _invalid(self, request, form):
        if _wants_json(request):
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            answer = {"ok": False, "errors": errors}
            if form.email_suggestion:
                answer["suggestion"] = form.email_suggestion
            return JsonResponse(answer, status=400)
        context = self.context(form, list(Newsletter.objects.public()))
        return render(request, self.template_name, context, status=400)

    def _refused(self, request):
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": REFUSED}, status=429)
        return render(
            request, "subscriptions/signup_refused.html", {"message": REFUSED}, status=429
        )


def signup_thanks(request):
    return render(
        request,
        "subscriptions/signup_thanks.html",
        {"message": THANKS, "next": _safe_next(request, request.GET.get("next", ""))},
    )


def _holder(link):
    """The subscriber a verified link names, or None if the row or its address is gone.

    Raises BadSignature for a link from before the subscriber's token version was raised,
    so callers answer a revoked link exactly like a forged one.
    """
    subscriber = Subscriber.objects.filter(pk=link.subscriber_id).first()
    if subscriber is not None and subscriber.token_version != link.version:
        raise signing.BadSignature("Revoked: the subscriber's token version has moved on")
    if subscriber is None or subscriber.email is None:
        return None
    return subscriber


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def confirm(request, token):
    """GET: a page with one button, and nothing changes. POST (the button): confirmed."""
    try:
        link, expired = tokens.read_confirmation_token(token)
        subscriber = _holder(link)
    except signing.BadSignature:
        return _invalid_link(request, status=400)
    if subscriber is None:
        return _invalid_link(request, status=404)
    if expired or link.request_id is None:
        return _invalid_link(request, token=token, expired=True)
    confirmation_request = subscriber.confirmation_requests.filter(pk=link.request_id).first()
    if confirmation_request is None:
        return _invalid_link(request, status=404)
    used = {"subscriber": subscriber, "used": True}
    if confirmation_request.used_at is not None:
        status = 409 if request.method == "POST" else 200
        return render(request, "subscriptions/confirm.html", used, status=status)
    if request.method != "POST":
        asked = confirmation_request.newsletters.order_by("position", "name")
        context = {"subscriber": subscriber, "newsletters": asked}
        return render(request, "subscriptions/confirm.html", context)
    result = services.confirm(confirmation_request=confirmation_request, ip=client_ip(request))
    if result.already_used:  # a second press that raced the first
        return render(request, "subscriptions/confirm.html", used, status=409)
    return render(
        request,
        "subscriptions/welcome.html",
        {
            "subscriber": subscriber,
            "result": result,
            "preferences_url": tokens.preferences_url(subscriber),
        },
    )


def _invalid_link(request, *, token="", expired=False, status=200):
    return render(
        request,
        "subscriptions/link_invalid.html",
        {"token": token, "expired": expired, "form": ResendConfirmationForm()},
        status=status,
    )


@csrf_exempt
@never_cache
def resend_confirmation(request):
    """A fresh confirmation link, asked for from the expired-link page. Reveals nothing."""
    if request.method != "POST":
        return redirect("subscriptions:signup")
    ip_limit, address_limit = signup_limits()
    if not ip_limit.hit(client_ip(request)):
        return render(
            request, "subscriptions/signup_refused.html", {"message": REFUSED}, status=429
        )
    token = request.POST.get("token", "")
    if token:
        try:
            link, _ = tokens.read_confirmation_token(token)
            _holder(link)
        except signing.BadSignature:
            return _invalid_link(request, status=400)
        services.request_fresh_confirmation(
            subscriber_id=link.subscriber_id, request_id=link.request_id
        )
    else:
        form = ResendConfirmationForm(request.POST)
        if not form.is_valid():
            context = {"form": form, "token": "", "expired": True}
            return render(request, "subscriptions/link_invalid.html", context, status=400)
        email = normalize_email(form.cleaned_data["email"])
        if address_limit.hit(email):
            services.request_fresh_confirmation(email=email)
    return render(request, "subscriptions/resend_sent.html")


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(View):
    """GET: a page with one button. POST: unsubscribed at once (RFC 8058 one-click)."""

    template_name = "subscriptions/unsubscribe.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.subscriber = self.newsletter = None
        self.token_ok = True
        try:
            link = tokens.read_unsubscribe_token(kwargs["token"])
            self.subscriber = _holder(link)
        except signing.BadSignature:
            self.token_ok = False
            return
        if link.newsletter_id is not None:
            self.newsletter = Newsletter.objects.filter(pk=link.newsletter_id).first()

    def context(self, **extra):
        subscriber, newsletter = self.subscriber, self.newsletter
        receiving = False
        if subscriber is not None:
            live = subscriber.subscriptions.filter(
                status__in=[Subscription.Status.ACTIVE, Subscription.Status.PENDING]
            )
            if newsletter is not None:
                live = live.filter(newsletter=newsletter)
            receiving = live.exists()
        return {
            "subscriber": subscriber,
            "newsletter": newsletter,
            "receiving": receiving,
            "token": self.kwargs["token"],
            **extra,
        }

    def get(self, request, token):
        if not self.token_ok:
            return render(request, self.template_name, {"bad_token": True}, status=400)
        return render(request, self.template_name, self.context())

    def post(self, request, token):
        if not self.token_ok:
            return render(request, self.template_name, {"bad_token": True}, status=400)
        left = []
        if self.subscriber is not None:
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            left = services.unsubscribe(
                subscriber=self.subscriber,
                newsletter=self.newsletter,
                method="one-click (mail client)" if one_click else "unsubscribe page",
                ip=client_ip(request),
            )
        return render(request, self.template_name, self.context(done=True, left=left))


@csrf_exempt
@never_cache
def resubscribe(request, token):
    """The "changed your mind?" button on the unsubscribe page: a fresh confirmation email.

    Never a switch back on. Unsubscribe links travel where consent does not: forwarded
    issues, List-Unsubscribe headers that mail providers read, shared screenshots. So
    coming back is a signup like any other, confirmed from the mailbox.
    """
    try:
        link = tokens.read_unsubscribe_token(token)
        subscriber = _holder(link)
    except signing.BadSignature:
        return render(request, "subscriptions/unsubscribe.html", {"bad_token": True}, status=400)
    newsletter = Newsletter.objects.filter(pk=link.newsletter_id).first()
    if request.method != "POST" or subscriber is None or newsletter is None:
        return redirect("subscriptions:unsubscribe", token=token)
    context = {"newsletter": newsletter, "email": subscriber.email}
    if subscriber.subscriptions.filter(
        newsletter=newsletter, status=Subscription.Status.ACTIVE
    ).exists():
        return render(request, "subscriptions/resubscribed.html", {**context, "still": True})
    ip = client_ip(request)
    if not signup_limits()[0].hit(ip):
        return render(
            request, "subscriptions/signup_refused.html", {"message": REFUSED}, status=429
        )
    queued = services.subscribe(
        email=subscriber.email, newsletters=[newsletter], ip=ip, method="unsubscribe page"
    )
    return render(request, "subscriptions/resubscribed.html", {**context, "sent": bool(queued)})


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class PreferencesView(View):
    """Every newsletter on or off, or leave them all, from a signed link (no account)."""

    template_name = "subscriptions/preferences.html"

    def dispatch(self, request, token):
        try:
            self.subscriber = _holder(tokens.read_preferences_token(token))
        except signing.BadSignature:
            return render(request, self.template_name, {"bad_token": True}, status=400)
        if self.subscriber is None:
            return render(request, self.template_name, {"gone": True}, status=404)
        self.choices = list(services.subscriber_newsletters(self.subscriber))
        return super().dispatch(request, token)

    def render_page(self, form, status=200, **extra):
        receiving = {n.pk for n, status in self.choices if status == Subscription.Status.ACTIVE}
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "subscriber": self.subscriber,
                "choices": [(n, n.pk in receiving) for n, _ in self.choices],
                "blocked": self.subscriber.is_blocked,
                **extra,
            },
            status=status,
        )

    def get(self, request, token):
        offered = [n for n, _ in self.choices]
        return self.render_page(PreferencesForm(offered=offered))

    def post(self, request, token):
        offered = [n for n, _ in self.choices]
        form = PreferencesForm(request.POST, offered=offered)
        if not form.is_valid():
            return self.render_page(form, status=400)
        wanted = [] if "leave_all" in request.POST else list(form.cleaned_data["newsletters"])
        on, off = services.set_preferences(
            subscriber=self.subscriber, newsletters=wanted, ip=client_ip(request)
        )
        self.choices = list(services.subscriber_newsletters(self.subscriber))
        return self.render_page(
            PreferencesForm(offered=offered), saved=True, switched_on=on, switched_off=off
        )
