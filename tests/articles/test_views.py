from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from articles.models import Article, Byline
from tests.articles.reader_helpers import full_story, photo_with_renditions, start_tags
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, block, place

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def body_of(html):
    """The story body only, so header, rail and footer text cannot satisfy an assertion."""
    return html.split('<div class="story__body prose">', 1)[1].split(
        '<footer class="story__footer">'
    )[0]


# --- Visibility ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "publish_in"),
    [
        (Article.Status.DRAFT, None),
        (Article.Status.IN_REVIEW, timedelta(hours=-1)),
        (Article.Status.WITHDRAWN, timedelta(hours=-1)),
        (Article.Status.SCHEDULED, timedelta(hours=2)),
        (Article.Status.PUBLISHED, timedelta(minutes=5)),
    ],
)
def test_stories_readers_may_not_see_answer_404(client, status, publish_in):
    publish_at = timezone.now() + publish_in if publish_in is not None else None
    story = ArticleFactory(status=status, publish_at=publish_at, in_news_feed=True)

    # A withdrawn story was taken down: 410 Gone (tests/articles/test_workflow_takedown.py).
    gone = status == Article.Status.WITHDRAWN
    html = page(client, story.get_absolute_url(), status=410 if gone else 404)

    assert ("has been removed" if gone else "find that page") in html
    for url in ("/", story.section.get_absolute_url(), reverse("articles:news_feed")):
        assert story.headline not in page(client, url)


def test_scheduled_story_appears_when_its_time_comes(client):
    story = ArticleFactory(
        status=Article.Status.SCHEDULED, publish_at=timezone.now() + timedelta(hours=1)
    )
    page(client, story.get_absolute_url(), status=404)

    with freeze_time(timezone.now() + timedelta(hours=2)):
        assert story.headline in page(client, story.get_absolute_url())


def test_unknown_pages_use_the_friendly_404(client):
    SectionFactory(name="Field Report")

    html = page(client, "/section/no-such-section/", status=404)

    assert "We can't find that page" in html
    assert "Field Report" in html  # the site's own navigation is there
    page(client, "/author/nobody/", status=404)
    page(client, "/tag/nothing/", status=404)
    page(client, "/section/no-such-section/?page=99", status=404)


def test_500_page_renders_without_request_or_database(django_assert_num_queries):
    from django.template import loader

    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()

    assert "Something went wrong" in html
    assert "The Newsroom" in html


# --- Story page ------------------------------------------------------------------------


def test_edit_post_link_only_for_signed_in_staff(client, django_user_model):
    story = full_story()
    edit_url = reverse("admin:articles_article_change", args=[story.pk])

    assert "Edit post" not in page(client, story.get_absolute_url())

    reader = django_user_model.objects.create_user("reader", password="x-long-password-1")
    client.force_login(reader)
    assert "Edit post" not in page(client, story.get_absolute_url())

    editor = django_user_model.objects.create_user(
        "editor", password="x-long-password-1", is_staff=True
    )
    client.force_login(editor)
    html = page(client, story.get_absolute_url())
    assert "Edit post" in html
    assert f'href="{edit_url}"' in html


def test_bylines_are_joined_naturally_in_position_order(client):
    story = ArticleFactory()
    names = ["Olena Marchenko", "Taras Bondar", "The Newsroom desk"]
    # Created out of order: the page must follow `position`, not insertion.
    for position, name in [(2, names[2]), (0, names[0]), (1, names[1])]:
        author = AuthorFactory(name=name, slug=name.lower().replace(" ", "-"))
        Byline.objects.create(article=story, author=author, position=position)

    html = page(client, story.get_absolute_url())

    assert (
        'By <a class="byline__author" href="/author/olena-marchenko/">Olena Marchenko</a>, '
        '<a class="byline__author" href="/author/taras-bondar/">Taras Bondar</a> and '
        '<a class="byline__author" href="/author/the-newsroom-desk/">The Newsroom desk</a>'
    ) in html


def test_two_authors_are_joined_with_and(client):
    story = full_story(authors=2)
    first, second = story.byline_authors

    html = page(client, story.get_absolute_url())

    assert f">{first.name}</a> and <a" in html


def test_date_time_in_the_outlets_time_zone_and_reading_time(client):
    # 14:16 UTC is 16:16 in Kyiv in December (UTC+2).
    story = ArticleFactory(
        publish_at=datetime(2023, 12, 27, 14, 16, tzinfo=UTC), body="<p>word </p>" * 700
    )

    html = page(client, story.get_absolute_url())

    assert ">December 27, 2023 4:16 PM</time>" in html
    assert f"{story.reading_minutes} min read" in html
    assert story.reading_minutes == 4  # 700 words + standfirst at 230 words a minute
    assert "Updated" not in html


def test_updated_time_shown_when_the_story_changed_after_publication(client):
    story = ArticleFactory(
        publish_at=datetime(2023, 12, 27, 14, 16, tzinfo=UTC),
        updated_at=datetime(2023, 12, 27, 17, 2, tzinfo=UTC),
    )

    html = page(client, story.get_absolute_url())

    assert "Updated <time" in html
    assert "December 27, 2023 7:02 PM</time>" in html


def test_lead_photo_figure_with_caption_credit_and_override(client):
    photo = photo_with_renditions(caption="Firefighters at the depot", credit="Ira Lys/Newsroom")
    story = ArticleFactory(lead_photo=photo)
    override = ArticleFactory(lead_photo=photo, lead_photo_caption="The depot after the fire")

    html = page(client, story.get_absolute_url())
    assert (
        '<figcaption>Firefighters at the depot <span class="credit">(Ira Lys/Newsroom)</span>'
        "</figcaption>"
    ) in html

    html = page(client, override.get_absolute_url())
    assert "<figcaption>The depot after the fire <span" in html


def test_every_image_has_srcset_sizes_and_dimensions(client):
    story = full_story(authors=2, embeds=3, is_editors_pick=True)
    author = story.byline_authors[0]
    author.photo = photo_with_renditions()
    author.save(update_fields=["photo"])
    full_story(is_editors_pick=True, section=story.section)  # in the rail

    html = page(client, story.get_absolute_url())
    images = start_tags(html, "img")

    assert len(images) >= 4, [image["alt"] for image in images]
    for image in images:
        assert image["srcset"] and image["sizes"], image
        assert int(image["width"]) > 0 and int(image["height"]) > 0, image
        assert ".jpg" in image["src"]
    assert images[0]["loading"] == "eager" and images[0]["fetchpriority"] == "high"
    assert all(image["loading"] == "lazy" for image in images[1:])
    assert "fetchpriority" not in " ".join(str(image) for image in images[1:])
    webp_sources = [s for s in start_tags(html, "source") if s.get("type") == "image/webp"]
    assert len(webp_sources) == len(images)
    # A phone asks for the 320/640 px copies, never the original.
    assert "-320.webp 320w" in webp_sources[0]["srcset"]
    assert "/photos/" not in html


def test_blocks_render_where_they_sit_in_the_body(client):
    target = ArticleFactory(headline="Earlier: the bridge vote explained")
    story = ArticleFactory(
        section=target.section,
        body=(
            block("media", url="https://youtu.be/dQw4w9WgXcQ")
            + "<p>First paragraph.</p>"
            + block("story", story=target.pk)
            + block("link", url="https://example.org/a", title="Second card after one")
            + "<h2>A heading</h2><p>Third block.</p>"
            + block("quote", text="Nobody expected the vote.", attribution="A councillor")
            + "<p>Last one.</p>"
            + block(
                "media",
                url="https://x.com/newsroom_desk/status/1740000000000000001",
                title="The bridge is open.",
            )  # fmt: skip
        ),
    )

    body = body_of(page(client, story.get_absolute_url()))
    order = [
        "youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "First paragraph.",
        "Earlier: the bridge vote explained",
        "Second card after one",
        "A heading",
        "Third block.",
        '<figure class="pullquote"><blockquote><p>Nobody expected the vote.</p></blockquote>'
        "<figcaption>— A councillor</figcaption></figure>",
        "Last one.",
        "@newsroom_desk",
    ]
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert body.count('embed__label">Read also') == 2
    assert "data-block" not in body


def test_story_card_takes_its_text_from_the_target_and_vanishes_while_unpublished(client):
    target = ArticleFactory(
        headline="How the night trains came back",
        dek="Three routes return after a decade.",
        section=SectionFactory(name="Human Story"),
    )
    Byline.objects.create(article=target, author=AuthorFactory(name="Marta Hnatiuk"))
    story = place(ArticleFactory(), block("story", story=target.pk, headline="Stale snapshot"))
    overridden = place(
        ArticleFactory(),
        block("story", story=target.pk, title="Night trains: the routes", excerpt="Our pick."),
    )

    body = body_of(page(client, story.get_absolute_url()))
    assert "How the night trains came back" in body
    assert "Three routes return after a decade." in body
    assert "Human Story" in body and "Marta Hnatiuk" in body
    assert "Stale snapshot" not in body
    assert '<p class="embed__label">Read also</p>' in body
    body = body_of(page(client, overridden.get_absolute_url()))
    assert "Night trains: the routes" in body and "Our pick." in body
    assert "How the night trains came back" not in body

    target.status = Article.Status.DRAFT
    target.save(update_fields=["status"])
    body = body_of(page(client, story.get_absolute_url()))
    assert "How the night trains came back" not in body
    assert "embed" not in body


def test_photo_block_has_the_responsive_picture_and_caption_with_overrides(client):
    photo = photo_with_renditions(caption="The old bridge at dusk", credit="Ana Lis/Newsroom")
    story = place(
        ArticleFactory(),
        block("photo", photo=photo.pk),
        block("photo", photo=photo.pk, caption="Our caption", credit="Our credit", alt="Our alt"),
        block("photo", photo=99999),  # a photo deleted since: nothing
    )

    body = body_of(page(client, story.get_absolute_url()))

    figures = body.count('<figure class="block-photo">')
    assert figures == 2
    assert (
        '<figcaption>The old bridge at dusk · <span class="credit">Ana Lis/Newsroom</span>' in body
    )
    assert '<figcaption>Our caption · <span class="credit">Our credit</span>' in body
    images = start_tags(body, "img")
    assert [image["alt"] for image in images] == [photo.alt_text, "Our alt"]
    assert all(image["srcset"] and image["sizes"] and image["width"] for image in images)
    assert len(start_tags(body, "source")) == 2  # WebP


def test_media_iframes_are_sandboxed_and_lazy(client):
    story = place(
        ArticleFactory(),
        *[
            block("media", url=url, title="Footage")
            for url in ("https://vimeo.com/76979871", "https://t.me/kyiv_news_desk/1234")
        ],
    )

    frames = start_tags(page(client, story.get_absolute_url()), "iframe")

    assert [frame["src"] for frame in frames] == [
        "https://player.vimeo.com/video/76979871",
        "https://t.me/kyiv_news_desk/1234?embed=1",
    ]
    for frame in frames:
        assert frame["loading"] == "lazy"
        assert frame["title"]
        assert (
            "allow-scripts" in frame["sandbox"] and "allow-top-navigation" not in frame["sandbox"]
        )
        assert frame["referrerpolicy"] == "strict-origin-when-cross-origin"


def test_no_provider_script_and_no_hostile_markup_reaches_the_page(client):
    story = ArticleFactory()
    # Written without the admin form (a script, the shell): still cleaned on the way out.
    Article.objects.filter(pk=story.pk).update(
        body='<p>Safe text.</p><script>alert("x")</script><p onclick="steal()">Click</p>'
        + block("media", url="https://x.com/newsroom_desk/status/1740000000000000001")
        + block("media", url="https://evil.example/embed.js")
        + '<figure data-block="media" data-url="https://youtu.be/dQw4w9WgXcQ">'
        '<iframe src="https://evil.example/"></iframe></figure>'
    )

    html = page(client, story.get_absolute_url())

    assert "<script>" not in html and "onclick" not in html and "evil.example" not in html
    # Only JSON-LD and our own static scripts (beacon, polling, comments): nothing inline,
    # nothing from a provider.
    for script in start_tags(html, "script"):
        own = script.get("src", "").startswith("/static/js/")
        assert script.get("type") == "application/ld+json" or own, script
    assert 'href="https://x.com/newsroom_desk/status/1740000000000000001"' in html
    assert [frame["src"] for frame in start_tags(html, "iframe")] == [
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    ]


def test_tags_and_author_boxes(client):
    story = full_story(authors=2, tags=2)
    first = story.byline_authors[0]

    html = page(client, story.get_absolute_url())

    assert 'href="/tag/topic-0/">topic 0</a>' in html
    assert html.count('class="author-box"') == 2
    assert first.bio in html and first.job_title in html


# --- Listings --------------------------------------------------------------------------


def test_home_shows_lead_picks_sections_and_feed(client):
    section = SectionFactory(name="National")
    lead = full_story(section=section, is_featured=True, headline="Lead: parliament votes")
    pick = full_story(section=section, is_editors_pick=True, headline="Pick: a village rebuilt")
    latest = full_story(section=section, headline="Latest in national")
    feed_item = ArticleFactory(section=section, in_news_feed=True, headline="Feed: power is back")

    html = page(client, "/")

    for story in (lead, pick, latest, feed_item):
        assert story.headline in html
    assert html.index(lead.headline) < html.index(pick.headline) < html.index(latest.headline)
    assert html.count(lead.headline) == 1 + html.count(f'content="{lead.headline}"')
    # No signup form without a newsletter to offer (the header's search box is a GET form).
    assert 'method="post"' not in html


def test_section_page_is_paginated_newest_first(client):
    section = SectionFactory()
    now = timezone.now()
    stories = [
        ArticleFactory(section=section, publish_at=now - timedelta(hours=hours))
        for hours in range(1, 24)
    ]
    other = ArticleFactory()

    first_page = page(client, section.get_absolute_url())
    second_page = page(client, section.get_absolute_url() + "?page=2")

    assert first_page.index(stories[0].headline) < first_page.index(stories[1].headline)
    assert stories[19].headline in first_page and stories[20].headline not in first_page
    assert stories[20].headline in second_page
    assert other.headline not in first_page
    assert 'rel="next" href="?page=2"' in first_page


def test_author_page_shows_bio_photo_and_only_their_stories(client):
    author = AuthorFactory(name="Iryna Koval", bio="Reports on energy.", photo=None)
    author.photo = photo_with_renditions()
    author.save()
    theirs = ArticleFactory(headline="Grid holds through the cold snap")
    Byline.objects.create(article=theirs, author=author)
    draft = ArticleFactory(status=Article.Status.DRAFT, headline="Unfinished draft")
    Byline.objects.create(article=draft, author=author)
    not_theirs = ArticleFactory()

    html = page(client, author.get_absolute_url())

    assert "Iryna Koval" in html and "Reports on energy." in html
    assert theirs.headline in html
    assert draft.headline not in html and not_theirs.headline not in html
    assert len(start_tags(html, "img")) == 1


def test_tag_page_lists_tagged_published_stories(client):
    tagged = ArticleFactory(tag_names=["Energy"])
    ArticleFactory(tag_names=["Energy"], status=Article.Status.DRAFT, headline="Draft energy")
    untagged = ArticleFactory()

    html = page(client, reverse("articles:tag", args=["energy"]))

    assert tagged.headline in html
    assert "Draft energy" not in html and untagged.headline not in html


def test_tag_with_non_latin_slug(client):
    story = ArticleFactory(tag_names=["Енергетика"])
    tag = story.tags.get()

    assert story.headline in page(client, reverse("articles:tag", args=[tag.slug]))


@freeze_time("2023-12-27 14:30:00+00:00")  # 4:30 PM in Kyiv
def test_news_feed_groups_items_by_local_day_with_local_times(client):
    section = SectionFactory()

    def item(headline, when):
        return ArticleFactory(
            section=section, headline=headline, in_news_feed=True, publish_at=when
        )

    item("Air alert lifted in the capital", datetime(2023, 12, 27, 14, 16, tzinfo=UTC))
    # 22:30 UTC on the 26th is already 00:30 on the 27th in Kyiv.
    item("Night shelling reported", datetime(2023, 12, 26, 22, 30, tzinfo=UTC))
    item("Evening update", datetime(2023, 12, 26, 19, 5, tzinfo=UTC))
    ArticleFactory(section=section, headline="Long read, not in the feed")

    html = page(client, reverse("articles:news_feed"))

    today = html.index("Today, Wednesday, December 27")
    yesterday = html.index("Yesterday, Tuesday, December 26")
    assert today < html.index("4:16 PM") < html.index("12:30 AM") < yesterday
    assert yesterday < html.index("9:05 PM")
    assert "Long read, not in the feed" not in html


def test_news_feed_pages_back_with_more_news(client):
    section = SectionFactory()
    now = timezone.now()
    items = [
        ArticleFactory(section=section, in_news_feed=True, publish_at=now - timedelta(minutes=n))
        for n in range(1, 33)
    ]

    first = page(client, reverse("articles:news_feed"))
    assert '<a class="button" href="?page=2" rel="next">More news</a>' in first
    assert items[29].headline in first and items[30].headline not in first

    second = page(client, reverse("articles:news_feed") + "?page=2")
    assert items[30].headline in second and "More news</a>" not in second


@freeze_time("2023-12-27 14:30:00+00:00")
def test_cards_show_relative_time_today_and_the_date_before(client):
    section = SectionFactory()
    ArticleFactory(section=section, publish_at=datetime(2023, 12, 27, 12, 20, tzinfo=UTC))
    ArticleFactory(section=section, publish_at=datetime(2023, 12, 25, 9, 0, tzinfo=UTC))

    html = page(client, section.get_absolute_url())

    assert ">2 hours ago</time>" in html
    assert ">December 25, 2023</time>" in html


def test_navigation_follows_section_changes(client, django_capture_on_commit_callbacks):
    section = SectionFactory(name="War")
    assert ">War</a>" in page(client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        section.name = "The War"
        section.save(update_fields=["name"])
    assert ">The War</a>" in page(client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        section.shown_in_navigation = False
        section.save(update_fields=["shown_in_navigation"])
    assert ">The War</a>" not in page(client, "/")
