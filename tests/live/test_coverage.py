"""Live coverage on the story page: order, sanitising, embeds, structured data, sitemap."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article
from live.models import LiveUpdate
from tests.articles.reader_helpers import photo_with_renditions
from tests.articles.test_queries import BLOCKS_ON, STORY_PAGE_QUERIES
from tests.factories import AuthorFactory
from tests.live.factories import LiveStoryFactory, LiveUpdateFactory

pytestmark = pytest.mark.django_db


def page(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def live_section(html):
    start = html.index('id="live-updates"')
    return html[start : html.index("</section>", start)]


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_updates_show_pinned_first_then_newest_first(client):
    story = LiveStoryFactory()
    now = timezone.now()
    old = LiveUpdateFactory(
        article=story, headline="Oldest update", published_at=now - timedelta(hours=2)
    )
    pinned = LiveUpdateFactory(
        article=story, headline="Pinned: where to shelter", published_at=now - timedelta(hours=3),
        is_pinned=True,
    )  # fmt: skip
    new = LiveUpdateFactory(
        article=story, headline="Newest update", published_at=now - timedelta(minutes=1)
    )

    html = page(client, story)
    updates = live_section(html)

    assert (
        updates.index(pinned.headline) < updates.index(new.headline) < updates.index(old.headline)
    )
    assert f'id="update-{new.pk}"' in html
    assert '<span class="live-badge">Live</span>' in html
    assert 'data-live-url="/story/' in html


def test_scheduled_updates_and_updates_of_other_stories_stay_hidden(client):
    story = LiveStoryFactory()
    LiveUpdateFactory(
        article=story, headline="Later update", published_at=timezone.now() + timedelta(hours=1)
    )
    LiveUpdateFactory(headline="Another story's update")

    html = page(client, story)

    assert "Later update" not in html
    assert "Another story&#x27;s update" not in live_section(html)  # only in the News Feed
    assert "No updates yet." in live_section(html)


def test_ended_coverage_stops_polling(client):
    story = LiveStoryFactory(coverage_end_at=timezone.now() - timedelta(minutes=10))
    LiveUpdateFactory(article=story)

    html = page(client, story)

    assert "This live coverage has ended." in html
    assert "data-live-url" not in html and "live.js" not in html
    assert '<span class="live-badge">Live</span>' not in html


def test_update_body_is_sanitised_with_the_story_allow_list(client):
    story = LiveStoryFactory()
    LiveUpdate.objects.create(
        article=story,
        headline="Update with hostile markup",
        body='<p onclick="steal()">Text <a href="javascript:alert(1)">link</a></p>'
        '<script>x()</script><iframe src="https://evil.example"></iframe>',
    )

    html = page(client, story)

    assert "onclick" not in html and "javascript:" not in html
    assert "evil.example" not in html and "<script>x()" not in html
    assert "Text" in html


def test_embed_urls_must_come_from_allowed_providers():
    story = LiveStoryFactory()
    update = LiveUpdate(article=story, headline="Video", embed_url="https://evil.example/video")

    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert "embed_url" in error.value.message_dict

    update.embed_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    update.full_clean()


def test_an_empty_update_is_refused():
    with pytest.raises(ValidationError):
        LiveUpdate(article=LiveStoryFactory()).full_clean()


def test_update_with_photo_embed_and_author(client):
    story = LiveStoryFactory()
    author = AuthorFactory(name="Iryna Duda")
    LiveUpdateFactory(
        article=story,
        photo=photo_with_renditions(caption="Waves over the pier"),
        embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        author=author,
    )

    html = page(client, story)

    assert "Waves over the pier" in html and "srcset=" in html
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    assert f'By <a href="{author.get_absolute_url()}">Iryna Duda</a>' in html


def test_json_ld_is_a_live_blog_posting_with_updates_and_coverage_times(client):
    start = timezone.now() - timedelta(hours=5)
    end = timezone.now() + timedelta(hours=5)
    story = LiveStoryFactory(coverage_start_at=start, coverage_end_at=end)
    newest = LiveUpdateFactory(
        article=story, headline="Power restored", published_at=timezone.now() - timedelta(minutes=2)
    )
    LiveUpdateFactory(
        article=story, headline="Roads closed", published_at=timezone.now() - timedelta(hours=1)
    )

    data = next(item for item in json_ld(page(client, story)) if item["@type"] == "LiveBlogPosting")

    assert data["coverageStartTime"] == timezone.localtime(start).isoformat()
    assert data["coverageEndTime"] == timezone.localtime(end).isoformat()
    assert [update["headline"] for update in data["liveBlogUpdate"]] == [
        "Power restored",
        "Roads closed",
    ]
    assert data["liveBlogUpdate"][0]["url"].endswith(f"#update-{newest.pk}")
    assert data["dateModified"] == timezone.localtime(newest.published_at).isoformat()


def test_stories_that_are_not_live_keep_news_article_json_ld(client):
    story = Article.objects.get(pk=LiveStoryFactory(is_live=False).pk)

    types = [item["@type"] for item in json_ld(page(client, story))]

    assert "NewsArticle" in types and "LiveBlogPosting" not in types


def test_sitemap_lastmod_follows_the_newest_update(client):
    story = LiveStoryFactory(publish_at=timezone.now() - timedelta(days=3))
    LiveUpdateFactory(article=story, published_at=timezone.now() - timedelta(days=2))
    newest = LiveUpdateFactory(article=story, published_at=timezone.now() - timedelta(minutes=3))
    LiveUpdateFactory(article=story, published_at=timezone.now() + timedelta(days=1))  # not out yet

    xml = client.get("/sitemap.xml", {"section": "stories"}).content.decode()
    entry = xml[xml.index(story.get_absolute_url()) :]
    lastmod = re.search(r"<lastmod>(.*?)</lastmod>", entry).group(1)

    assert lastmod.startswith(timezone.localtime(newest.published_at).date().isoformat()) or (
        lastmod.startswith(newest.published_at.date().isoformat())
    )


def test_story_page_queries_stay_flat_with_many_updates(
    client, django_assert_num_queries, shared_blocks
):
    story = LiveStoryFactory()
    LiveUpdateFactory(article=story, author=AuthorFactory(), photo=photo_with_renditions())
    client.get(story.get_absolute_url())  # warms the shared blocks and data
    # The story page's own queries (see tests/articles/test_queries.py) + one for the updates.
    with django_assert_num_queries(STORY_PAGE_QUERIES[BLOCKS_ON] + 1):
        client.get(story.get_absolute_url())
    for _ in range(15):
        LiveUpdateFactory(article=story, author=AuthorFactory(), photo=photo_with_renditions())

    with django_assert_num_queries(STORY_PAGE_QUERIES[BLOCKS_ON] + 1):
        assert page(client, story).count('<article class="live-update') == 16


def test_posting_an_update_retires_cached_pages(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    story = LiveStoryFactory()
    client.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        LiveUpdateFactory(article=story, headline="Bridge reopens to traffic")
    response = client.get(story.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "Bridge reopens to traffic" in response.content.decode()


def modified_meta(html):
    found = re.findall(r'<meta property="article:modified_time" content="([^"]+)">', html)
    return found[0] if found else None


def test_modified_time_meta_follows_the_newest_update(client):
    story = LiveStoryFactory(publish_at=timezone.now() - timedelta(hours=3))
    newest = LiveUpdateFactory(
        article=story, headline="Ferries resume", published_at=timezone.now() - timedelta(minutes=5)
    )
    LiveUpdateFactory(
        article=story, headline="Port closed", published_at=timezone.now() - timedelta(hours=2)
    )

    html = page(client, story)

    data = next(item for item in json_ld(html) if item["@type"] == "LiveBlogPosting")
    assert modified_meta(html) == timezone.localtime(newest.published_at).isoformat()
    assert data["dateModified"] == modified_meta(html)


def test_a_story_never_changed_after_publication_has_no_modified_time(client):
    from tests.factories import ArticleFactory

    assert modified_meta(page(client, ArticleFactory())) is None


def test_a_live_blog_gives_no_reading_time(client):
    story = LiveStoryFactory()
    LiveUpdateFactory(article=story)

    assert "min read" not in page(client, story)
