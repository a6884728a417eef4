"""Hostile body blocks: what the nh3 allow-list keeps of a <figure data-block>, and that no
reader output (the story page, the feeds, a newsletter email) ever carries the rest.

The sanitiser keeps exactly `<figure data-block="KIND" …>` with the attributes of that kind
(articles.body.BLOCK_ATTRIBUTES), empty and at the top level. Values are text: a renderer
never prints one as markup, and an address only after checking it.
"""

import re
from xml.etree import ElementTree

import pytest

from articles.body import BLOCK_ATTRIBUTES, blocks_in, sanitise_body_html
from articles.feeds import CONTENT_NS
from articles.models import Article
from newsletters.emails import issue_context, render_issue
from newsletters.models import NewsletterIssue
from tests.factories import ArticleFactory
from tests.newsletters.factories import IssueFactory
from tests.security.htmlcheck import assert_no_script

pytestmark = pytest.mark.django_db

HOSTILE_BLOCKS = {
    "javascript in a link's address": (
        '<figure data-block="link" data-url="javascript:alert(1)" data-title="MLINK"></figure>'
    ),
    "javascript with spaces and case": (
        '<figure data-block="link" data-url=" JaVaScRiPt:alert(1)" data-title="MLINK"></figure>'
    ),
    "data: address": (
        '<figure data-block="link" data-url="data:text/html,<script>alert(1)</script>" '
        'data-title="MLINK"></figure>'
    ),
    "markup in a title": (
        '<figure data-block="link" data-url="https://example.org/" '
        'data-title="<img src=x onerror=alert(1)><script>alert(1)</script>"></figure>'
    ),
    "markup in a quote": (
        '<figure data-block="quote" data-text="</p></blockquote><script>alert(1)</script>" '
        'data-attribution="<svg onload=alert(1)>"></figure>'
    ),
    "event handler and style": (
        '<figure data-block="quote" data-text="MQUOTE" onerror="alert(1)" onclick="alert(1)" '
        'style="background:url(javascript:alert(1))" class="x" id="y"></figure>'
    ),
    "unknown data attributes": (
        '<figure data-block="quote" data-text="MQUOTE" data-evil="alert(1)" '
        'data-src="javascript:alert(1)" data-html="<script>alert(1)</script>"></figure>'
    ),
    "nested content": (
        '<figure data-block="quote" data-text="MQUOTE"><script>alert(1)</script>'
        '<iframe src="https://evil.example/"></iframe><p onclick="alert(1)">nested</p>'
        '<figure data-block="media" data-url="https://youtu.be/dQw4w9WgXcQ"></figure></figure>'
    ),
    "a media embed's iframe typed in": (
        '<figure data-block="media" data-url="https://evil.example/x.js">'
        '<iframe src="https://evil.example/x"></iframe></figure>'
    ),
    "a media address that only looks allowed": (
        '<figure data-block="media" data-url="https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ">'
        "</figure>"
    ),
    "an unknown kind": '<figure data-block="script" data-text="alert(1)"></figure>',
    "a block inside a list": (
        '<ul><li><figure data-block="quote" data-text="nested block"></figure></li></ul>'
    ),
    "a figure without a kind": "<figure><img src=x onerror=alert(1)><p>loose</p></figure>",
    "attributes of another kind": (
        '<figure data-block="quote" data-text="MQUOTE" data-url="javascript:alert(1)" '
        'data-story="1" data-photo="1"></figure>'
    ),
    "a broken pk": '<figure data-block="story" data-story="1 OR 1=1"></figure>',
}
# Never inside a tag of the output (as escaped text they are harmless words).
FORBIDDEN_IN_TAGS = (
    "javascript:", "data:text", "onerror", "onclick", "onload", "style=", "data-evil",
    "data-src", "data-html", "evil.example", "<script", "<iframe", "<svg", "<img src=x",
)  # fmt: skip
# Content nested in a block figure is dropped, not shown.
DROPPED_TEXT = ("nested", "loose")
TAG = re.compile(r"<[^>]*>")


def tags_of(markup):
    return " ".join(TAG.findall(markup)).lower()


@pytest.mark.parametrize("figure", HOSTILE_BLOCKS.values(), ids=HOSTILE_BLOCKS.keys())
def test_the_sanitiser_keeps_only_empty_top_level_blocks_with_their_attributes(figure):
    stored = sanitise_body_html(f"<p>Before.</p>{figure}<p>After.</p>")

    assert stored.startswith("<p>Before.</p>") and stored.endswith("<p>After.</p>")
    for block in blocks_in(stored):
        assert {name for name, _ in block.attributes} <= set(BLOCK_ATTRIBUTES[block.kind])
    between = stored.removeprefix("<p>Before.</p>").removesuffix("<p>After.</p>")
    # Only empty block figures (or, for a list, the list without its figure) are left.
    for piece in between.split("</figure>"):
        assert piece == "" or piece.startswith('<figure data-block="') or "<li>" in piece, piece
    names = " ".join(re.findall(r'([\w-]+)="', between))
    for word in ("onerror", "onclick", "style", "class", "data-evil", "data-src", "data-html"):
        assert word not in names.split()
    assert "<script" not in between and "<iframe" not in between and "<p" not in between
    assert sanitise_body_html(stored) == stored  # stable: saving again changes nothing


def test_the_stored_form_escapes_values_and_orders_attributes():
    stored = sanitise_body_html(
        "<figure data-title='A \"quoted\" <b>title</b> &amp; more' data-url='https://e.org/?a=1&b=2'"
        " data-block='link'></figure>"
    )
    assert stored == (
        '<figure data-block="link" data-url="https://e.org/?a=1&amp;b=2" '
        'data-title="A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt; &amp; more"></figure>'
    )


@pytest.mark.parametrize("figure", HOSTILE_BLOCKS.values(), ids=HOSTILE_BLOCKS.keys())
def test_hostile_blocks_never_reach_readers(client, settings, figure):
    settings.PAGE_CACHE_ENABLED = False
    story = ArticleFactory(slug="hostile-blocks")
    # Written without the admin form (an import, a script): cleaned again on the way out.
    Article.objects.filter(pk=story.pk).update(body=f"<p>MBODY</p>{figure}<p>MEND</p>")
    issue = IssueFactory(intro="<p>MBODY</p>")
    NewsletterIssue.objects.filter(pk=issue.pk).update(intro=f"<p>MBODY</p>{figure}")
    issue.refresh_from_db()

    page = client.get(story.get_absolute_url()).content.decode()
    body = page[page.index('<div class="story__body prose">') : page.index("MEND")]
    tree = ElementTree.fromstring(client.get("/feed/").content)
    (rss,) = [node.text for node in tree.iter(f"{{{CONTENT_NS}}}encoded")]
    email = render_issue(issue)
    intro = issue_context(issue)["intro_html"]  # before the CSS is inlined into style=""
    text = email.text[email.text.index("View in your browser") : email.text.index("-----")]
    outputs = {"story page": body, "RSS": rss, "email": intro}
    for where, output in outputs.items():
        assert "MBODY" in output, where
        for word in FORBIDDEN_IN_TAGS:
            assert word not in tags_of(output), (where, word)
        for word in DROPPED_TEXT:
            assert word not in output, (where, word)
        assert_no_script(output, where=where)
    for word in ("javascript:", "data:text", "evil.example", *DROPPED_TEXT):
        assert word not in text.lower(), ("email text", word)
