from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorField

from articles.embeds import ALLOWED_PROVIDERS, parse_media_url
from articles.models import TEXT_EDITOR_EXTENSIONS, Article, RelatedEmbed


class LiveUpdateQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """Updates readers may see: their time has come and their story is public."""
        at = at or timezone.now()
        # EXISTS per update (a primary-key probe), rather than IN (every public story): the
        # updates are few, the stories many.
        return self.filter(
            Exists(
                Article.objects.published(at=at).filter(pk=OuterRef("article_id"), is_live=True)
            ),
            published_at__lte=at,
        )

    def for_page(self):
        """Pinned first, then newest first, with everything an update shows in one query."""
        return self.select_related("photo", "author", "broken_out_article").order_by(
            "-is_pinned", "-published_at", "-pk"
        )


class LiveUpdate(models.Model):
    """A timestamped update posted under a live story (Article.is_live)."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="live_updates",
        limit_choices_to={"is_live": True},
        verbose_name="live story",
        help_text="The live story this update appears under.",
    )
    headline = models.CharField(
        max_length=200, blank=True, help_text="A short line in bold; optional for quick updates."
    )
    # The same editor and nh3 allow-list as story bodies: nothing else can be stored.
    body = ProseEditorField(extensions=TEXT_EDITOR_EXTENSIONS, sanitize=True, blank=True)
    photo = models.ForeignKey(
        "photos.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    embed_url = models.URLField(
        "embed",
        max_length=500,
        blank=True,
        help_text="A YouTube, Vimeo, Telegram or X post to show with the update.",
    )
    author = models.ForeignKey(
        "articles.Author",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_updates",
    )
    is_pinned = models.BooleanField(
        "pinned", default=False, help_text="Pinned updates stay on top, above the newest."
    )
    published_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        help_text="Readers see the update from this time on (the outlet's time).",
    )
    broken_out_article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The full story made from this update; linked once it is published.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["article", "published_at"])]

    def __str__(self):
        return self.headline or self.summary[:80] or f"Update {self.pk}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#update-{self.pk}"

    def clean(self):
        errors = {}
        if self.embed_url and parse_media_url(self.embed_url) is None:
            errors["embed_url"] = f"This address cannot be embedded. Use a {ALLOWED_PROVIDERS}."
        if not (self.headline or self.summary or self.photo_id or self.embed_url):
            errors["body"] = "Write something: a headline, a text, a photo or an embed."
        if errors:
            raise ValidationError(errors)

    @property
    def summary(self):
        return " ".join(strip_tags(self.body or "").split())

    @property
    def body_html(self):
        # Sanitised again at render time, like story bodies (articles.body): rows that reached
        # the database without the admin form are just as safe to print.
        return mark_safe(self._meta.get_field("body").sanitize(self.body or ""))  # noqa: S308

    @cached_property
    def embed(self):
        """The embed as the story template's media embed include expects it (unsaved)."""
        if not self.embed_url:
            return None
        embed = RelatedEmbed(kind=RelatedEmbed.Kind.MEDIA, url=self.embed_url)
        return embed if embed.media is not None else None

    @property
    def breakout_link(self):
        """The full story made from this update, once readers may see it."""
        story = self.broken_out_article
        return story if story is not None and story.is_published else None
