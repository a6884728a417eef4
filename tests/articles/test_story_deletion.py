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

from articles.models import Article, RelatedEmbed
from newsletters.models import IssueStory, NewsletterIssue
from tests.factories import ArticleFactory, RelatedEmbedFactory
from tests.newsletters.factories import IssueFactory, add_stories
from tests.subscriptions.factories import NewsletterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ferry():
    return ArticleFactory(headline="Ferry contract goes to tender", slug="ferry-tender")


@pytest.fixture
def host(ferry):
    host = ArticleFactory(headline="River crossing: what we know", slug="river-crossing")
    RelatedEmbedFactory(
        article=host, kind=RelatedEmbed.Kind.STORY, target_article=ferry, url="", title=""
    )
    return host


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
    renamed(ferry, "Ferry contract cancelled")
    address = ferry.get_absolute_url()

    if how == "instance":
        ferry.delete()
    else:
        Article.objects.filter(pk=ferry.pk).delete()

    card = RelatedEmbed.objects.get(article=host)
    assert card.target_article is None
    assert card.story_headline == "Ferry contract cancelled"
    assert card.story_url == address
    card.full_clean()  # the host story can still be saved with it
    # Readers: the host page is whole, and the card is gone from it (no dead link).
    page = client.get(host.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Engineers expect work to start next spring." in html
    assert "Ferry contract" not in html and address not in html


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
    assert RelatedEmbed.objects.filter(article=host, story_headline__contains="Ferry").exists()
    assert IssueStory.objects.filter(issue=sent, article=None).exists()
