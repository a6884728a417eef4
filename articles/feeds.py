"""RSS 2.0 and Atom feeds: the whole site, each section, each author and each tag.

    /feed/                      /feed/atom/
    /section/<slug>/feed/       /section/<slug>/feed/atom/
    /author/<slug>/feed/        /author/<slug>/feed/atom/
    /tag/<slug>/feed/           /tag/<slug>/feed/atom/

Every item carries the full byline ("A, B and C"), the publish time, the standfirst as its
summary, the section and tags as categories, and the lead photo: as the RSS <enclosure>
(Atom: a rel="enclosure" link) and as Media RSS <media:content> with caption and credit,
which feed readers and aggregators use for thumbnails. A story's audio version is added as
a second <media:content> (and Atom enclosure; RSS allows only one enclosure per item).
The whole body goes along as HTML (RSS <content:encoded>, Atom <content type="html">), its
blocks rendered for feed readers (articles.blocks: absolute addresses, no iframes); the
blocks of all the items load in one query per model.

Links are absolute on SITE_URL, like the sitemaps, whatever host the feed was fetched through.
"""

import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from taggit.models import Tag

from photos import renditions

from .audio import audio_mime_type
from .blocks import attach_bodies
from .models import Article, Author, Section
from .templatetags.newsroom_tags import absolute

FEED_ITEMS = 30
MEDIA_RSS_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
# Stored files never change under one name (renditions and uploads get new names), so their
# sizes can be remembered for a long time.
FILE_SIZE_TIMEOUT = 30 * 24 * 3600


def file_size(name: str) -> int:
    """A stored file's size in bytes, remembered: on S3 each lookup is a request."""
    key = f"feeds:file-size:{name}"
    size = cache.get(key)
    if size is None:
        try:
            size = default_storage.size(name)
            timeout = FILE_SIZE_TIMEOUT
        except (OSError, NotImplementedError):
            # RSS requires a length and 0 is the convention for "unknown"; asked again soon,
            # as a rendition still being written will be there in a moment.
            size, timeout = 0, 300
        cache.set(key, size, timeout)
    return size


def join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C": how the byline reads on the story page."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


class MediaRSSMixin:
    """Adds <media:content> elements (Media RSS) from an item's `media` list."""

    def add_media_elements(self, handler, item):
        for media in item.get("media", ()):
            attributes = {"url": media["url"], "type": media["type"], "medium": media["medium"]}
            for name in ("width", "height", "fileSize"):
                if media.get(name):
                    attributes[name] = str(media[name])
            handler.startElement("media:content", attributes)
            if media.get("description"):
                handler.addQuickElement("media:description", media["description"])
            if media.get("credit"):
                handler.addQuickElement("media:credit", media["credit"])
            handler.endElement("media:content")


class NewsRssFeed(MediaRSSMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:media": MEDIA_RSS_NS,
            "xmlns:content": CONTENT_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        self.add_media_elements(handler, item)


class NewsAtomFeed(MediaRSSMixin, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        self.add_media_elements(handler, item)


class StoryFeed(Feed):
    """The site's newest stories; subclasses narrow them to one section, author or tag."""

    feed_type = NewsRssFeed
    url_name = "articles:feed"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Feed readers poll: let them and any CDN keep a copy for a few minutes.
        response.setdefault("Cache-Control", "public, max-age=300")
        return response

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj):
        stories = self.stories(obj).with_card_data().prefetch_related("tags").newest_first()
        return attach_bodies(stories[:FEED_ITEMS])

    def feed_url_kwargs(self, obj):
        return {}

    # --- the feed ---

    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return settings.SITE_DESCRIPTION

    def link(self, obj):
        return absolute(reverse("articles:home"))

    def feed_url(self, obj):
        return absolute(reverse(self.url_name, kwargs=self.feed_url_kwargs(obj)))

    def feed_copyright(self, obj):
        return f"© {timezone.localdate().year} {settings.SITE_NAME}"

    # --- one story ---

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        return article.excerpt

    def item_link(self, article):
        return absolute(article.get_absolute_url())

    def item_guid(self, article):
        return absolute(article.get_absolute_url())

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.updated_at if article.was_updated else article.publish_at

    def item_author_name(self, article):
        return join_names([author.name for author in article.byline_authors]) or None

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tags.all())]

    def item_enclosures(self, article):
        image = self._lead_image(article)
        if image is None:
            return []
        return [Enclosure(image["url"], str(image["fileSize"]), image["type"])]

    def item_extra_kwargs(self, article):
        media = []
        image = self._lead_image(article)
        if image is not None:
            media.append(image)
        if article.audio:
            media.append(
                {
                    "url": absolute(article.audio.url),
                    "type": audio_mime_type(article.audio.name),
                    "medium": "audio",
                    "fileSize": file_size(article.audio.name),
                }
            )
        return {"media": media, "content_html": str(article.story_body.portable())}

    def _lead_image(self, article):
        """The lead photo's 1024-px JPEG rendition (the original before renditions exist)."""
        photo = article.lead_photo
        if photo is None or not photo.image:
            return None
        rendition = renditions.default_rendition(photo)
        if renditions.has_renditions(photo):
            name = renditions.rendition_name(photo.renditions["base"], rendition.width, "jpeg")
            mime_type = "image/jpeg"
        else:
            name = photo.image.name
            mime_type = mimetypes.guess_type(name)[0] or "image/jpeg"
        return {
            "url": absolute(rendition.url),
            "type": mime_type,
            "medium": "image",
            "width": rendition.width,
            "height": rendition.height,
            "fileSize": file_size(name),
            "description": article.lead_caption,
            "credit": photo.credit,
        }


class StoryAtomFeed(StoryFeed):
    feed_type = NewsAtomFeed
    url_name = "articles:feed_atom"

    def subtitle(self, obj):
        return self.description(obj)


class SectionFeed(StoryFeed):
    url_name = "articles:section_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def stories(self, section):
        return Article.objects.published().filter(section=section)

    def feed_url_kwargs(self, section):
        return {"slug": section.slug}

    def title(self, section):
        return f"{section.name} | {settings.SITE_NAME}"

    def description(self, section):
        return section.description or f"The latest {section.name} stories."

    def link(self, section):
        return absolute(section.get_absolute_url())


class SectionAtomFeed(SectionFeed):
    feed_type = NewsAtomFeed
    url_name = "articles:section_feed_atom"
    subtitle = StoryAtomFeed.subtitle


class AuthorFeed(StoryFeed):
    url_name = "articles:author_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def stories(self, author):
        return Article.objects.published().filter(bylines__author=author)

    def feed_url_kwargs(self, author):
        return {"slug": author.slug}

    def title(self, author):
        return f"{author.name} | {settings.SITE_NAME}"

    def description(self, author):
        return f"Stories by {author.name}."

    def link(self, author):
        return absolute(author.get_absolute_url())


class AuthorAtomFeed(AuthorFeed):
    feed_type = NewsAtomFeed
    url_name = "articles:author_feed_atom"
    subtitle = StoryAtomFeed.subtitle


class TagFeed(StoryFeed):
    url_name = "articles:tag_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def stories(self, tag):
        return Article.objects.published().filter(tags=tag)

    def feed_url_kwargs(self, tag):
        return {"slug": tag.slug}

    def title(self, tag):
        return f"{tag.name} | {settings.SITE_NAME}"

    def description(self, tag):
        return f"Stories tagged “{tag.name}”."

    def link(self, tag):
        return absolute(reverse("articles:tag", kwargs={"slug": tag.slug}))


class TagAtomFeed(TagFeed):
    feed_type = NewsAtomFeed
    url_name = "articles:tag_feed_atom"
    subtitle = StoryAtomFeed.subtitle
