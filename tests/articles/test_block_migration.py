"""Migration 0013 moves the paragraph-numbered RelatedEmbed rows into the story bodies as
blocks, at their place and with every override, and back again (stories, links and media;
photos and quotes never were rows)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.body import blocks_in, sanitise_body_html

BEFORE = [("articles", "0012_desk_records_moved_to_editorial"), ("photos", "0001_initial")]
AFTER = [("articles", "0013_embeds_into_bodies")]
BODY = "<p>One.</p><h2>Two</h2><ul><li>Three</li></ul><p>Four &amp; <em>more</em>.</p>"
ROW_FIELDS = (
    "kind", "after_paragraph", "position", "target_article_id", "story_headline", "story_url",
    "url", "title", "excerpt", "source_name", "author_line", "image_id",
)  # fmt: skip


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def rows(RelatedEmbed, story):
    return [
        tuple(getattr(embed, name) for name in ROW_FIELDS)
        for embed in RelatedEmbed.objects.filter(article_id=story.pk).order_by("position", "pk")
    ]


def story_maker(Article, section):
    def story(slug, body=BODY):
        return Article.objects.create(
            headline=f"Story {slug}",
            slug=slug,
            body=body,
            section=section,
            status="published",
            publish_at=timezone.now(),
        )

    return story


@pytest.mark.django_db(transaction=True)
def test_embeds_move_into_the_bodies_and_back(back_to_the_latest_schema):
    old = migrate(BEFORE)
    Article = old.get_model("articles", "Article")
    RelatedEmbed = old.get_model("articles", "RelatedEmbed")
    section = old.get_model("articles", "Section").objects.create(name="City", slug="city")
    story = story_maker(Article, section)
    host, target, plain = story("host"), story("ferry-tender"), story("plain", "<p>Alone.</p>")
    photo = old.get_model("photos", "Photo").objects.create(
        image="photos/x.jpg", width=10, height=10, caption="c", credit="cr", alt_text="a"
    )
    tricky_title = 'Link <b>two</b> & "more"'
    made = [
        {"kind": "link", "after_paragraph": 2, "position": 2, "url": "https://example.org/a",
         "title": tricky_title, "excerpt": "Why it matters.", "source_name": "Review",
         "author_line": "By Someone", "image_id": photo.pk},
        {"kind": "story", "after_paragraph": 2, "position": 1, "target_article_id": target.pk,
         "title": "Our title", "excerpt": "Our excerpt"},
        {"kind": "media", "after_paragraph": 0, "position": 0,
         "url": "https://youtu.be/dQw4w9WgXcQ", "title": "Video", "excerpt": "Clip",
         "author_line": "Someone"},
        {"kind": "story", "after_paragraph": 99, "position": 3,
         "story_headline": "A deleted story", "story_url": "/story/gone/"},
        {"kind": "media", "after_paragraph": 2, "position": 1,
         "url": "https://x.com/newsroom_desk/status/1740000000000000001", "title": "Same slot"},
    ]  # fmt: skip
    for fields in made:
        RelatedEmbed.objects.create(article=host, **fields)
    before = rows(RelatedEmbed, host)

    new = migrate(AFTER)
    Article = new.get_model("articles", "Article")

    assert not new.get_model("articles", "RelatedEmbed").objects.exists()
    body = Article.objects.get(pk=host.pk).body
    blocks = blocks_in(body)
    assert [(b.kind, b.get("data-title") or b.get("data-headline")) for b in blocks] == [
        ("media", "Video"),  # before the first part
        ("story", "Our title"),  # after part 2, in (position, pk) order
        ("media", "Same slot"),
        ("link", tricky_title),
        ("story", "A deleted story"),  # past the end: after the last
    ]
    media, card, _, link, gone = (dict(block.attributes) for block in blocks)
    assert media == {
        "data-url": "https://youtu.be/dQw4w9WgXcQ",
        "data-title": "Video",
        "data-excerpt": "Clip",
        "data-author": "Someone",
    }
    assert card == {
        "data-story": str(target.pk),
        "data-headline": "Story ferry-tender",
        "data-url": "/story/ferry-tender/",
        "data-title": "Our title",
        "data-excerpt": "Our excerpt",
    }
    assert link == {
        "data-url": "https://example.org/a",
        "data-title": tricky_title,
        "data-excerpt": "Why it matters.",
        "data-source": "Review",
        "data-author": "By Someone",
        "data-photo": str(photo.pk),
    }
    assert gone == {"data-headline": "A deleted story", "data-url": "/story/gone/"}
    order = ["Video", "One.", "Two", "Our title", "Same slot", "Link", "Three", "Four &amp; <em>"]
    positions = [body.index(marker) for marker in [*order, "A deleted story"]]
    assert positions == sorted(positions)
    assert sanitise_body_html(body) == body  # as the editor would store it
    assert Article.objects.get(pk=plain.pk).body == "<p>Alone.</p>"  # no embeds: untouched

    old = migrate(BEFORE)
    Article = old.get_model("articles", "Article")
    RelatedEmbed = old.get_model("articles", "RelatedEmbed")

    assert Article.objects.get(pk=host.pk).body == BODY
    # The same rows in the same order; positions renumbered, and "past the end" is now
    # "after the last" (part 4).
    back = rows(RelatedEmbed, host)
    position = ROW_FIELDS.index("position")
    after = ROW_FIELDS.index("after_paragraph")
    assert [row[position] for row in back] == [0, 1, 2, 3, 4]

    def comparable(row):
        row = list(row)
        row[after] = min(row[after], 4)
        return row[:position] + row[position + 1 :]

    assert [comparable(row) for row in back] == [comparable(row) for row in before]
