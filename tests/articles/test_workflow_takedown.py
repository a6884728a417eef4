# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Takedown: a withdrawn story answers 410 and is gone from every listing, feed, sitemap,
search, cached page and newsletter issue page at once."""

import pytest

from newsletters.models import NewsletterIssue
from tests.articles.test_workflow_schedule import listing_urls
from tests.articles.workflow_helpers import roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.newsletters.factories import IssueFactory, add_stories

pytestmark = pytest.mark.django_db


def test_withdrawn_story_is_gone_everywhere_at_once(
    client, roles, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_STALE_SECONDS = 600  # only the withdrawal may retire the copies
    section = SectionFactory(slug="coast")
    author = AuthorFactory(slug="mila-coast")
    ArticleFactory(section=section, authors=[author], tag_names=["ferries"], in_news_feed=True)
    story = ArticleFactory(
        headline="Hydrofoil operator accused of fraud",
        section=section,
        authors=[author],
        tag_names=["ferries"],
        in_news_feed=True,
    )
    issue = IssueFactory(status=NewsletterIssue.Status.SENT)
    add_stories(issue, [story])
    urls = [*listing_urls(story, author), issue.get_absolute_url()]
    for url in urls:
        assert story.get_absolute_url() in client.get(url).content.decode(), url
    assert client.get(story.get_absolute_url()).status_code == 200
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"

    editor = client.__class__()
    editor.force_login(roles["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            "/admin/articles/article/",
            {"action": "withdraw_stories", "_selected_action": [story.pk], "confirm": "yes"},
        )

    gone = client.get(story.get_absolute_url())
    assert gone.status_code == 410
    assert "This story has been removed" in gone.content.decode()  # the site's own design
    assert client.get(f"{story.get_absolute_url()}transcript/").status_code in {404, 410}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert story.get_absolute_url() not in response.content.decode(), url
        assert "accused of fraud" not in response.content.decode(), url


def test_reporter_cannot_withdraw_through_the_action(client, roles):
    story = ArticleFactory(created_by=roles["reporter"])
    client.force_login(roles["reporter"])
    client.post(
        "/admin/articles/article/",
        {"action": "withdraw_stories", "_selected_action": [story.pk], "confirm": "yes"},
    )
    story.refresh_from_db()
    assert story.status == "published"
