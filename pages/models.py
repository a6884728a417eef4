"""Editorial content that is not a story: static pages (About, Team, Jobs…) and the support
appeal shown under stories. Both are edited in the admin and cached for readers (pages.site).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorField

from articles.models import TEXT_EDITOR_EXTENSIONS

from .validators import validate_page_slug


class PageQuerySet(models.QuerySet):
    def published(self):
        """Pages readers may open: the only filter the reader site uses."""
        return self.filter(is_published=True)


class Page(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_page_slug],
        help_text="The page's address: “about” makes /about/.",
    )
    intro = models.TextField(
        blank=True,
        help_text="One or two sentences under the title; also the description search engines show.",
    )
    body = ProseEditorField(extensions=TEXT_EDITOR_EXTENSIONS, sanitize=True, blank=True)
    is_published = models.BooleanField(
        "published", default=True, help_text="Unpublished pages answer “not found”."
    )
    show_in_menu = models.BooleanField("in the header's More menu", default=True)
    show_in_footer = models.BooleanField("in the footer", default=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in the menu and the footer."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:page", kwargs={"slug": self.slug})

    @property
    def safe_body(self):
        """The body sanitised again at render: HTML that reached the row without the admin
        form (a script, the shell) is printed just as safely."""
        sanitised = self._meta.get_field("body").sanitize(self.body or "")
        return mark_safe(sanitised)  # noqa: S308 - nh3 output with the editor's allow-list


class SupportAppealQuerySet(models.QuerySet):
    def current(self):
        """The appeal readers see: the most recently edited active one, or None."""
        return self.filter(is_active=True).order_by("-updated_at", "-pk").first()


class SupportAppeal(models.Model):
    """The "Support independent journalism" block under stories.

    The buttons lead to settings.DONATION_URL (the payment provider's page) with the chosen
    amount as `?amount=`; no payment detail ever passes through this site.
    """

    is_active = models.BooleanField(
        "shown to readers",
        default=True,
        help_text="When several are shown, readers see the most recently edited one.",
    )
    heading = models.CharField(max_length=120, default="Support independent journalism")
    text = models.TextField(
        help_text="Two or three sentences on why support matters. Blank lines start paragraphs."
    )
    amounts = models.CharField(
        "suggested amounts",
        max_length=100,
        blank=True,
        help_text="Whole numbers, comma-separated, e.g. “5, 10, 25”. Each becomes a button.",
    )
    currency_symbol = models.CharField(max_length=5, default="$")
    button_label = models.CharField(
        max_length=60, default="Support us", help_text="The main button, for any amount."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportAppealQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = "support appeal"

    def __str__(self):
        return self.heading

    def clean(self):
        try:
            _ = self.amount_list
        except ValueError:
            raise ValidationError(
                {"amounts": "Use whole numbers separated by commas, e.g. “5, 10, 25”."}
            ) from None

    @property
    def amount_list(self):
        """[5, 10, 25] from "5, 10, 25"; raises ValueError on anything else."""
        amounts = [int(part) for part in self.amounts.replace(";", ",").split(",") if part.strip()]
        if any(amount <= 0 for amount in amounts):
            raise ValueError("amounts must be positive")
        return amounts
