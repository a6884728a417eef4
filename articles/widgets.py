"""Admin widgets: a photo picker that shows what was picked, tags with suggestions, and
thumbnails for list columns."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from taggit.forms import TagWidget
from taggit.models import Tag

from .models import Photo
from .renditions import default_rendition

THUMBNAIL_WIDTH = 320


def photo_thumbnail(photo, max_width=THUMBNAIL_WIDTH):
    """The smallest rendition wide enough for an admin thumbnail (the original before any)."""
    return default_rendition(photo, max_width=max_width)


class PhotoPreviewSelect(AutocompleteSelect):
    """Autocomplete over photos (by caption, credit, alt text) with a thumbnail of the choice.

    The thumbnail is rendered on the server for the saved value; `photo-preview.js` swaps
    it when the editor picks another photo, asking the photo admin's `thumbnail/` endpoint.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Rendered here rather than from a template: the form renderer only looks in app
        # template folders, and this markup is small.
        select = super().render(name, value, attrs, renderer)
        photo = self._photo(value)
        endpoint = reverse(f"{self.admin_site.name}:articles_photo_thumbnail")
        if photo is None:
            preview = format_html(
                '<figure class="photo-preview" data-endpoint="{}" hidden>'
                '<img src="" alt="" width="160"><figcaption></figcaption></figure>',
                endpoint,
            )
        else:
            thumbnail = photo_thumbnail(photo)
            preview = format_html(
                '<figure class="photo-preview" data-endpoint="{}">'
                '<img src="{}" alt="{}" width="160" height="{}">'
                '<figcaption>{} <span class="photo-credit">({})</span></figcaption></figure>',
                endpoint,
                thumbnail.url,
                photo.alt_text,
                round(160 * thumbnail.height / max(thumbnail.width, 1)),
                photo.caption,
                photo.credit,
            )
        return format_html('<div class="photo-picker">{}{}</div>', select, preview)

    @staticmethod
    def _photo(value):
        if value in (None, "") or not str(value).isdigit():
            return None
        return Photo.objects.filter(pk=value).first()

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] += " photo-preview-select"
        return attrs

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin-extra/photo-preview.js"],
        )


class TagSuggestWidget(TagWidget):
    """taggit's comma-separated input, plus the most used tags one click away and
    completion of the tag being typed (a datalist filled by `tag-suggest.js`)."""

    popular_count = 15

    def __init__(self, attrs=None, *, suggest_url_name="admin:articles_article_tag_suggestions"):
        super().__init__(attrs={"class": "vTextField tag-suggest-input", **(attrs or {})})
        self.suggest_url_name = suggest_url_name

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {})}
        input_id = attrs.setdefault("id", f"id_{name}")
        list_id = f"{input_id}-suggestions"
        attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "data-suggest-url": reverse(self.suggest_url_name),
            }
        )
        field = super().render(name, value, attrs, renderer)
        popular = popular_tags(limit=self.popular_count)
        buttons = format_html_join(
            " ",
            '<button type="button" class="tag-chip" data-tag="{}">{}</button>',
            ((tag, tag) for tag in popular),
        )
        chips = (
            format_html(
                '<div class="tag-chips" data-for="{}">'
                '<span class="tag-chips-label">Most used:</span> {}</div>',
                input_id,
                buttons,
            )
            if popular
            else ""
        )
        return format_html(
            '<div class="tag-suggest">{}<datalist id="{}"></datalist>{}</div>',
            field,
            list_id,
            chips,
        )

    class Media:
        js = ["admin-extra/tag-suggest.js"]


def popular_tags(*, limit, containing=""):
    """Tag names by how many stories use them, most used first."""
    tags = Tag.objects.annotate(uses=Count("taggit_taggeditem_items"))
    if containing:
        tags = tags.filter(name__icontains=containing)
    return list(tags.order_by("-uses", "name").values_list("name", flat=True)[:limit])


def thumbnail_html(photo, *, width=72, portrait=False):
    css_class = "thumb thumb-portrait" if portrait else "thumb"
    if photo is None:
        # A class, not a style attribute: the Content-Security-Policy refuses inline styles.
        return format_html('<span class="{} thumb-empty thumb-w{}"></span>', css_class, width)
    thumbnail = photo_thumbnail(photo)
    height = round(width * thumbnail.height / max(thumbnail.width, 1))
    return format_html(
        '<img class="{}" src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        css_class,
        thumbnail.url,
        photo.alt_text,
        width,
        height,
    )


def https_formfield(db_field, **kwargs):
    """A model field's form field, as a ModelForm's Meta.formfield_callback: web addresses
    typed without a scheme are taken as https://, as Django 6 will do by default."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class HttpsUrlFieldsMixin:
    """Web addresses typed without a scheme ("example.org/report") are taken as https://,
    as Django 6 will do by default, not http://."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class StoryChoicesMixin:
    """Foreign keys to stories offer, accept and print only the stories the user may see
    (articles.permissions.visible_stories): a forged id gets "Select a valid choice", never
    the headline of someone else's draft."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from .models import Article
        from .permissions import visible_stories

        if db_field.related_model is Article and "queryset" not in kwargs:
            kwargs["queryset"] = visible_stories(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PhotoPickerMixin:
    """Foreign keys to Photo get the autocomplete picker with a thumbnail preview."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Photo and "widget" not in kwargs:
            kwargs["widget"] = PhotoPreviewSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
