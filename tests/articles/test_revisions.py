# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Story revisions: kept on every save with their bylines, tags and body blocks; compared
word by word; restored as a new revision that brings them back. Revisions from before the
blocks (with RelatedEmbed rows) compare and restore with those embeds as blocks."""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.body import blocks_in
from articles.models import Article, RelatedEmbed
from editorial import revisions
from tests.articles.workflow_helpers import change_form_data, roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, RelatedEmbedFactory, block

pytestmark = pytest.mark.django_db


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


@pytest.fixture
def story_with_parts(roles):
    first, second = AuthorFactory(name="Mykola Hrab"), AuthorFactory(name="Field desk")
    story = ArticleFactory(
        headline="Ferry service resumes across the bay",
        dek="Two boats run again after the winter storms.",
        body="<p>The first ferry left at seven.</p>"
        + block("link", url="https://example.org/harbour", title="How the harbour was rebuilt")
        + "<p>Tickets cost the same as last year.</p>",
        authors=[first],
        tag_names=["ferries", "transport"],
    )
    return story, first, second


def test_an_admin_save_keeps_a_revision_with_user_comment_and_parts(
    client, roles, story_with_parts
):
    story, first, _ = story_with_parts
    editor = roles["editor"]
    client.force_login(editor)

    data = change_form_data(client, change_url(story), headline="Ferry service resumes at last")
    response = client.post(change_url(story), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    version = revisions.latest_version(story)
    assert version.revision.user == editor
    assert "Headline" in version.revision.comment  # Django's own change message
    assert version.field_dict["headline"] == "Ferry service resumes at last"
    parts = revisions.snapshot(version)
    assert parts["bylines"] == ["Mykola Hrab"]
    assert parts["tags"] == ["ferries", "transport"]
    assert parts["embeds"] == ["Outside link: How the harbour was rebuilt"]
    assert "[Outside link: How the harbour was rebuilt]" in parts["body"]


def test_save_story_outside_the_admin_keeps_a_revision_too(roles, story_with_parts):
    story, _, _ = story_with_parts
    story.dek = "Boats are back."

    services.save_story(article=story, by=roles["editor"], note="Shortened the standfirst")

    version = revisions.latest_version(story)
    assert version.revision.comment == "Shortened the standfirst"
    assert version.revision.user == roles["editor"]
    assert version.field_dict["dek"] == "Boats are back."


def test_compare_shows_a_word_level_diff_of_text_bylines_and_tags(client, roles, story_with_parts):
    story, first, second = story_with_parts
    editor = roles["editor"]
    services.save_story(article=story, by=editor)
    older = revisions.latest_version(story)
    story.headline = "Ferry service resumes <b>across</b> the harbour"
    story.body = story.body.replace("seven", "eight")
    services.save_story(article=story, by=editor)
    story.bylines.create(author=second, position=2)
    story.tags.add("harbour")
    services.save_story(article=story, by=editor)
    newer = revisions.latest_version(story)
    client.force_login(editor)

    page = client.get(
        reverse("admin:articles_article_revision_compare", args=[story.pk]),
        {"version": [older.pk, newer.pk]},
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "<del>bay</del><ins>harbour</ins>" in html
    # What an editor typed is escaped, never run as markup.
    assert "<ins>&lt;b&gt;across&lt;/b&gt;</ins>" in html
    assert "<del>seven.</del><ins>eight.</ins>" in html
    assert "Mykola Hrab, <ins>Field desk</ins>" in html
    assert "<ins>harbour</ins>" in html


def test_compare_needs_exactly_two_revisions(client, roles, story_with_parts):
    story, _, _ = story_with_parts
    services.save_story(article=story, by=roles["editor"])
    client.force_login(roles["editor"])
    url = reverse("admin:articles_article_revision_compare", args=[story.pk])

    response = client.get(url, {"version": [revisions.latest_version(story).pk]})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_revisions", args=[story.pk])


def test_restore_brings_back_text_bylines_embeds_and_tags_as_a_new_revision(
    client, roles, story_with_parts
):
    story, first, second = story_with_parts
    editor = roles["editor"]
    services.save_story(article=story, by=editor)
    good = revisions.latest_version(story)
    # Someone rewrites the story: new headline, other byline, no embed, other tags.
    story.headline = "Ferries cancelled again"
    services.save_story(article=story, by=editor)
    story.bylines.all().delete()
    story.bylines.create(author=second, position=1)
    story.body = "<p>The first ferry left at seven.</p>"
    story.tags.set(["strike"])
    services.save_story(article=story, by=editor)
    count_before = Version.objects.get_for_object(story).count()
    client.force_login(editor)
    url = reverse("admin:articles_article_revision_restore", args=[story.pk, good.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Yes, restore this revision" in confirm.content.decode()
    story.refresh_from_db()
    assert story.headline == "Ferries cancelled again"  # a GET changes nothing

    response = client.post(url)

    assert response.status_code == 302
    story = Article.objects.get(pk=story.pk)
    assert story.headline == "Ferry service resumes across the bay"
    assert [byline.author for byline in story.ordered_bylines] == [first]
    assert [b.get("data-title") for b in blocks_in(story.body)] == ["How the harbour was rebuilt"]
    assert sorted(story.tags.names()) == ["ferries", "transport"]
    # History is kept: one more revision, the old ones all still there.
    versions = list(revisions.story_versions(story))
    assert len(versions) == count_before + 1
    assert versions[0].revision.comment.startswith("Restored from the revision of")
    assert versions[0].revision.user == editor
    assert revisions.snapshot(versions[0])["bylines"] == ["Mykola Hrab"]
    assert good in versions


def test_restore_keeps_the_current_status(roles, story_with_parts):
    story, _, _ = story_with_parts
    editor = roles["editor"]
    services.save_story(article=story, by=editor)
    published = revisions.latest_version(story)
    services.withdraw(story, by=editor)

    revisions.restore(article=story, version=published, by=editor)

    story.refresh_from_db()
    assert story.status == Article.Status.WITHDRAWN


def test_a_reporter_cannot_open_or_restore_someone_elses_revisions(client, roles):
    story = ArticleFactory(status="draft", publish_at=None, headline="Editors only")
    services.save_story(article=story, by=roles["editor"])
    version = revisions.latest_version(story)
    client.force_login(roles["other_reporter"])

    listing = client.get(reverse("admin:articles_article_revisions", args=[story.pk]))
    restore = client.post(
        reverse("admin:articles_article_revision_restore", args=[story.pk, version.pk])
    )

    assert listing.status_code == 403
    assert restore.status_code == 403


def test_revision_list_reads_a_fixed_number_of_queries(
    client, roles, story_with_parts, django_assert_max_num_queries
):
    story, _, _ = story_with_parts
    for number in range(5):
        story.dek = f"Version {number}"
        services.save_story(article=story, by=roles["editor"])
    client.force_login(roles["editor"])
    url = reverse("admin:articles_article_revisions", args=[story.pk])
    client.get(url)

    with django_assert_max_num_queries(12):
        page = client.get(url)

    html = page.content.decode()
    assert html.count('name="version"') == 5
    assert "Compare selected" in html
    assert html.count("Restore…") == 4  # every revision but the current one


def test_revision_pages_lead_back_through_their_breadcrumbs(client, roles, story_with_parts):
    story, _, _ = story_with_parts
    editor = roles["editor"]
    services.save_story(article=story, by=editor)
    services.save_story(article=story, by=editor)
    versions = list(Version.objects.get_for_object(story))
    client.force_login(editor)
    listing_url = reverse("admin:articles_article_revisions", args=[story.pk])
    story_url = reverse("admin:articles_article_change", args=[story.pk])

    def crumbs(url, params=None):
        html = client.get(url, params).content.decode()
        start = html.index('<div class="breadcrumbs">')
        return html[start : html.index("</div>", start)]

    listing = crumbs(listing_url)
    assert f'href="{story_url}"' in listing and listing.rstrip().endswith("&rsaquo; Revisions")
    compare = crumbs(
        reverse("admin:articles_article_revision_compare", args=[story.pk]),
        {"version": [versions[1].pk, versions[0].pk]},
    )
    assert f'<a href="{listing_url}">Revisions</a>' in compare
    assert compare.rstrip().endswith("&rsaquo; Compare")
    restore = crumbs(
        reverse("admin:articles_article_revision_restore", args=[story.pk, versions[1].pk])
    )
    assert f'<a href="{listing_url}">Revisions</a>' in restore
    assert restore.rstrip().endswith("&rsaquo; Restore")


def old_revision_with_embeds(story, editor):
    """A revision as saved before migration 0013: the story row (its body without blocks)
    and its RelatedEmbed rows, kept together."""
    target = ArticleFactory(headline="The harbour master retires")
    embeds = [
        RelatedEmbedFactory(article=story, kind="story", target_article=target, title="",
                            excerpt="", source_name="", url="", after_paragraph=1, position=0),
        RelatedEmbedFactory(article=story, kind="media", url="https://youtu.be/dQw4w9WgXcQ",
                            title="The first crossing", after_paragraph=0, position=1),
    ]  # fmt: skip
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.add_to_revision(story)
        for embed in embeds:
            reversion.add_to_revision(embed)
    RelatedEmbed.objects.filter(article=story).delete()  # what the migration does
    return revisions.latest_version(story), target


def test_an_old_revision_with_embeds_restores_to_a_body_showing_the_blocks(client, roles):
    editor = roles["editor"]
    story = ArticleFactory(
        body="<p>The first ferry left at seven.</p><p>Tickets cost the same as last year.</p>"
    )
    old, target = old_revision_with_embeds(story, editor)
    story.body = "<p>Rewritten since.</p>"
    services.save_story(article=story, by=editor)
    client.force_login(editor)

    compared = client.get(
        reverse("admin:articles_article_revision_compare", args=[story.pk]),
        {"version": [old.pk, revisions.latest_version(story).pk]},
    ).content.decode()
    assert "<del>Story card: The harbour master retires</del>" in compared
    assert "<del>Media: The first crossing</del>" in compared

    response = client.post(
        reverse("admin:articles_article_revision_restore", args=[story.pk, old.pk])
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert [(b.kind, b.get("data-story") or b.get("data-url")) for b in blocks_in(story.body)] == [
        ("media", "https://youtu.be/dQw4w9WgXcQ"),
        ("story", str(target.pk)),
    ]
    assert (
        story.body.index("youtu.be")
        < story.body.index("seven")
        < story.body.index(f'data-story="{target.pk}"')
        < story.body.index("Tickets")
    )
    assert not RelatedEmbed.objects.filter(article=story).exists()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in page
    assert "The harbour master retires" in page
    # The restored revision and the old one hold the same blocks: nothing to compare.
    restored = revisions.latest_version(story)
    rows = {row["label"]: row["changed"] for row in revisions.compare(old, restored)}
    assert rows == dict.fromkeys(rows, False)
