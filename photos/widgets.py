"""The photo picker that shows what was picked, and thumbnails for admin lists."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import reverse
from django.utils.html import format_html

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
        endpoint = reverse(f"{self.admin_site.name}:photos_photo_thumbnail")
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


class PhotoPickerMixin:
    """Foreign keys to Photo get the autocomplete picker with a thumbnail preview."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Photo and "widget" not in kwargs:
            kwargs["widget"] = PhotoPreviewSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
