import pytest
from django.core.exceptions import ValidationError

from articles.embeds import parse_media_url
from articles.models import Article, RelatedEmbed
from tests.factories import ArticleFactory


@pytest.mark.parametrize(
    ("url", "provider", "iframe_src", "canonical"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            "https://youtube.com/watch?feature=share&v=a_B-c1d2E3f&t=42",
            "youtube",
            "https://www.youtube-nocookie.com/embed/a_B-c1d2E3f",
            "https://www.youtube.com/watch?v=a_B-c1d2E3f",
        ),
        (
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            "http://vimeo.com/76979871",
            "vimeo",
            "https://player.vimeo.com/video/76979871",
            "https://vimeo.com/76979871",
        ),
        (
            "https://vimeo.com/76979871/4f2a9c01be",
            "vimeo",
            "https://player.vimeo.com/video/76979871?h=4f2a9c01be",
            "https://vimeo.com/76979871/4f2a9c01be",
        ),
        (
            "https://player.vimeo.com/video/76979871",
            "vimeo",
            "https://player.vimeo.com/video/76979871",
            "https://vimeo.com/76979871",
        ),
        (
            "https://t.me/kyiv_news_desk/1234",
            "telegram",
            "https://t.me/kyiv_news_desk/1234?embed=1",
            "https://t.me/kyiv_news_desk/1234",
        ),
        (
            "https://t.me/s/kyiv_news_desk/1234",
            "telegram",
            "https://t.me/kyiv_news_desk/1234?embed=1",
            "https://t.me/kyiv_news_desk/1234",
        ),
        (
            "https://x.com/newsroom_desk/status/1740000000000000001",
            "x",
            "",
            "https://x.com/newsroom_desk/status/1740000000000000001",
        ),
        (
            "https://twitter.com/newsroom_desk/status/1740000000000000001?s=20",
            "x",
            "",
            "https://x.com/newsroom_desk/status/1740000000000000001",
        ),
    ],  # fmt: skip
)
def test_allowed_urls_become_embeds(url, provider, iframe_src, canonical):
    embed = parse_media_url(url)

    assert embed is not None
    assert embed.provider == provider
    assert embed.iframe_src == iframe_src
    assert embed.url == canonical


def test_x_post_is_a_quote_card_without_an_iframe():
    embed = parse_media_url("https://x.com/newsroom_desk/status/1740000000000000001")

    assert not embed.is_iframe
    assert embed.handle == "newsroom_desk"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "https://example.org/watch?v=dQw4w9WgXcQ",
        # Look-alike and nested hosts.
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evilyoutube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
        "https://user:pass@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
        # Other schemes.
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        "data:text/html,<script>alert(1)</script>",
        "ftp://youtube.com/watch?v=dQw4w9WgXcQ",
        "//www.youtube.com/watch?v=dQw4w9WgXcQ",
        # IDs that would smuggle something into the iframe src.
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22%3E%3Cscript%3E",
        'https://www.youtube.com/watch?v=dQw4w9W"gXcQ',
        "https://www.youtube.com/watch?v=dQw4w9WgXc",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=a_B-c1d2E3f",
        "https://youtu.be/dQw4w9WgXcQ/extra",
        "https://www.youtube.com/embed/../../evil",
        "https://www.youtube.com/playlist?list=PL123",
        "https://www.youtube.com/@somechannel",
        "https://vimeo.com/channels/staffpicks",
        "https://vimeo.com/76979871/not-a-hash!",
        "https://player.vimeo.com/video/abc",
        "https://t.me/kyiv_news_desk",
        "https://t.me/joinchat/AAAAAE",
        "https://t.me/kyiv_news_desk/12a",
        "https://t.me/ab/12",
        "https://t.me/kyiv_news_desk/1234/extra",
        "https://x.com/newsroom_desk",
        "https://x.com/newsroom_desk/status/123abc",
        "https://x.com/this_handle_is_far_too_long/status/1",
        "https://x.com/i/web/status/1740000000000000001",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n<script>",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ <b>",
        None,
    ],
)
def test_other_and_hostile_urls_are_refused(url):
    assert parse_media_url(url) is None


@pytest.mark.django_db
class TestRelatedEmbedClean:
    def test_media_with_an_unknown_provider_names_the_allowed_ones(self):
        embed = RelatedEmbed(
            article=ArticleFactory(),
            kind=RelatedEmbed.Kind.MEDIA,
            url="https://videos.example.org/watch/42",
        )

        with pytest.raises(ValidationError) as raised:
            embed.full_clean()

        message = " ".join(raised.value.message_dict["url"])
        for provider in ("YouTube", "Vimeo", "Telegram", "X"):
            assert provider in message

    def test_media_with_an_allowed_url_is_valid(self):
        embed = RelatedEmbed(
            article=ArticleFactory(),
            kind=RelatedEmbed.Kind.MEDIA,
            url="https://youtu.be/dQw4w9WgXcQ",
        )

        embed.full_clean()

        assert embed.media.iframe_src == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"

    def test_story_card_needs_its_story(self):
        embed = RelatedEmbed(article=ArticleFactory(), kind=RelatedEmbed.Kind.STORY)

        with pytest.raises(ValidationError) as raised:
            embed.full_clean()

        assert "target_article" in raised.value.message_dict

    def test_story_card_cannot_point_to_its_own_story(self):
        story = ArticleFactory()
        embed = RelatedEmbed(article=story, kind=RelatedEmbed.Kind.STORY, target_article=story)

        with pytest.raises(ValidationError) as raised:
            embed.full_clean()

        assert "target_article" in raised.value.message_dict

    def test_link_card_needs_url_and_title(self):
        embed = RelatedEmbed(article=ArticleFactory(), kind=RelatedEmbed.Kind.LINK)

        with pytest.raises(ValidationError) as raised:
            embed.full_clean()

        assert {"url", "title"} <= set(raised.value.message_dict)

    def test_story_card_is_visible_only_while_its_story_is_published(self):
        target = ArticleFactory()
        embed = RelatedEmbed(
            article=ArticleFactory(), kind=RelatedEmbed.Kind.STORY, target_article=target
        )
        assert embed.is_visible

        target.status = Article.Status.DRAFT
        assert not embed.is_visible
