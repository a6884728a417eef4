"""Admin widgets of the story forms: tags with suggestions, web addresses, story choices."""

from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from taggit.forms import TagWidget
from taggit.models import Tag


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
