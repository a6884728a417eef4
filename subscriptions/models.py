import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


def normalize_email(email: str) -> str:
    """The one spelling of an address we store and compare: trimmed and lower-cased."""
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    """A stable, non-reversible key for an address, kept after its owner is erased."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"
        ERASED = "erased", "Erased"

    class Source(models.TextChoices):
        SIGNUP_FORM = "signup", "Signup form"
        IMPORT = "import", "CSV import"
        ADMIN = "admin", "Added by staff"

    # Stored normalised (see normalize_email); erased subscribers keep a null email.
    email = models.EmailField(max_length=254, null=True, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING, db_index=True)
    source = models.CharField(max_length=20, choices=Source, default=Source.SIGNUP_FORM)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consent_text = models.TextField(blank=True)
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    last_confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
        ]

    def __str__(self):
        return self.email or f"Erased subscriber {self.pk}"


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    newsletter = models.ForeignKey(
        "newsletters.Newsletter", on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING, db_index=True)
    subscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="subscription_unique_newsletter"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self):
        return f"{self.subscriber} → {self.newsletter}"


class ConsentEvent(models.Model):
    """The consent history: what happened to an address, when, how and by whom."""

    class Kind(models.TextChoices):
        SIGNUP = "signup", "Signed up"
        CONFIRMATION = "confirmation", "Confirmed"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribed"
        RESUBSCRIBE = "resubscribe", "Re-subscribed"
        PREFERENCES = "preferences", "Changed preferences"
        IMPORT = "import", "Imported"
        SOFT_BOUNCE = "soft_bounce", "Soft bounce"
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Spam complaint"
        ERASURE = "erasure", "Personal data erased"
        ADMIN = "admin", "Changed by staff"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="events")
    newsletter = models.ForeignKey(
        "newsletters.Newsletter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    method = models.CharField(
        max_length=60, blank=True, help_text='How: "web form", "email link", "one-click", …'
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class Suppression(models.Model):
    """Addresses no newsletter may mail or import again, kept as a hash only."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"
        ERASED = "erased", "Erased on request"

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, choices=Reason)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.get_reason_display()} {self.email_hash[:12]}…"
