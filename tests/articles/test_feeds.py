"""RSS 2.0 and Atom feeds: every feed parses cleanly with feedparser and carries full
bylines, dates, summaries, categories and the lead image (enclosure and Media RSS)."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline
from photos import renditions
from tests.articles.reader_helpers import photo_with_renditions, start_tags
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, block, place

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]

MP3_FRAME = bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(413)


@pytest.fixture
def newsroom():
    section = SectionFactory(name="Energy & Grid", slug="energy")
    authors = [
        AuthorFactory(name="Olena Marchenko", slug="olena-marchenko"),
        AuthorFactory(name="Taras Hnatiuk", slug="taras-hnatiuk"),
        AuthorFactory(name="The Newsroom desk", slug="newsroom-desk"),
    ]
    story = ArticleFactory(
        section=section,
        headline="Grid operator warns of <rolling> blackouts & asks “to save power”",
        dek="Three power plants were hit overnight; Київ sees schedules first.",
        lead_photo=photo_with_renditions(caption="Substation at dusk", credit="Wire/Agency"),
        tag_names=["Power cuts"],
        publish_at=timezone.now() - timedelta(hours=2),
    )
    for position, author in enumerate(authors):
        Byline.objects.create(article=story, author=author, position=position)
    story.audio.save("story.mp3", ContentFile(MP3_FRAME * 20), save=False)
    story.save(update_fields=["audio"])
    brief = ArticleFactory(
        section=section,
        headline="Power restored in the north",
        dek="",
        body="<p>Crews reconnected 40,000 homes before dawn.</p>",
        publish_at=timezone.now() - timedelta(hours=1),
        tag_names=["Power cuts"],
    )
    Byline.objects.create(article=brief, author=authors[0], position=0)
    ArticleFactory(
        section=section, headline="Draft plan", status=Article.Status.DRAFT, publish_at=None
    )
    ArticleFactory(
        section=section, headline="Embargoed", publish_at=timezone.now() + timedelta(hours=3)
    )
    return {"section": section, "authors": authors, "story": story, "brief": brief}


def feed_urls(newsroom):
    tag_slug = newsroom["story"].tags.get().slug
    return [
        reverse("articles:feed"),
        reverse("articles:feed_atom"),
        reverse("articles:section_feed", args=["energy"]),
        reverse("articles:section_feed_atom", args=["energy"]),
        reverse("articles:author_feed", args=["olena-marchenko"]),
        reverse("articles:author_feed_atom", args=["olena-marchenko"]),
        reverse("articles:tag_feed", args=[tag_slug]),
        reverse("articles:tag_feed_atom", args=[tag_slug]),
    ]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return response, parsed


def test_every_feed_parses_cleanly_with_both_stories(client, newsroom):
    for url in feed_urls(newsroom):
        response, parsed = parse(client, url)
        is_atom = url.endswith("/atom/")
        assert response["Content-Type"].startswith(
            "application/atom+xml" if is_atom else "application/rss+xml"
        )
        assert parsed.version == ("atom10" if is_atom else "rss20")
        assert [entry.title for entry in parsed.entries] == [
            "Power restored in the north",
            newsroom["story"].headline,
        ], url
        assert parsed.feed.language == "en-us"


def test_items_carry_bylines_dates_summary_and_categories(client, newsroom):
    story = newsroom["story"]
    for url in (reverse("articles:feed"), reverse("articles:feed_atom")):
        _, parsed = parse(client, url)
        entry = parsed.entries[1]
        assert entry.link == f"http://testserver{story.get_absolute_url()}"
        assert entry.id == entry.link
        assert entry.author == "Olena Marchenko, Taras Hnatiuk and The Newsroom desk"
        assert entry.summary == story.dek
        published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        assert abs(published - story.publish_at) < timedelta(seconds=1)
        assert {tag.term for tag in entry.tags} == {"Energy & Grid", "Power cuts"}
        # A story without a standfirst is summarised by its opening words.
        assert parsed.entries[0].summary == "Crews reconnected 40,000 homes before dawn."


def test_lead_image_is_the_enclosure_and_media_content(client, newsroom):
    photo = newsroom["story"].lead_photo
    jpeg = renditions.default_rendition(photo)
    name = renditions.rendition_name(photo.renditions["base"], jpeg.width, "jpeg")
    image_url = f"http://testserver{jpeg.url}"

    _, rss = parse(client, reverse("articles:feed"))
    entry = rss.entries[1]
    assert entry.enclosures == [
        {"href": image_url, "length": str(default_storage.size(name)), "type": "image/jpeg"}
    ]
    image, audio = entry.media_content
    assert image["url"] == image_url and image["medium"] == "image"
    assert (image["width"], image["height"]) == (str(jpeg.width), str(jpeg.height))
    assert entry.media_credit[0]["content"] == "Wire/Agency"
    assert audio["medium"] == "audio" and audio["type"] == "audio/mpeg"
    assert audio["url"].startswith("http://testserver/media/audio/")
    assert audio["filesize"] == str(len(MP3_FRAME) * 20)
    # A story without a photo has no enclosure and no media.
    assert "enclosures" not in rss.entries[0] or rss.entries[0].enclosures == []

    _, atom = parse(client, reverse("articles:feed_atom"))
    enclosures = [link for link in atom.entries[1].links if link.rel == "enclosure"]
    assert [link.href for link in enclosures] == [image_url]


def test_feed_metadata_names_the_feed(client, newsroom):
    _, section = parse(client, reverse("articles:section_feed", args=["energy"]))
    assert section.feed.title == "Energy & Grid | The Newsroom"
    assert section.feed.link == "http://testserver/section/energy/"
    _, author = parse(client, reverse("articles:author_feed_atom", args=["taras-hnatiuk"]))
    assert author.feed.title == "Taras Hnatiuk | The Newsroom"
    assert author.feed.subtitle == "Stories by Taras Hnatiuk."
    assert [entry.title for entry in author.entries] == [newsroom["story"].headline]
    self_links = [link.href for link in author.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/author/taras-hnatiuk/feed/atom/"]


def test_unknown_feeds_answer_not_found(client, newsroom):
    for url in ("/section/nowhere/feed/", "/author/nobody/feed/atom/", "/tag/no-such-tag/feed/"):
        assert client.get(url).status_code == 404


def test_an_empty_feed_still_parses(client):
    SectionFactory(slug="quiet")
    for url in ("/feed/", "/feed/atom/", "/section/quiet/feed/", "/section/quiet/feed/atom/"):
        _, parsed = parse(client, url)
        assert parsed.entries == []


def test_feed_queries_do_not_grow_with_items(client, newsroom, django_assert_num_queries, settings):
    settings.PAGE_CACHE_ENABLED = False  # every request renders, with the caches on or off
    for number in range(15):
        story = ArticleFactory(
            section=newsroom["section"],
            lead_photo=newsroom["story"].lead_photo,
            tag_names=["Power cuts", f"topic {number}"],
        )
        for position, author in enumerate(newsroom["authors"]):
            Byline.objects.create(article=story, author=author, position=position)
    client.get(reverse("articles:section_feed", args=["energy"]))  # remembers file sizes
    # the section, the stories (with section and photo), their bylines, their tags
    with django_assert_num_queries(4):
        client.get(reverse("articles:section_feed", args=["energy"]))
    # the whole site: no object to look up
    with django_assert_num_queries(3):
        client.get(reverse("articles:feed"))


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("home", ["/feed/", "/feed/atom/"]),
        (
            "section",
            ["/section/energy/feed/", "/section/energy/feed/atom/", "/feed/", "/feed/atom/"],
        ),
        (
            "author",
            [
                "/author/olena-marchenko/feed/",
                "/author/olena-marchenko/feed/atom/",
                "/feed/",
                "/feed/atom/",
            ],
        ),
        ("tag", ["/tag/power-cuts/feed/", "/tag/power-cuts/feed/atom/", "/feed/", "/feed/atom/"]),
    ],
)
def test_pages_advertise_their_feeds(client, newsroom, page, expected):
    url = {
        "home": "/",
        "section": "/section/energy/",
        "author": "/author/olena-marchenko/",
        "tag": "/tag/power-cuts/",
    }[page]
    links = [
        attrs
        for attrs in start_tags(client.get(url).content, "link")
        if attrs.get("rel") == "alternate"
    ]
    assert [link["href"] for link in links] == expected
    assert [link["type"] for link in links[:2]] == ["application/rss+xml", "application/atom+xml"]
    for href in expected:
        parse(client, href)


def test_feeds_carry_the_body_with_its_blocks(
    client, newsroom, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_ENABLED = False
    target = newsroom["brief"]
    photo = photo_with_renditions(caption="Crews at the substation", credit="Wire/Agency")
    story = place(
        newsroom["story"],
        block("story", story=target.pk, excerpt="Homes reconnected."),
        block("media", url="https://youtu.be/dQw4w9WgXcQ", title="The night shift"),
        block("photo", photo=photo.pk),
        block("quote", text="We worked <all> night.", attribution="An engineer"),
        block("link", url="javascript:alert(1)", title="Hostile link"),
    )

    for url in ("/feed/", "/feed/atom/"):
        _, parsed = parse(client, url)
        entry = next(e for e in parsed.entries if e.title == story.headline)
        content = entry.content[0].value
        assert f'<a href="{settings.SITE_URL}{target.get_absolute_url()}">' in content
        assert "Homes reconnected." in content
        assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Watch on YouTube</a>' in content
        assert "<iframe" not in content and "javascript:" not in content
        assert "Hostile link" not in content
        (image,) = start_tags(content, "img")
        assert image["src"].startswith(settings.SITE_URL) and image["src"].endswith(".jpg")
        assert "Crews at the substation" in content
        assert "We worked &lt;all&gt; night." in content
    # Blocks of every item load together: the card's stories (+ bylines) and the photos.
    with django_assert_num_queries(3 + 3):
        client.get(reverse("articles:feed"))
