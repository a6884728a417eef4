"""Builders for reader-page tests: complete, published stories with photos and renditions."""

from html.parser import HTMLParser

from articles.models import Byline, RelatedEmbed
from photos.renditions import ensure_renditions
from tests.factories import ArticleFactory, AuthorFactory, PhotoFactory, SectionFactory


def photo_with_renditions(**kwargs):
    photo = PhotoFactory(**kwargs)
    ensure_renditions(photo)
    return photo


def full_story(*, authors=1, tags=0, embeds=0, section=None, photo=True, **kwargs):
    """A published story with `authors` bylines, `tags` tags and `embeds` related embeds.

    Embeds cycle through the three kinds (story card, link card, YouTube) so every template
    branch is exercised; story cards point at another published story.
    """
    section = section or SectionFactory()
    story = ArticleFactory(
        section=section, lead_photo=photo_with_renditions() if photo else None, **kwargs
    )
    for position in range(authors):
        Byline.objects.create(article=story, author=AuthorFactory(), position=position)
    if tags:
        story.tags.add(*[f"topic {number}" for number in range(tags)])
    for position in range(embeds):
        kind = (RelatedEmbed.Kind.STORY, RelatedEmbed.Kind.LINK, RelatedEmbed.Kind.MEDIA)[
            position % 3
        ]
        target = None
        if kind == RelatedEmbed.Kind.STORY:
            target = ArticleFactory(section=section, lead_photo=story.lead_photo)
            Byline.objects.create(article=target, author=AuthorFactory(), position=0)
        RelatedEmbed.objects.create(
            article=story,
            kind=kind,
            position=position,
            after_paragraph=1 + position % 3,
            target_article=target,
            url=""
            if target
            else (
                "https://example.org/report"
                if kind == RelatedEmbed.Kind.LINK
                else "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
            ),
            title="" if target else f"Outside reading {position}",
            source_name="Example Review",
        )
    return story


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def start_tags(html, name):
    """Attributes of every `<name>` start tag in the page, in document order."""
    collector = _TagCollector()
    collector.feed(html.decode() if isinstance(html, bytes) else html)
    return [attrs for tag, attrs in collector.found if tag == name]
