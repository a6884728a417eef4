# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""The canary: with every cache on, nothing of an unpublished story reaches a public URL.

A draft carries a unique word in its headline, body, photo caption and slug (and is featured,
picked, in the News Feed, live, corrected and put in a newsletter issue, so every list that
forgets `published()` would show it). Staff preview it and a shared preview link is opened,
which is when per-request values used to slip into shared blocks. Then every public URL
pattern of the resolver is filled from the sitemap and the site's data and fetched twice
(fresh, then from the caches), every page-number link followed to its end: neither the word
nor the preview token may appear anywhere. A URL pattern the test does not know fails it, so
a new public page cannot go unchecked.
"""

import re
import uuid
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Correction
from editorial.models import PreviewLink
from live.models import LiveUpdate
from newsletters.models import IssueStory, NewsletterIssue
from pages.models import Page
from subscriptions.models import Newsletter
from tests.articles.reader_helpers import photo_with_renditions
from tests.articles.workflow_helpers import roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.newsletters.factories import IssueFactory, add_stories
from tests.subscriptions.factories import NewsletterFactory

pytestmark = pytest.mark.django_db

# Enough that a silent failure to enumerate cannot pass.
MIN_URLS = 60
# Short pages, so every listing has several with few stories (a fast test).
PER_PAGE = 3

# Prefixes mounted for staff or for machines, never pages: nothing under them is walked.
SKIPPED_PREFIXES = {
    "admin/": "staff only (the admin)",
    "anymail/": "provider webhooks: POST only",
    "admin/second-factor/passkeys/": "staff sign-in: the passkey library's JSON endpoints",
}
# Named patterns that are not public pages, each with why.
SKIPPED = {
    "editorial:preview_link": "the shared preview itself (asserted to show the draft)",
    "subscriptions:confirm": "a per-subscriber signed link",
    "subscriptions:unsubscribe": "a per-subscriber signed link",
    "subscriptions:resubscribe": "a per-subscriber signed link",
    "subscriptions:preferences": "a per-subscriber signed link",
    "subscriptions:resend_confirmation": "POST only (a GET redirects to the signup page)",
    "popularity:read": "the read beacon: POST only",
}


def walk(patterns, prefix="", namespace=""):
    """(route, view name) for every pattern, skipped prefixes left out."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route in SKIPPED_PREFIXES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield route, f"{namespace}{pattern.name}" if pattern.name else route


def paths_in(document, marker):
    """Site paths in a sitemap that start with `marker`."""
    return sorted(
        {
            urlsplit(url).path
            for url in re.findall(r"<loc>([^<]+)</loc>", document)
            if urlsplit(url).path.startswith(marker)
        }
    )


@pytest.fixture
def short_pages(monkeypatch):
    from articles import views
    from newsletters.views import NewsletterArchiveView

    monkeypatch.setattr(views, "NEWS_FEED_PER_PAGE", PER_PAGE)
    for view in (
        views.SectionView,
        views.AuthorView,
        views.TagView,
        views.CorrectionsView,
        NewsletterArchiveView,
    ):
        monkeypatch.setattr(view, "paginate_by", PER_PAGE)


@pytest.fixture
def site(settings, roles, short_pages):
    """A small site like the demo: sections, people and a desk, tags, static pages,
    newsletters with issues, a live story, corrections; lists long enough to paginate."""
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_FRAGMENTS = True
    settings.PAGE_CACHE_LOCAL_ENTRIES = 300
    settings.PAGE_CACHE_STALE_SECONDS = 60
    settings.SEARCH_RATE_LIMIT_PER_IP = "1000/m"
    word = f"canary{uuid.uuid4().hex[:10]}"

    national = SectionFactory(name="National", slug="national", shown_in_navigation=True)
    world = SectionFactory(name="World", slug="world", shown_in_navigation=True)
    person = AuthorFactory(name="Olena Writer", slug="olena-writer")
    desk = AuthorFactory(name="News desk", slug="news-desk", kind="desk")
    stories = []
    for number in range(10):
        story = ArticleFactory(
            section=national if number % 4 else world,
            in_news_feed=True,
            is_featured=number < 4,
            is_editors_pick=4 <= number < 10,
            publish_at=timezone.now() - timezone.timedelta(minutes=5 + number),
            authors=[person, desk] if number % 3 else [person],
            tag_names=["kyiv", "energy"] if number % 2 else ["kyiv"],
        )
        stories.append(story)
    live = stories[1]
    live.is_live = True
    live.audio_transcript = "A transcript of the audio version."
    live.save(update_fields=["is_live", "audio_transcript"])
    LiveUpdate.objects.create(article=live, headline="Power restored in the east")
    for story in stories[2:6]:
        Correction.objects.create(article=story, text="An earlier version misspelled a name.")
    for title, slug in (("About us", "about"), ("Jobs", "jobs")):
        Page.objects.create(title=title, slug=slug, intro="Who we are.", is_published=True)

    briefing = NewsletterFactory(
        name="Morning Briefing", slug="morning", is_public=True, is_default=True
    )
    briefing.sections.add(national)
    NewsletterFactory(name="Weekend Reads", slug="weekend", is_public=True)
    insiders = NewsletterFactory(name="Insiders", slug="insiders", is_public=False)
    for newsletter in (briefing, briefing, briefing, briefing, insiders):
        issue = IssueFactory(newsletter=newsletter, status=NewsletterIssue.Status.SENT)
        issue.started_at = issue.sent_at = timezone.now()
        issue.save(update_fields=["started_at", "sent_at"])
        add_stories(issue, stories[:3])

    draft = ArticleFactory(
        section=national,
        slug=f"{word}-dam-inquiry",
        headline=f"The {word} dam inquiry findings",
        dek=f"What the {word} papers say.",
        body=f"<p>The inquiry found the {word} gates were never tested.</p>",
        status=Article.Status.DRAFT,
        # A time planned but not reached (a live draft without one cannot be previewed).
        publish_at=timezone.now() + timezone.timedelta(days=1),
        lead_photo=photo_with_renditions(caption=f"The {word} dam at dawn"),
        in_news_feed=True,
        is_featured=True,
        is_editors_pick=True,
        is_live=True,
        audio_transcript=f"The {word} transcript.",
        authors=[person],
        tag_names=["kyiv"],
    )
    LiveUpdate.objects.create(article=draft, headline=f"{word} update", body=f"<p>{word}</p>")
    Correction.objects.create(article=draft, text=f"A {word} correction.")
    IssueStory.objects.create(issue=issue, article=draft, position=9)
    link = PreviewLink.objects.create(article=draft)
    return {"word": word, "draft": draft, "link": link, "stories": stories}


def fillers(data):
    """URLs for every public pattern, from the sitemaps and the site's own rows."""
    client = Client()
    sitemap = client.get("/sitemap.xml").content.decode()
    stories = paths_in(sitemap, "/story/")
    sections = paths_in(sitemap, "/section/")
    authors = paths_in(sitemap, "/author/")
    tags = [reverse("articles:tag", args=[tag.slug]) for tag in Tag.objects.all()]
    slugs = [path.rstrip("/").rsplit("/", 1)[1] for path in stories]
    public_live = Article.objects.published().filter(is_live=True)
    with_transcript = Article.objects.published().exclude(audio_transcript="")
    return {
        "healthz": ["/healthz"],
        "readyz": ["/readyz"],
        "django.contrib.sitemaps.views.sitemap": ["/sitemap.xml", "/sitemap.xml?p=1"],
        "news_sitemap": ["/sitemap-news.xml"],
        "robots_txt": ["/robots.txt"],
        "newsletters:index": [reverse("newsletters:index")],
        "newsletters:archive": [n.get_absolute_url() for n in Newsletter.objects.public()],
        "newsletters:issue": [
            issue.get_absolute_url()
            for issue in NewsletterIssue.objects.published().filter(newsletter__is_public=True)
        ],
        # Private newsletters' issues open by their token alone (public ones redirect).
        "newsletters:issue_by_token": [
            reverse("newsletters:issue_by_token", args=[issue.web_token])
            for issue in NewsletterIssue.objects.published().filter(newsletter__is_public=False)
        ],
        "subscriptions:signup": [reverse("subscriptions:signup")],
        "subscriptions:signup_thanks": [reverse("subscriptions:signup_thanks")],
        "comments:write": [reverse("comments:write", args=[slug]) for slug in slugs],
        "live:news_feed_json": [
            reverse("live:news_feed_json"),
            reverse("live:news_feed_json") + "?since=2000-01-01T00:00:00%2B00:00",
        ],
        "live:updates_json": [
            reverse("live:updates_json", args=[story.slug]) + suffix
            for story in public_live
            for suffix in ("", "?since=2000-01-01T00:00:00%2B00:00")
        ],
        "articles:home": [reverse("articles:home")],
        "articles:news_feed": [reverse("articles:news_feed")],
        "articles:section": sections,
        "articles:article": stories,
        "articles:author": authors,
        "articles:tag": tags,
        "articles:search": [reverse("articles:search")],  # and the searches below
        "articles:corrections": [reverse("articles:corrections")],
        "articles:transcript": [
            reverse("articles:transcript", args=[story.slug]) for story in with_transcript
        ],
        "articles:feed": [reverse("articles:feed")],
        "articles:feed_atom": [reverse("articles:feed_atom")],
        "articles:section_feed": [f"{path}feed/" for path in sections],
        "articles:section_feed_atom": [f"{path}feed/atom/" for path in sections],
        "articles:author_feed": [f"{path}feed/" for path in authors],
        "articles:author_feed_atom": [f"{path}feed/atom/" for path in authors],
        "articles:tag_feed": [f"{path}feed/" for path in tags],
        "articles:tag_feed_atom": [f"{path}feed/atom/" for path in tags],
        "pages:page": [page.get_absolute_url() for page in Page.objects.published()],
    }


PAGE_LINK = re.compile(r"""href="([^"]*[?&](?:amp;)?page=\d+[^"]*)\"""")


def fetch_all(seeds, secrets):
    """GET every URL (cookies dropped each time: an anonymous reader), following page-number
    links to their end; fail on any secret in any answer. Returns the URLs fetched."""
    client = Client()
    queue, seen = list(seeds), set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        client.cookies.clear()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, f"{secret!r} leaked into {url}"
        for header, value in response.items():
            assert not any(secret in value for secret in secrets), (url, header)
        for link in PAGE_LINK.findall(body):
            queue.append(urljoin(url, link.replace("&amp;", "&")))
    return seen


def test_nothing_unpublished_reaches_a_public_url(site, roles):
    word, draft, link = site["word"], site["draft"], site["link"]
    secrets = [word, link.token, link.signed_value(), "/preview/"]

    staff = Client()
    staff.force_login(roles["editor"])
    staff_preview = staff.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert staff_preview.status_code == 200 and word in staff_preview.content.decode()
    reader = Client()
    shared_preview = reader.get(link.get_absolute_url())
    assert shared_preview.status_code == 200 and word in shared_preview.content.decode()

    # Every pattern of the resolver is either filled or skipped with a reason, and nothing
    # listed is stale: a new public page fails here until the test fetches it.
    patterns = dict(walk(get_resolver().url_patterns))
    fill = fillers(site)
    names = set(patterns.values())
    assert names - set(fill) - set(SKIPPED) == set(), "public patterns the canary cannot fill"
    assert (set(fill) | set(SKIPPED)) - names == set(), "listed patterns that no longer exist"
    empty = [name for name, urls in fill.items() if not urls]
    assert empty == [], "patterns the data did not fill"

    seeds = [url for urls in fill.values() for url in urls]
    fetched = fetch_all(seeds, secrets)
    # Again, now from the page cache, the shared blocks and this process's copies, after the
    # shared preview was opened once more in between.
    assert word in reader.get(link.get_absolute_url()).content.decode()
    staff.get(site["stories"][0].get_absolute_url())  # signed-in staff on a public page
    fetch_all(seeds, secrets)

    # Searching for the word finds nothing: the page differs from a search for a word that
    # is nowhere only by the word it echoes back.
    other = f"canary{uuid.uuid4().hex[:10]}"
    found = Client().get(reverse("articles:search"), {"q": word})
    nothing = Client().get(reverse("articles:search"), {"q": other})
    assert found.status_code == nothing.status_code == 200
    assert found.content.decode().replace(word, "QUERY") == nothing.content.decode().replace(
        other, "QUERY"
    )
    for secret in secrets[1:]:
        assert secret not in found.content.decode()

    print(f"canary: {len(fetched) * 2 + 2} public URL fetches, {len(fetched)} distinct URLs")
    assert len(fetched) >= MIN_URLS
    assert any("page=2" in url for url in fetched)  # page-number links were followed
