import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format


def normalize_email(email: str) -> str:
    """The one spelling of an address we store and compare: trimmed and lower-cased."""
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    """A stable, non-reversible key for an address, kept after its owner is erased."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()


class NewsletterQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True).order_by("position", "name")

    def offered_for(self, section=None):
        """Newsletters a signup box offers: the section's own, else the site's default ones."""
        public = self.public()
        if section is not None:
            own = list(public.filter(sections=section))
            if own:
                return own
        return list(public.filter(is_default=True)) or list(public[:1])


class Newsletter(models.Model):
    """A mailing list readers subscribe to; its issues are the newsletters app's."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(help_text="One line on what readers get.")
    frequency = models.CharField(max_length=80, help_text='e.g. "Every weekday morning".')
    sender_name = models.CharField(
        max_length=120, blank=True, help_text="Defaults to the site name."
    )
    sender_email = models.EmailField(blank=True, help_text="Defaults to DEFAULT_FROM_EMAIL.")
    reply_to = models.EmailField(blank=True)
    is_public = models.BooleanField(
        default=True, help_text="Listed on the site and offered at signup."
    )
    is_default = models.BooleanField(
        default=False, help_text="The site's main newsletter, offered where no section has one."
    )
    sections = models.ManyToManyField(
        "articles.Section",
        blank=True,
        related_name="newsletters",
        help_text="Offered in the signup box on these sections' stories.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        # Its table kept the name it had in the newsletters app, where it was born: moving
        # the model here moved no row (migration 0005).
        db_table = "newsletters_newsletter"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsletters:archive", kwargs={"slug": self.slug})


class SubscriberQuerySet(models.QuerySet):
    def with_email(self, email):
        """Rows for an address, matched the way the unique index compares them (lower-cased)."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=normalize_email(email))

    def with_emails(self, emails):
        return self.alias(email_lower=Lower("email")).filter(email_lower__in=list(emails))

    def not_suppressed(self):
        return self.exclude(
            models.Exists(Suppression.objects.filter(email_hash=models.OuterRef("email_hash")))
        )


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

    # Stored normalised (see normalize_email); erased subscribers keep a null email (NULL, not
    # "", so any number of erased rows fit under the unique index).
    email = models.EmailField(max_length=254, null=True, blank=True)  # noqa: DJ001
    # sha256 of the address, so the suppression list (which keeps hashes only) can be checked
    # in SQL. save() fills it; bulk writers (the importer) set it themselves. Not indexed:
    # lookups go from the suppression list's unique hash, and addresses by lower(email).
    # (Every index here is paid for by each row of a million-row import.)
    email_hash = models.CharField(max_length=64, blank=True, editable=False)
    first_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    source = models.CharField(max_length=20, choices=Source, default=Source.SIGNUP_FORM)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consent_text = models.TextField(blank=True)
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    last_confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # The last confirmation email whose hand-off timed out after DATA: it may have gone out,
    # so it is not re-sent blindly (subscriptions/emails.py); the reader can ask again.
    confirmation_uncertain_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The mail server went silent while taking the last confirmation email: it "
        "may not have arrived. It is not re-sent by itself; the reader can sign up again.",
    )
    # Signed into every link we email (confirm, unsubscribe, preferences); raising it turns
    # every link already sent into an invalid one. Erasure and complaints raise it. The
    # database default serves the importers, which write rows in bulk SQL.
    token_version = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
        ]

    def __str__(self):
        return self.email or f"Erased subscriber {self.pk}"

    def save(self, *args, **kwargs):
        if self.email:
            self.email = normalize_email(self.email)
            self.email_hash = email_hash(self.email)
            if "update_fields" in kwargs and kwargs["update_fields"] is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "email_hash"}
        super().save(*args, **kwargs)

    @property
    def is_blocked(self):
        """Bounced, complained or erased: nothing may mail this row again."""
        return self.status in BLOCKED_STATUSES


BLOCKED_STATUSES = frozenset(
    {Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED, Subscriber.Status.ERASED}
)


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    # No single-column indexes on these two: the unique (subscriber, newsletter) and the
    # (newsletter, status) indexes below lead with them, and an import writes every index.
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions", db_index=False
    )
    newsletter = models.ForeignKey(
        Newsletter,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        db_index=False,
    )
    # Queried with the newsletter, so the (newsletter, status) index below serves it.
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
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


class ConfirmationRequest(models.Model):
    """What one signup asked for: its confirmation link confirms these newsletters, once."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="confirmation_requests"
    )
    newsletters = models.ManyToManyField(Newsletter, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Confirmation request {self.pk} ({'used' if self.used_at else 'open'})"


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

    # Indexed by the (subscriber, kind, created_at) index below.
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    # newsletter and actor are not indexed: only deleting a newsletter or a user looks rows
    # up by them, rarely enough that a scan beats an index every import row must write.
    newsletter = models.ForeignKey(
        Newsletter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=Kind)
    method = models.CharField(
        max_length=60, blank=True, help_text='How: "web form", "email link", "one-click", …'
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    detail = models.TextField(blank=True)
    # Read per subscriber (the index below), never across the whole table by date.
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subscriber", "kind", "created_at"])]

    def __str__(self):
        when = date_format(timezone.localtime(self.created_at), "DATETIME_FORMAT")
        return f"{self.get_kind_display()} ({when})"


class SuppressionQuerySet(models.QuerySet):
    def covers(self, email):
        return self.filter(email_hash=email_hash(email)).exists()


class Suppression(models.Model):
    """Addresses no newsletter may mail or import again, kept as a hash only."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"
        ERASED = "erased", "Erased on request"

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, choices=Reason)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()} {self.email_hash[:12]}…"
