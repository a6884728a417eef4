"""Test data. Every text here is invented for the tests."""

import io
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, RelatedEmbed, Section
from photos.models import Photo


def jpeg_bytes(width=1200, height=800, color=(40, 90, 140)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def uploaded_jpeg(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    description = "Reporting from across the country."


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    image = factory.LazyFunction(uploaded_jpeg)
    caption = factory.Sequence(lambda n: f"A tram crosses the bridge at dawn, scene {n}")
    credit = "Test Photographer/Newsroom"
    alt_text = "A blue tram on a river bridge"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Writer Number{n}")
    slug = factory.Sequence(lambda n: f"writer-{n}")
    job_title = "Correspondent"
    bio = "Covers city hall and transport."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council approves new river crossing, part {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    dek = "The vote ends a decade of argument over the city's busiest bridge."
    body = (
        "<p>The city council voted on Tuesday to build a second crossing.</p>"
        "<p>Engineers expect work to start next spring.</p>"
        "<p>Residents on both banks have waited years for the decision.</p>"
    )
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for position, author in enumerate(extracted):
            Byline.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tag_names(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class BylineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Byline

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)


def block(kind, **attributes):
    """A body block as the editor stores it: block("story", story=5, title="…") gives
    <figure data-block="story" data-story="5" data-title="…"></figure>."""
    from articles.body import Block

    pairs = [(f"data-{name}", str(value)) for name, value in attributes.items()]
    return Block.from_attrs([("data-block", kind), *pairs]).html()


def place(story, *blocks, after=1):
    """Put `blocks` into the story's body after its top-level part number `after` and save."""
    return place_each(story, [(after, figure) for figure in blocks])


def place_each(story, placed):
    """Put each (after, block) into the story's body, `after` counting the parts of the body
    as it was (as RelatedEmbed.after_paragraph did), and save."""
    from articles.body import Block, place_blocks

    parsed = [(after, Block.from_attrs(_attrs(figure))) for after, figure in placed]
    story.body = place_blocks(story.body, parsed)
    story.save(update_fields=["body"])
    return story


def _attrs(figure):
    from html.parser import HTMLParser

    found = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(attrs)

    Reader().feed(figure)
    return found


class RelatedEmbedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedEmbed

    article = factory.SubFactory(ArticleFactory)
    kind = RelatedEmbed.Kind.LINK
    url = "https://example.org/report"
    title = "An outside report on river crossings"
    source_name = "Example Review"
    excerpt = "A look at how other cities paid for their bridges."
