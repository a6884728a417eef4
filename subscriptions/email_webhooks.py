"""Which email provider may report bounces and complaints, and what proves a post is its.

One accepted post suppresses an address for ever, so the webhook fails closed:

- EMAIL_WEBHOOK_PROVIDER names one provider. With none named, no /anymail/ URL exists.
- The named provider's tracking URL (anymail's own view for it, and no other of anymail's
  views) is mounted only when its credential is set and well formed: the provider's signing key
  where anymail verifies signatures (Mailgun, SendGrid, Resend), else the basic-auth
  "user:password" in ANYMAIL_WEBHOOK_SECRET (Amazon SES, whose SNS signatures anymail does not
  check, Brevo and Postmark, which sign nothing).
- An unknown provider stops the settings import; with DEBUG off so does a provider without its
  credential (gunicorn then refuses to start). `check --deploy` reports both whatever DEBUG
  says, as webhooks.E001 and webhooks.E002.

newsroom/settings.py imports this module, so it imports no model and reads nothing but the
values it is given.
"""

import base64
import binascii
from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    label: str
    view: str  # anymail's tracking view for the provider
    credential: str  # its key in settings.ANYMAIL
    signed: bool  # True: the credential verifies the provider's signature; False: basic auth

    @property
    def variable(self) -> str:
        """The environment variable that sets the credential (newsroom/settings.py)."""
        return "ANYMAIL_WEBHOOK_SECRET" if self.credential == "WEBHOOK_SECRET" else self.credential


PROVIDERS = {
    "amazon_ses": Provider(
        "Amazon SES",
        "anymail.webhooks.amazon_ses.AmazonSESTrackingWebhookView",
        "WEBHOOK_SECRET",
        signed=False,
    ),
    "brevo": Provider(
        "Brevo", "anymail.webhooks.brevo.BrevoTrackingWebhookView", "WEBHOOK_SECRET", signed=False
    ),
    "mailgun": Provider(
        "Mailgun",
        "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
        "MAILGUN_WEBHOOK_SIGNING_KEY",
        signed=True,
    ),
    "postmark": Provider(
        "Postmark",
        "anymail.webhooks.postmark.PostmarkTrackingWebhookView",
        "WEBHOOK_SECRET",
        signed=False,
    ),
    "resend": Provider(
        "Resend",
        "anymail.webhooks.resend.ResendTrackingWebhookView",
        "RESEND_SIGNING_SECRET",
        signed=True,
    ),
    "sendgrid": Provider(
        "SendGrid",
        "anymail.webhooks.sendgrid.SendGridTrackingWebhookView",
        "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY",
        signed=True,
    ),
}


def configured(name: str, credentials: dict, *, debug: bool) -> dict:
    """settings.ANYMAIL for provider `name`: the credentials that are set (an empty one is no
    credential: anymail would check Mailgun signatures against the empty key, and skip
    SendGrid's). An unknown provider stops start-up; so does one without its credential
    unless DEBUG is on (the URL is then not served)."""
    from django.core.exceptions import ImproperlyConfigured

    anymail = {key: value for key, value in credentials.items() if value}
    if problem := unknown_provider(name):
        raise ImproperlyConfigured(f"webhooks.E001: {problem}")
    if not debug and (problem := credential_problem(name, anymail)):
        raise ImproperlyConfigured(f"webhooks.E002: {problem}")
    return anymail


def tracking_path(name: str) -> str:
    """Where the provider posts, under /anymail/ (anymail's own address for it)."""
    return f"{name}/tracking/"


def unknown_provider(name: str) -> str | None:
    """Why `name` names no supported provider, or None ("" is fine: no webhook)."""
    if not name or name in PROVIDERS:
        return None
    return (
        f"EMAIL_WEBHOOK_PROVIDER={name!r} is not a supported provider: use one of "
        f"{', '.join(sorted(PROVIDERS))}, or leave it empty for no bounce webhook."
    )


def credential_problem(name: str, anymail: dict) -> str | None:
    """Why the named provider's webhook cannot be served safely with these ANYMAIL settings,
    or None. No provider, or an unknown one (see unknown_provider), has no credential problem."""
    provider = PROVIDERS.get(name)
    if provider is None:
        return None
    value = anymail.get(provider.credential)
    if not value:
        if provider.signed:
            need = f"the signing key that proves a post comes from {provider.label}"
        else:
            need = (
                f'the "user:password" {provider.label} sends, in its webhook URL '
                f"https://user:password@your-site/anymail/{tracking_path(name)}"
            )
        empty = f"EMAIL_WEBHOOK_PROVIDER is {name}, but {provider.variable} is empty"
        return f"{empty}: set it to {need}."
    malformed = _malformed(provider, value)
    if malformed:
        return f"EMAIL_WEBHOOK_PROVIDER is {name}, but {provider.variable} {malformed}."
    return None


def _malformed(provider: Provider, value) -> str | None:
    if provider.credential == "WEBHOOK_SECRET":
        # anymail also takes a list, to rotate the secret.
        for secret in [value] if isinstance(value, str) else value:
            user, colon, password = str(secret).partition(":")
            if not (user and colon and password):
                return 'must be "user:password" (both parts non-empty)'
    elif provider.credential == "RESEND_SIGNING_SECRET":
        prefix, _, key = str(value).partition("_")
        try:
            decoded = base64.b64decode(key, validate=True)
        except binascii.Error:
            decoded = b""
        if prefix != "whsec" or not decoded:
            return 'must be the "whsec_..." signing secret Resend shows for the webhook'
    elif provider.credential == "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY":
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        pem = f"-----BEGIN PUBLIC KEY-----\n{value}\n-----END PUBLIC KEY-----"
        try:
            load_pem_public_key(pem.encode())
        except ValueError:
            return "is not the public key SendGrid shows for the signed event webhook"
    return None


def urlpatterns(name: str, anymail: dict) -> list:
    """The named provider's tracking URL, when it is known and its credential is good; else
    nothing (so a refused configuration serves no webhook even where DEBUG let it start)."""
    if not name or unknown_provider(name) or credential_problem(name, anymail):
        return []
    from django.urls import path
    from django.utils.module_loading import import_string

    view = import_string(PROVIDERS[name].view)
    return [path(tracking_path(name), view.as_view(), name=f"{name}_tracking_webhook")]


def check_email_webhook(app_configs=None, **kwargs):
    """Deploy check (registered in SubscriptionsConfig.ready)."""
    from django.conf import settings
    from django.core.checks import Error

    name = getattr(settings, "EMAIL_WEBHOOK_PROVIDER", "")
    anymail = getattr(settings, "ANYMAIL", {})
    if problem := unknown_provider(name):
        return [Error(problem, id="webhooks.E001")]
    if problem := credential_problem(name, anymail):
        return [Error(problem, hint="The webhook URL is not served.", id="webhooks.E002")]
    return []
