"""Every XSS payload through every story-related field that reaches a reader page.

Rows are written with the ORM, skipping form validation on purpose: imports, scripts and
the shell write that way too, so the pages themselves must escape or sanitise everything.
Each field carries a marker before its payload, so a test also proves the field was shown.
"""

from html import escape
from xml.etree import ElementTree

import pytest

from articles.models import Article, Author, RelatedEmbed, Section
from photos.models import Photo
from tests.factories import ArticleFactory, PhotoFactory, block
from tests.security.htmlcheck import assert_no_script
from tests.security.payloads import PAYLOADS, hostile, hostile_url, payload_id

pytestmark = pytest.mark.django_db


def hostile_story(payload):
    """A published story whose every reader-visible field carries `payload`."""
    section = Section.objects.create(
        name=hostile(Section, "name", payload, "MSECTION"),
        slug="hostile-section",
        description=hostile(Section, "description", payload, "MSECTIONDESC"),
    )
    photo = PhotoFactory(
        caption=hostile(Photo, "caption", payload, "MCAPTION"),
        credit=hostile(Photo, "credit", payload, "MCREDIT"),
        alt_text=hostile(Photo, "alt_text", payload, "MALT"),
    )
    author = Author.objects.create(
        name=hostile(Author, "name", payload, "MAUTHOR"),
        slug="hostile-author",
        job_title=hostile(Author, "job_title", payload, "MJOB"),
        bio=hostile(Author, "bio", payload, "MBIO"),
        email=hostile_url(Author, "email", payload),
        website_url=hostile_url(Author, "website_url", payload),
        x_handle=hostile_url(Author, "x_handle", payload),
        photo=photo,
    )
    target = ArticleFactory(
        headline=hostile(Article, "headline", payload, "MTARGETHEAD"),
        slug="hostile-target",
        dek=hostile(Article, "dek", payload, "MTARGETDEK"),
        section=section,
        lead_photo=photo,
        lead_photo_caption=hostile(Article, "lead_photo_caption", payload, "MLEADCAPTION"),
        authors=[author],
    )
    text = {
        "title": hostile(RelatedEmbed, "title", payload, "MEMBEDTITLE"),
        "excerpt": hostile(RelatedEmbed, "excerpt", payload, "MEMBEDEXCERPT"),
        "source": hostile(RelatedEmbed, "source_name", payload, "MEMBEDSOURCE"),
        "author": hostile(RelatedEmbed, "author_line", payload, "MEMBEDAUTHOR"),
    }
    blocks = [
        block("link", url=hostile_url(RelatedEmbed, "url", payload), photo=photo.pk, **text),
        block("link", url="https://example.org/report", photo=photo.pk, **text),
        block("media", url=hostile_url(RelatedEmbed, "url", payload), **text),
        # An X post: shown as a quote card with the typed title and excerpt.
        block("media", url="https://x.com/newsroom_test/status/1234567890", **text),
        block("story", story=target.pk, headline=payload, url=payload),
        block("story", story=target.pk, title=f"MCARDTITLE {payload}", excerpt=text["excerpt"]),
        block(
            "photo",
            photo=photo.pk,
            caption=f"MBLOCKCAPTION {payload}",
            credit=payload,
            alt=f"MBLOCKALT {payload}",
        ),  # fmt: skip
        block("quote", text=f"MQUOTE {payload}", attribution=f"MQUOTEBY {payload}"),
    ]
    story = ArticleFactory(
        headline=hostile(Article, "headline", payload, "MHEADLINE"),
        slug="hostile-story",
        dek=hostile(Article, "dek", payload, "MDEK"),
        # Blocks first: an unclosed tag in a payload swallows whatever markup follows it.
        body="".join(blocks) + f"<p>MBODY</p>{payload}<p>{payload}</p><h2>{payload}</h2>",
        section=section,
        lead_photo=photo,
        is_featured=True,
        is_editors_pick=True,
        in_news_feed=True,
        authors=[author],
        tag_names=[hostile_url(Article, "headline", f"MTAG {payload}")[:100]],
    )
    return story, target, author, section


@pytest.mark.parametrize("payload", PAYLOADS, ids=payload_id)
def test_story_pages_render_payload_inert(client, payload):
    story, target, author, section = hostile_story(payload)
    tag = story.tags.get()

    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert_no_script(html, where="story page")
    # Each field reached the page (as text), so the check above covered it.
    for marker in (
        "MHEADLINE", "MDEK", "MBODY", "MCAPTION", "MCREDIT", "MALT", "MAUTHOR", "MJOB",
        "MBIO", "MSECTION", "MTAG", "MEMBEDTITLE", "MEMBEDEXCERPT", "MEMBEDSOURCE",
        "MEMBEDAUTHOR", "MTARGETHEAD", "MTARGETDEK", "MCARDTITLE", "MBLOCKCAPTION", "MBLOCKALT",
        "MQUOTE", "MQUOTEBY",
    ):  # fmt: skip
        assert marker in html, f"{marker} missing from the story page"
    assert escape(story.headline) in html

    pages = {
        "target story": target.get_absolute_url(),
        "section": section.get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": f"/tag/{tag.slug}/",
        "home": "/",
        "news feed": "/news-feed/",
    }
    rendered = {}
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        rendered[where] = html = response.content.decode()
        assert_no_script(html, where=where)
        assert "MHEADLINE" in html or "MTARGETHEAD" in html, where
    contents = {
        "RSS": ("/feed/", "{http://purl.org/rss/1.0/modules/content/}encoded"),
        "Atom": ("/feed/atom/", "{http://www.w3.org/2005/Atom}content"),
    }
    for where, (url, element) in contents.items():
        # The body travels as HTML inside the XML: as a feed reader shows it.
        tree = ElementTree.fromstring(client.get(url).content)
        (content,) = [node.text for node in tree.iter(element) if "MQUOTE" in (node.text or "")]
        assert_no_script(content, where=f"{where} content")
        assert "MCARDTITLE" in content and "MQUOTEBY" in content
    assert "MLEADCAPTION" in rendered["target story"]
    assert "MBIO" in rendered["author"]
    assert "MSECTIONDESC" in rendered["section"]
