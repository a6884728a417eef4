import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_prose_editor.fields import ProseEditorField

from articles.models import BODY_EDITOR_EXTENSIONS, keep_story_reference, sanitise_body_html
from subscriptions.models import Newsletter


def published_article_choices():
    """Stories an issue may carry: only what readers can already see (the one public filter)."""
    from articles.models import Article

    return {"pk__in": Article.objects.published().values("pk")}


def new_issue_token():
    return secrets.token_urlsafe(32)


class NewsletterIssueQuerySet(models.QuerySet):
    def published(self):
        """Issues readers may read on the site: sending has begun (the email links to them)."""
        return self.filter(status__in=[NewsletterIssue.Status.SENDING, NewsletterIssue.Status.SENT])


class NewsletterIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="issues")
    subject = models.CharField(max_length=200)
    preheader = models.CharField(
        max_length=200, blank=True, help_text="The grey line inboxes show after the subject."
    )
    intro = ProseEditorField(
        extensions=BODY_EDITOR_EXTENSIONS, sanitize=sanitise_body_html, blank=True
    )
    articles = models.ManyToManyField(
        "articles.Article", through="IssueStory", related_name="newsletter_issues", blank=True
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Totals, refreshed from the Delivery rows by newsletters.sending.refresh_counts().
    recipient_count = models.PositiveIntegerField(default=0, editable=False)
    sent_count = models.PositiveIntegerField(default=0, editable=False)
    failed_count = models.PositiveIntegerField(default=0, editable=False)
    skipped_count = models.PositiveIntegerField(default=0, editable=False)
    uncertain_count = models.PositiveIntegerField(default=0, editable=False)
    # The current link of the watch-task chain (see newsletters.tasks.watch_issue): a link whose
    # token no longer matches was superseded (rescheduled, cancelled, restarted) and stops.
    watch_token = models.CharField(max_length=32, blank=True, editable=False)
    # The issue's address on the site while its newsletter is private (256 random bits): the
    # email's "view in browser" link carries it, and nothing else leads there.
    web_token = models.CharField(
        max_length=64, unique=True, default=new_issue_token, editable=False
    )
    # When a link of that chain last checked in: the sweep (services.rewatch_stalled_sends)
    # starts a new chain for an issue whose chain fell silent.
    watched_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NewsletterIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("send_newsletterissue", "Can send or schedule newsletter issues")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        """A public newsletter's issue at its plain address; a private one's only at its
        token address (the plain one answers 404 for it)."""
        if not self.newsletter.is_public:
            return reverse("newsletters:issue_by_token", kwargs={"token": self.web_token})
        return reverse("newsletters:issue", kwargs={"slug": self.newsletter.slug, "pk": self.pk})

    @property
    def is_editable(self):
        """Content is frozen once sending starts: every recipient gets the same issue."""
        return self.status in {self.Status.DRAFT, self.Status.SCHEDULED}

    @property
    def intro_html(self):
        """The intro as safe HTML for the web page, its blocks rendered (articles.blocks):
        sanitised again with the editor's allow-list on the way out, so a row written
        without the admin form (a script, the shell) never reaches a page as raw markup.
        Emails use `intro_email_html()`."""
        from articles.blocks import prepare_bodies

        return prepare_bodies([self.intro])[0].render()

    def intro_email_html(self):
        """The intro for email: absolute addresses, no iframes (a media block is a link)."""
        from articles.blocks import prepare_bodies

        return prepare_bodies([self.intro])[0].portable()


class IssueStory(models.Model):
    issue = models.ForeignKey(
        NewsletterIssue, on_delete=models.CASCADE, related_name="issue_stories"
    )
    # Deleting a story keeps this row, with its headline and address, once the issue has
    # started sending (the record of what readers got); a draft issue just loses the story.
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        on_delete=keep_story_reference,
        related_name="+",
        limit_choices_to=published_article_choices,
        help_text="Only published stories can go into a newsletter.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    story_headline = models.CharField(max_length=250, blank=True, editable=False)
    story_url = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = "story"
        verbose_name_plural = "stories"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "article"], name="issue_story_unique")
        ]

    def __str__(self):
        return f"{self.position + 1}. {self.article or self.story_headline}"

    @classmethod
    def dropped_with_story(cls, rows):
        """Rows of issues not yet sending go with a deleted story (keep_story_reference)."""
        return rows.filter(
            issue__status__in=[NewsletterIssue.Status.DRAFT, NewsletterIssue.Status.SCHEDULED]
        )

    def kept_record_label(self):
        """How the story delete confirmation names this row."""
        return f"The list of stories of the issue “{self.issue}” ({self.issue.newsletter})"


class Delivery(models.Model):
    """One recipient of one issue: unique, so a resumed send never mails anyone twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Handed to a worker"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (left the list)"
        UNCERTAIN = "uncertain", "Uncertain (in flight at a crash)"

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        "subscriptions.Subscriber", on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_once_per_issue")
        ]
        indexes = [models.Index(fields=["issue", "status"])]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id}: {self.status}"
