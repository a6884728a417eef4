"""Builders for reader-page tests: complete, published stories with photos and renditions."""

from html.parser import HTMLParser

from articles.models import Byline
from photos.renditions import ensure_renditions
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PhotoFactory,
    SectionFactory,
    block,
    place_each,
)


def photo_with_renditions(**kwargs):
    photo = PhotoFactory(**kwargs)
    ensure_renditions(photo)
    return photo


def full_story(*, authors=1, tags=0, embeds=0, section=None, photo=True, **kwargs):
    """A published story with `authors` bylines, `tags` tags and `embeds` blocks in its body.

    The blocks cycle through story card, link card and YouTube embed so every renderer runs;
    story cards point at another published story.
    """
    section = section or SectionFactory()
    story = ArticleFactory(
        section=section, lead_photo=photo_with_renditions() if photo else None, **kwargs
    )
    for position in range(authors):
        Byline.objects.create(article=story, author=AuthorFactory(), position=position)
    if tags:
        story.tags.add(*[f"topic {number}" for number in range(tags)])
    placed = []
    for position in range(embeds):
        kind = ("story", "link", "media")[position % 3]
        if kind == "story":
            target = ArticleFactory(section=section, lead_photo=story.lead_photo)
            Byline.objects.create(article=target, author=AuthorFactory(), position=0)
            figure = block("story", story=target.pk, headline=target.headline)
        elif kind == "link":
            figure = block(
                "link",
                url="https://example.org/report",
                title=f"Outside reading {position}",
                source="Example Review",
            )
        else:
            figure = block(
                "media",
                url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                title=f"Outside reading {position}",
            )
        placed.append((1 + position % 3, figure))
    place_each(story, placed)
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
