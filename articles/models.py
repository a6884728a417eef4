import math

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from core.reverse import slug_url
from photos.models import Photo

from .audio import audio_upload_to, validate_audio_file
from .body import BODY_EDITOR_EXTENSIONS, TEXT_EDITOR_EXTENSIONS, sanitise_body_html  # noqa: F401
from .deletion import keep_story_reference, records_kept_on_delete  # noqa: F401
from .publication import PUBLIC_STATUSES, ArticleQuerySet, StoryStatus


class SectionQuerySet(models.QuerySet):
    def navigation(self):
        """Sections shown in the site header, in their editorial order."""
        return self.filter(shown_in_navigation=True).order_by("position", "name")


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two lines shown on the section page."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in the navigation."
    )
    shown_in_navigation = models.BooleanField(default=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:section", self.slug)


class Author(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        DESK = "desk", "Desk"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PERSON)
    job_title = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True, help_text="Public contact address, if any.")
    website_url = models.URLField(blank=True)
    x_handle = models.CharField(max_length=40, blank=True, help_text="Without the @.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The staff login of this person, so their own stories are theirs to edit.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("articles:author", self.slug)


class Article(models.Model):
    Status = StoryStatus

    class Kind(models.TextChoices):
        NEWS = "news", "News"
        ANALYSIS = "analysis", "Analysis"
        FEATURE = "feature", "Feature"
        OPINION = "opinion", "Opinion"
        INTERVIEW = "interview", "Interview"
        VIDEO = "video", "Video"
        EXPLAINER = "explainer", "Explainer"

    headline = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True)
    dek = models.TextField(
        "standfirst", blank=True, help_text="One or two sentences under the headline."
    )
    body = ProseEditorField(
        extensions=BODY_EDITOR_EXTENSIONS, sanitize=sanitise_body_html, blank=True
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.NEWS)
    tags = TaggableManager(blank=True)
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles")

    lead_photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="lead_for"
    )
    lead_photo_caption = models.CharField(
        "caption for this story",
        max_length=500,
        blank=True,
        help_text="Leave empty to use the photo's own caption.",
    )

    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When readers may see it (the outlet's time).",
    )
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Shown as “Updated …” when the story changed after publication.",
    )
    is_featured = models.BooleanField("featured", default=False)
    is_editors_pick = models.BooleanField("editors' pick", default=False)
    in_news_feed = models.BooleanField("in the news feed", default=False)
    # Empty positions sort after numbered ones, so flagging a story never needs a number.
    featured_position = models.PositiveSmallIntegerField(
        "featured order",
        null=True,
        blank=True,
        help_text="1 comes first among featured stories; unnumbered ones follow, newest first.",
    )
    editors_pick_position = models.PositiveSmallIntegerField(
        "editors' pick order",
        null=True,
        blank=True,
        help_text="1 comes first among editors' picks; unnumbered ones follow, newest first.",
    )

    # Live coverage: editors post timestamped updates (live.LiveUpdate) under the story.
    is_live = models.BooleanField(
        "live coverage",
        default=False,
        help_text="Readers see timestamped updates under the story, newest first.",
    )
    coverage_start_at = models.DateTimeField(
        "coverage started", null=True, blank=True, help_text="Empty: the publish time."
    )
    coverage_end_at = models.DateTimeField(
        "coverage ended",
        null=True,
        blank=True,
        help_text="Set when the coverage is over: the Live label goes and pages stop updating.",
    )
    comments_enabled = models.BooleanField(
        "comments open",
        default=True,
        help_text="Readers may comment (under moderation) until comments close after some days.",
    )

    audio = models.FileField(
        "audio version",
        upload_to=audio_upload_to,
        blank=True,
        max_length=200,
        validators=[validate_audio_file],
        help_text="An MP3, M4A or Ogg recording of the story, played above the body.",
    )
    audio_ai_assisted = models.BooleanField(
        "audio made with AI assistance",
        default=False,
        help_text="Readers are told: “This audio is created with AI assistance”.",
    )
    audio_transcript_url = models.URLField(
        "transcript address",
        blank=True,
        max_length=500,
        help_text="Where the transcript lives, if it is published elsewhere.",
    )
    audio_transcript = models.TextField(
        "transcript",
        blank=True,
        help_text="Or paste the transcript here: it gets its own page linked under the player.",
    )
    # Internal only: never rendered on reader pages, feeds, JSON-LD, search or the API.
    editor_notes = models.TextField(
        "editors' notes",
        blank=True,
        help_text="For the desk only (sources, legal checks, what is still missing). "
        "Readers never see this.",
    )
    # Filled by the database (see articles/search.py): headline, standfirst, body, tags and
    # author names, weighted, kept current by triggers whatever writes the rows.
    search_vector = SearchVectorField(null=True, editable=False)

    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Who last put the story live (set by articles.services.publish and save_story).
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        # Checked by articles.services and the admin on top of the model's change permission.
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish stories"),
            ("withdraw_article", "Can withdraw stories from the site (takedown)"),
            ("change_any_article", "Can edit stories filed by anyone"),
            ("preview_article", "Can preview unpublished stories and share preview links"),
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"]),
            GinIndex(fields=["search_vector"], name="article_search_vector_gin"),
            # Reader blocks and listings read a few index entries, not every public story
            # (bench/run.py measures them on 10,000 stories).
            models.Index(
                fields=["featured_position", "publish_at"],
                condition=Q(is_featured=True),
                name="article_featured_order",
            ),
            models.Index(
                fields=["editors_pick_position", "publish_at"],
                condition=Q(is_editors_pick=True),
                name="article_picks_order",
            ),
            models.Index(
                fields=["publish_at"], condition=Q(in_news_feed=True), name="article_news_feed"
            ),
            models.Index(fields=["publish_at"], condition=Q(is_live=True), name="article_live"),
            models.Index(
                fields=["section", "publish_at", "status"], name="article_section_listing"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=list(PUBLIC_STATUSES)) | Q(publish_at__isnull=False),
                name="article_public_has_publish_at",
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.reading_minutes = self.compute_reading_minutes()
        if self.status in PUBLIC_STATUSES and self.publish_at is None:
            self.publish_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "reading_minutes"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:article", self.slug)

    def compute_reading_minutes(self):
        words = len(strip_tags(f"{self.dek} {self.body}").split())
        return max(1, math.ceil(words / settings.READING_WORDS_PER_MINUTE))

    @property
    def is_published(self):
        return (
            self.status in PUBLIC_STATUSES
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def lead_caption(self):
        if self.lead_photo_caption:
            return self.lead_photo_caption
        return self.lead_photo.caption if self.lead_photo else ""

    @property
    def ordered_bylines(self):
        """Bylines in order: the list publication.card_bylines loaded, else related rows."""
        if (loaded := self.__dict__.get("card_bylines")) is not None:
            return loaded
        return sorted(self.bylines.all(), key=lambda byline: (byline.position, byline.pk or 0))

    @property
    def byline_authors(self):
        return [byline.author for byline in self.ordered_bylines]

    @property
    def lead_credit(self):
        return self.lead_photo.credit if self.lead_photo else ""

    @property
    def excerpt(self):
        """The standfirst, or the body's opening words when there is none (cards, meta)."""
        if self.dek:
            return self.dek
        return Truncator(" ".join(strip_tags(self.body).split())).words(40)

    @property
    def coverage_started_at(self):
        return self.coverage_start_at or self.publish_at

    @property
    def is_live_now(self):
        """Live coverage that has not ended: the page shows "Live" and polls for updates."""
        return self.is_live and (
            self.coverage_end_at is None or self.coverage_end_at > timezone.now()
        )

    @property
    def transcript_url(self):
        """Where the audio version's transcript is: its own address, or our transcript page."""
        if self.audio_transcript_url:
            return self.audio_transcript_url
        if self.audio_transcript:
            return reverse("articles:transcript", kwargs={"slug": self.slug})
        return ""

    @property
    def was_updated(self):
        """True when the story changed after publication, so "Updated …" is worth showing."""
        return bool(self.updated_at and self.publish_at and self.updated_at > self.publish_at)


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class ArticleSlugHistory(models.Model):
    """An old address, /story/<slug>/, answering 301 with the story's current one. Rows point
    at the story, so three renames still cost one redirect (articles.redirects)."""

    slug = models.SlugField(max_length=250, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "old story address"
        verbose_name_plural = "old story addresses"

    def __str__(self):
        return self.slug


class RelatedEmbed(models.Model):
    class Kind(models.TextChoices):
        STORY = "story", "Another story of ours"
        LINK = "link", "Outside link"
        MEDIA = "media", "Media embed (YouTube, Vimeo, Telegram, X)"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="embeds")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.STORY)
    after_paragraph = models.PositiveSmallIntegerField(
        default=1, help_text="Placed after this paragraph of the body (0 puts it before the first)."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order among embeds.")
    target_article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=keep_story_reference,
        related_name="embedded_in",
        help_text="For a story card: its headline, excerpt, section and authors are taken from it.",
    )
    # What a story card pointed to, kept if that story is deleted (keep_story_reference).
    story_headline = models.CharField(max_length=250, blank=True, editable=False)
    story_url = models.CharField(max_length=300, blank=True, editable=False)
    url = models.URLField(blank=True, max_length=500)
    title = models.CharField(max_length=250, blank=True)
    excerpt = models.TextField(blank=True)
    source_name = models.CharField(
        max_length=120, blank=True, help_text='e.g. "Kyiv Science Weekly".'
    )
    author_line = models.CharField(max_length=200, blank=True)
    image = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} in {self.article_id}"

    def kept_record_label(self):
        """How the delete confirmation names this card when its story goes."""
        return f"A card in the story “{self.article.headline}”"

    def clean(self):
        from .embeds import ALLOWED_PROVIDERS, parse_media_url

        errors = {}
        if self.kind == self.Kind.STORY:
            # A card whose story was deleted keeps its record and lets the story it sits in
            # be saved; readers no longer see it (is_visible).
            if not self.target_article_id and not (self.pk and self.story_headline):
                errors["target_article"] = "Choose the story this card points to."
            elif self.article_id and self.target_article_id == self.article_id:
                errors["target_article"] = "A story cannot point to itself."
        elif self.kind == self.Kind.LINK:
            if not self.url:
                errors["url"] = "A link card needs the address it points to."
            if not self.title:
                errors["title"] = "A link card needs a title."
        elif self.kind == self.Kind.MEDIA:
            if not self.url:
                errors["url"] = f"Paste the address of a {ALLOWED_PROVIDERS} post or video."
            elif parse_media_url(self.url) is None:
                errors["url"] = (
                    f"This address cannot be embedded. Only {ALLOWED_PROVIDERS} "
                    "addresses are allowed; use an outside link card for anything else."
                )
        if errors:
            raise ValidationError(errors)

    @cached_property
    def media(self):
        """Embed data for a media embed's URL (see articles.embeds), None otherwise."""
        from .embeds import parse_media_url

        return parse_media_url(self.url) if self.kind == self.Kind.MEDIA else None

    @property
    def is_visible(self):
        """Whether readers see this embed: a story card only while its story is public."""
        if self.kind == self.Kind.STORY:
            return self.target_article is not None and self.target_article.is_published
        if self.kind == self.Kind.LINK:
            return bool(self.url and self.title)
        return self.media is not None


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right, in plain words.")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["published_at", "pk"]
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates"

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"
