"""Deleting a story never silently deletes other stories' cards or a sent issue's record.

A card in another story that points to the deleted one stays, with the story's headline and
address kept on it; readers no longer see it (a deleted story is gone: a card leading to a
"not found" page would be a broken promise), editors see what it pointed to. A newsletter
issue that has started sending keeps its row for the story with headline and address; an
issue still being prepared simply loses the story. The delete confirmation says what is kept.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.body import blocks_in
from articles.models import Article, RelatedEmbed, records_kept_on_delete
from newsletters.models import IssueStory, NewsletterIssue
from tests.factories import ArticleFactory, RelatedEmbedFactory, block, place
from tests.newsletters.factories import IssueFactory, add_stories
from tests.subscriptions.factories import NewsletterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ferry():
    return ArticleFactory(headline="Ferry contract goes to tender", slug="ferry-tender")


@pytest.fixture
def host(ferry):
    host = ArticleFactory(headline="River crossing: what we know", slug="river-crossing")
    # As the editor stores a card: the story's pk, and its headline and address snapshot.
    card = block("story", story=ferry.pk, headline=ferry.headline, url=ferry.get_absolute_url())
    return place(host, card)


@pytest.fixture
def issues(ferry):
    started = timezone.now() - timedelta(days=1)
    sent = IssueFactory(
        newsletter=NewsletterFactory(name="Morning Briefing", slug="morning"),
        subject="Tuesday: the ferry tender",
        status=NewsletterIssue.Status.SENT,
        started_at=started,
        sent_at=started,
    )
    other = ArticleFactory(headline="Budget passes")
    add_stories(sent, [ferry, other])
    draft = IssueFactory(newsletter=sent.newsletter, subject="Wednesday (draft)")
    add_stories(draft, [ferry, other])
    return sent, draft


def renamed(story, headline):
    """The headline changes after the card was placed: the kept one is the latest."""
    Article.objects.filter(pk=story.pk).update(headline=headline)
    story.refresh_from_db()
    return story


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_a_card_to_a_deleted_story_is_kept_with_its_headline_and_address(client, host, ferry, how):
    address = ferry.get_absolute_url()
    page = client.get(host.get_absolute_url()).content.decode()
    assert "Ferry contract goes to tender" in page  # the card, while its story is public

    if how == "instance":
        ferry.delete()
    else:
        Article.objects.filter(pk=ferry.pk).delete()

    host.refresh_from_db()
    (card,) = blocks_in(host.body)
    assert card.get("data-headline") == "Ferry contract goes to tender"
    assert card.get("data-url") == address
    # Readers: the host page is whole, and the card is gone from it (no dead link).
    page = client.get(host.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Engineers expect work to start next spring." in html
    assert "Ferry contract" not in html and address not in html


def test_an_old_embed_row_still_keeps_the_deleted_story(ferry):
    """RelatedEmbed rows no longer show on pages (migration 0013 moved them into bodies), but
    the table stays for old revisions, and its on_delete still keeps the reference."""
    renamed(ferry, "Ferry contract cancelled")
    address = ferry.get_absolute_url()
    holder = ArticleFactory()
    RelatedEmbedFactory(article=holder, kind=RelatedEmbed.Kind.STORY, target_article=ferry)

    ferry.delete()

    card = RelatedEmbed.objects.get(article=holder)
    assert card.target_article is None
    assert (card.story_headline, card.story_url) == ("Ferry contract cancelled", address)


def test_editors_see_what_a_kept_card_pointed_to(admin_client, host, ferry):
    address = ferry.get_absolute_url()
    ferry.delete()

    page = admin_client.get(f"/admin/articles/article/{host.pk}/change/").content.decode()

    assert "Ferry contract goes to tender" in page and address in page


def test_a_sent_issue_keeps_the_deleted_story_and_a_draft_loses_it(admin_client, ferry, issues):
    sent, draft = issues
    address = ferry.get_absolute_url()
    before_other = list(
        IssueStory.objects.exclude(article=ferry).values_list("pk", "issue_id", "article_id")
    )

    ferry.delete()

    kept = IssueStory.objects.get(issue=sent, article=None)
    assert kept.story_headline == "Ferry contract goes to tender"
    assert kept.story_url == address
    assert IssueStory.objects.filter(issue=sent).count() == 2
    assert IssueStory.objects.filter(issue=draft).count() == 1  # still being prepared
    after_other = list(
        IssueStory.objects.exclude(article=None).values_list("pk", "issue_id", "article_id")
    )
    assert after_other == before_other
    page = admin_client.get(f"/admin/newsletters/newsletterissue/{sent.pk}/change/")
    assert "Ferry contract goes to tender" in page.content.decode()
    assert address in page.content.decode()


def test_the_delete_confirmation_says_what_is_kept(admin_client, host, ferry, issues):
    sent, draft = issues

    page = admin_client.get(f"/admin/articles/article/{ferry.pk}/delete/").content.decode()
    selected = admin_client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [ferry.pk]},
    ).content.decode()

    for html in (page, selected):
        assert 'class="kept-on-delete"' in html
        assert "River crossing: what we know" in html  # the card's story
        assert "Tuesday: the ferry tender" in html  # the sent issue
        assert "headline and address" in html
    assert Article.objects.filter(pk=ferry.pk).exists()

    admin_client.post(f"/admin/articles/article/{ferry.pk}/delete/", {"post": "yes"})

    assert not Article.objects.filter(pk=ferry.pk).exists()
    host.refresh_from_db()
    assert 'data-headline="Ferry contract goes to tender"' in host.body
    assert IssueStory.objects.filter(issue=sent, article=None).exists()


def test_the_confirmation_names_only_bodies_with_a_card_to_that_story(ferry):
    other = ArticleFactory()
    longer_pk = ArticleFactory(
        body=f'<p>x</p><figure data-block="story" data-story="{ferry.pk}0"></figure>'
    )
    quoted = ArticleFactory(body=f'<p>The attribute data-story="{ferry.pk}" in plain text.</p>')
    holders = [place(ArticleFactory(headline=f"Holder {n}"), block("story", story=ferry.pk))
               for n in range(2)]  # fmt: skip
    place(other, block("link", url="https://example.org/", title="Not a card to it"))

    kept = records_kept_on_delete([ferry])

    labels = [record.kept_record_label() for record in kept]
    assert labels == ["A card in the story “Holder 0”", "A card in the story “Holder 1”"]
    assert longer_pk.headline not in str(labels) and quoted.headline not in str(labels)
    assert records_kept_on_delete([holders[0]]) == []
