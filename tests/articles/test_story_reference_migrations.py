"""The migrations that keep story references run on existing data: every card to another
story and every issue's story row get the story's current headline and address, and every
existing newsletter issue its own random token."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

BEFORE = [
    ("articles", "0008_editor_notes_autosave"),
    ("newsletters", "0003_issue_progress_and_send_permission"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """Whatever the test leaves half-migrated, the next tests on this worker find every
    migration applied (a later one, such as newsletters' watched_at, would be missing)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_filled_in(back_to_the_latest_schema):
    old = migrate(BEFORE)
    Section = old.get_model("articles", "Section")
    Article = old.get_model("articles", "Article")
    RelatedEmbed = old.get_model("articles", "RelatedEmbed")
    Newsletter = old.get_model("newsletters", "Newsletter")
    NewsletterIssue = old.get_model("newsletters", "NewsletterIssue")
    IssueStory = old.get_model("newsletters", "IssueStory")
    section = Section.objects.create(name="City", slug="city")
    now = timezone.now()
    host, target = (
        Article.objects.create(
            headline=headline, slug=slug, section=section, status="published", publish_at=now
        )
        for headline, slug in [("Host story", "host-story"), ("Ferry tender", "ferry-tender")]
    )
    RelatedEmbed.objects.create(article=host, kind="story", target_article=target)
    link_card = RelatedEmbed.objects.create(
        article=host, kind="link", url="https://example.org/", title="Outside"
    )
    newsletter = Newsletter.objects.create(
        name="Morning", slug="morning", description="d", frequency="daily"
    )
    issues = [
        NewsletterIssue.objects.create(newsletter=newsletter, subject=f"Issue {n}", status="sent")
        for n in range(3)
    ]
    IssueStory.objects.create(issue=issues[0], article=target, position=0)

    new = migrate(
        [("articles", "0009_keep_story_reference"), ("newsletters", "0005_issuestory_keep_story")]
    )

    address = reverse("articles:article", kwargs={"slug": "ferry-tender"})
    card = new.get_model("articles", "RelatedEmbed").objects.get(
        target_article__slug="ferry-tender"
    )
    assert (card.story_headline, card.story_url) == ("Ferry tender", address)
    outside = new.get_model("articles", "RelatedEmbed").objects.get(pk=link_card.pk)
    assert (outside.story_headline, outside.story_url) == ("", "")
    row = new.get_model("newsletters", "IssueStory").objects.get()
    assert (row.story_headline, row.story_url) == ("Ferry tender", address)
    tokens = list(new.get_model("newsletters", "NewsletterIssue").objects.values_list("web_token"))
    assert len({token for (token,) in tokens}) == 3 and all(len(t) >= 43 for (t,) in tokens)
