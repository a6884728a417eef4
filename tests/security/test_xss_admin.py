"""Staff pages show readers' and writers' text too: the whole corpus at once in the admin's
lists and forms, where a stored payload would run with an editor's rights."""

import pytest
from django.utils import timezone

from articles.models import Article, Author
from comments.models import Comment
from live.models import LiveUpdate
from newsletters.models import NewsletterIssue
from pages.models import Page
from photos.models import Photo
from subscriptions.models import Subscriber
from tests.factories import ArticleFactory, PhotoFactory, SectionFactory
from tests.newsletters.factories import IssueFactory
from tests.security.htmlcheck import assert_no_script, script_problems
from tests.security.payloads import PAYLOADS, hostile
from tests.subscriptions.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_rows():
    section = SectionFactory()
    newsletter = NewsletterFactory()
    rows = {}
    for n, payload in enumerate(PAYLOADS):
        photo = PhotoFactory(
            caption=hostile(Photo, "caption", payload, f"MCAPTION{n}"),
            credit=hostile(Photo, "credit", payload, "MCREDIT"),
            alt_text=hostile(Photo, "alt_text", payload, "MALT"),
        )
        author = Author.objects.create(
            name=hostile(Author, "name", payload, f"MAUTHOR{n}"), slug=f"author-{n}"
        )
        story = ArticleFactory(
            headline=hostile(Article, "headline", payload, f"MHEAD{n}"),
            slug=f"story-{n}",
            body=f"<p>MBODY{n}</p>{payload}",
            section=section,
            lead_photo=photo,
            authors=[author],
            is_live=True,
            tag_names=[f"MTAG{n} {payload}"[:100]],
        )
        Comment.objects.create(
            article=story,
            name=hostile(Comment, "name", payload, f"MCOMMENTER{n}"),
            email="reader@example.org",
            body=f"MCOMMENT{n} {payload}",
        )
        LiveUpdate.objects.create(
            article=story,
            headline=hostile(LiveUpdate, "headline", payload, f"MLIVE{n}"),
            body=f"<p>MLIVEBODY{n}</p>{payload}",
            published_at=timezone.now(),
        )
        Page.objects.create(
            title=hostile(Page, "title", payload, f"MPAGE{n}"),
            slug=f"page-{n}",
            body=f"<p>MPAGEBODY{n}</p>{payload}",
        )
        SubscriberFactory(first_name=hostile(Subscriber, "first_name", payload, f"MFIRST{n}"))
        rows[n] = IssueFactory(
            newsletter=newsletter,
            subject=hostile(NewsletterIssue, "subject", payload, f"MSUBJECT{n}"),
            intro=f"<p>MINTRO{n}</p>{payload}",
        )
    return rows


def test_admin_lists_and_forms_show_the_corpus_inertly(admin_client, hostile_rows):
    last = len(PAYLOADS) - 1
    lists = {
        "/admin/articles/article/": "MHEAD",
        "/admin/photos/photo/": "MCAPTION",
        "/admin/articles/author/": "MAUTHOR",
        "/admin/comments/comment/": "MCOMMENTER",
        "/admin/live/liveupdate/": "MLIVE",
        "/admin/pages/page/": "MPAGE",
        "/admin/subscriptions/subscriber/": "MFIRST",
        "/admin/newsletters/newsletterissue/": "MSUBJECT",
    }
    for url, marker in lists.items():
        response = admin_client.get(url, {"all": ""})
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_no_script(html, where=url)
        assert f"{marker}0" in html and f"{marker}{last}" in html, url

    story = Article.objects.get(slug=f"story-{last}")
    forms = [
        f"/admin/articles/article/{story.pk}/change/",
        f"/admin/photos/photo/{story.lead_photo_id}/change/",
        f"/admin/comments/comment/{story.comments.get().pk}/change/",
        f"/admin/newsletters/newsletterissue/{hostile_rows[last].pk}/change/",
    ]
    for url in forms:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_no_script(response.content.decode(), where=url)

    # The issue preview frames our own rendering of the email; both are checked.
    preview = f"/admin/newsletters/newsletterissue/{hostile_rows[last].pk}/preview/"
    problems = script_problems(admin_client.get(preview).content.decode())
    assert problems == [f"<iframe src='{preview}email.html'> outside the embed allow-list"]
    email = admin_client.get(f"{preview}email.html").content.decode()
    assert_no_script(email, allow_style=True, where="email preview")
    assert f"MINTRO{last}" in email
