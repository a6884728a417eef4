"""The admin's lists, filters, search, actions and JSON helpers, through the real admin."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author
from tests.factories import ArticleFactory, AuthorFactory, PhotoFactory, SectionFactory

pytestmark = pytest.mark.django_db

STORIES_URL = "/admin/articles/article/"


def test_admin_is_branded_and_links_to_the_site(admin_client):
    content = admin_client.get("/admin/").content.decode()

    assert "<title>Write, illustrate and publish | Newsroom admin</title>" in content
    assert 'id="site-name"' in content and "Newsroom</a>" in content
    assert 'href="/">View site</a>' in content
    assert "admin-extra/newsroom-admin.css" in content


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/section/",
        "/admin/articles/section/?q=reg",
        "/admin/articles/section/add/",
        "/admin/articles/author/",
        "/admin/articles/author/?kind__exact=desk",
        "/admin/articles/author/?q=desk",
        "/admin/articles/author/add/",
        "/admin/photos/photo/",
        "/admin/photos/photo/?q=tram",
        "/admin/photos/photo/add/",
        "/admin/taggit/tag/",
        "/admin/taggit/tag/?q=bridg",
        "/admin/articles/article/add/",
    ],
)
def test_admin_pages_render(admin_client, url):
    section = SectionFactory(name="Regions")
    desk = AuthorFactory(name="The Newsroom desk", kind=Author.Kind.DESK, photo=PhotoFactory())
    ArticleFactory(section=section, authors=[desk], tag_names=["bridges"])

    response = admin_client.get(url)

    assert response.status_code == 200


def test_section_list_counts_stories_and_edits_positions_in_place(admin_client):
    regions = SectionFactory(name="Regions", position=3)
    ArticleFactory.create_batch(2, section=regions)

    response = admin_client.get("/admin/articles/section/")

    content = response.content.decode()
    assert f'?section__id__exact={regions.pk}">2</a>' in content
    assert 'name="form-0-position"' in content


def test_fields_edited_in_a_list_are_named_for_their_row(admin_client):
    """A list_editable cell has no label of its own: each field says what it sets on which
    row, for screen readers (axe's "label" rule, tests/browser/test_admin_accessibility.py)."""
    SectionFactory(name="Regions")
    ArticleFactory(headline="Harbour reopens")

    sections = admin_client.get("/admin/articles/section/").content.decode()
    stories = admin_client.get(STORIES_URL).content.decode()

    assert 'aria-label="Position of Regions"' in sections
    assert 'aria-label="Featured order of Harbour reopens"' in stories
    assert 'aria-label="Editors&#x27; pick order of Harbour reopens"' in stories


def test_story_list_links_each_row_once_from_its_headline(admin_client):
    ArticleFactory(headline="Harbour reopens", lead_photo=None)

    content = admin_client.get(STORIES_URL).content.decode()

    # A photo-less story's thumbnail would be a link with nothing in it to name it.
    assert 'class="field-lead_thumbnail"><span' in content
    assert ">Harbour reopens</a>" in content


def change_links(content, label):
    """The text of every link to a row's change page in a changelist, tags taken out."""
    links = re.findall(rf'<a href="/admin/{label}/\d+/change/[^"]*">(.*?)</a>', content, re.S)
    return [re.sub(r"<[^>]*>", "", link).strip() for link in links]


def test_author_and_photo_lists_link_each_row_once_with_text(admin_client):
    AuthorFactory(name="Marta Hill", photo=PhotoFactory(caption="Marta Hill at her desk"))
    AuthorFactory(name="Ivan Brook", photo=None)
    untitled = PhotoFactory(caption="")

    authors = admin_client.get("/admin/articles/author/").content.decode()
    photos = admin_client.get("/admin/photos/photo/").content.decode()

    assert sorted(change_links(authors, "articles/author")) == ["Ivan Brook", "Marta Hill"]
    assert sorted(change_links(photos, "photos/photo")) == [
        "Marta Hill at her desk",
        f"Photo {untitled.pk}",
    ]


def test_author_list_shows_portrait_kind_and_story_count(admin_client, admin_user):
    writer = AuthorFactory(name="Marta Hill", photo=PhotoFactory(), user=admin_user)
    AuthorFactory(name="The Newsroom desk", kind=Author.Kind.DESK)
    ArticleFactory(authors=[writer])

    response = admin_client.get("/admin/articles/author/", {"kind__exact": "person"})

    content = response.content.decode()
    assert response.context["cl"].result_count == 1
    assert '<img class="thumb thumb-portrait"' in content
    assert "Marta Hill" in content and "The Newsroom desk" not in content
    assert f'?authors__id__exact={writer.pk}">1</a>' in content


def test_author_user_and_photo_use_autocomplete(admin_client):
    content = admin_client.get("/admin/articles/author/add/").content.decode()

    assert 'data-model-name="author" data-field-name="user"' in content
    assert 'data-field-name="photo"' in content and "photo-preview-select" in content


# --- The story list -------------------------------------------------------------------------


@pytest.fixture
def newsroom():
    """Stories in every state, by a person and a desk, across two sections."""
    politics = SectionFactory(name="Politics", slug="politics")
    culture = SectionFactory(name="Culture", slug="culture")
    reporter = AuthorFactory(name="Ivan Brook")
    desk = AuthorFactory(name="The Newsroom desk", kind=Author.Kind.DESK)
    now = timezone.now()
    return {
        "live": ArticleFactory(
            headline="Parliament passes the budget",
            section=politics,
            authors=[reporter, desk],
            is_featured=True,
            in_news_feed=True,
            lead_photo=PhotoFactory(),
        ),
        "scheduled": ArticleFactory(
            headline="Festival programme announced",
            section=culture,
            status=Article.Status.SCHEDULED,
            publish_at=now + timedelta(days=1),
            authors=[desk],
        ),
        "draft": ArticleFactory(
            headline="Draft on museum funding",
            section=culture,
            status=Article.Status.DRAFT,
            publish_at=None,
            kind=Article.Kind.ANALYSIS,
        ),
        "withdrawn": ArticleFactory(
            headline="Withdrawn correction",
            section=politics,
            status=Article.Status.WITHDRAWN,
            is_editors_pick=True,
        ),
        "reporter": reporter,
        "desk": desk,
        "politics": politics,
    }


def headlines(response):
    return {article.headline for article in response.context["cl"].result_list}


def test_story_list_columns(admin_client, newsroom):
    response = admin_client.get(STORIES_URL)

    content = response.content.decode()
    assert '<span class="status-badge status-green">Published</span>' in content
    assert '<span class="status-badge status-blue">Scheduled</span>' in content
    assert '<span class="status-badge status-grey">Draft</span>' in content
    assert '<span class="status-badge status-red">Withdrawn</span>' in content
    assert "Ivan Brook, The Newsroom desk" in content
    assert '<span class="flag flag-featured">Featured</span>' in content
    assert '<span class="flag flag-feed">News feed</span>' in content
    assert '<span class="flag flag-pick">Editors&#x27; pick</span>' in content
    assert '<img class="thumb"' in content and 'class="thumb thumb-empty thumb-w72"' in content
    live_at = timezone.localtime(newsroom["live"].publish_at)
    assert f'<time datetime="{live_at.isoformat()}">' in content


def test_publish_time_is_shown_in_the_outlets_time_zone(admin_client, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    ArticleFactory(publish_at=datetime(2024, 1, 10, 12, 0, tzinfo=UTC))

    content = admin_client.get(STORIES_URL).content.decode()

    # The admin's one format (core/formats), in Kyiv time.
    assert "10 Jan 2024, 14:00" in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "live"}, {"Parliament passes the budget"}),
        ({"status": "scheduled"}, {"Festival programme announced"}),
        ({"status": "draft"}, {"Draft on museum funding"}),
        ({"status": "withdrawn"}, {"Withdrawn correction"}),
        ({"kind__exact": "analysis"}, {"Draft on museum funding"}),
        ({"is_featured__exact": "1"}, {"Parliament passes the budget"}),
        ({"is_editors_pick__exact": "1"}, {"Withdrawn correction"}),
        ({"in_news_feed__exact": "1"}, {"Parliament passes the budget"}),
        ({"q": "brook"}, {"Parliament passes the budget"}),
        ({"q": "newsroom desk"}, {"Parliament passes the budget", "Festival programme announced"}),
        ({"q": "museum"}, {"Draft on museum funding"}),
    ],
)
def test_story_filters_and_search(admin_client, newsroom, params, expected):
    response = admin_client.get(STORIES_URL, params)

    assert response.status_code == 200
    assert headlines(response) == expected


def test_story_filters_by_section_author_and_date(admin_client, newsroom):
    by_section = admin_client.get(STORIES_URL, {"section__id__exact": newsroom["politics"].pk})
    by_desk = admin_client.get(STORIES_URL, {"authors__id__exact": newsroom["desk"].pk})
    # The live story's own day in the newsroom's time zone (an hour before now may be
    # yesterday there, just after midnight).
    # Bounds as the admin's date filter writes them: local midnights with their offset.
    midnight = timezone.localtime(newsroom["live"].publish_at).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    today = midnight.date()
    by_date = admin_client.get(
        STORIES_URL,
        {
            "publish_at__gte": str(midnight),
            "publish_at__lt": str(midnight + timedelta(days=1)),
        },
    )
    by_year = admin_client.get(STORIES_URL, {"publish_at__year": today.year})

    assert headlines(by_section) == {"Parliament passes the budget", "Withdrawn correction"}
    assert headlines(by_desk) == {"Parliament passes the budget", "Festival programme announced"}
    assert "Parliament passes the budget" in headlines(by_date)
    assert "Draft on museum funding" not in headlines(by_year)
    assert "Ivan Brook" in by_section.content.decode(), "the author filter lists bylined people"


def make_stories(count):
    sections = SectionFactory.create_batch(3)
    authors = AuthorFactory.create_batch(4, photo=PhotoFactory())
    photos = PhotoFactory.create_batch(2)
    for index in range(count):
        ArticleFactory(
            section=sections[index % 3],
            lead_photo=photos[index % 2],
            authors=authors[: 1 + index % 4],
            tag_names=[f"topic {index % 5}", "national"],
            is_featured=index % 2 == 0,
        )


@pytest.mark.parametrize("count", [5, 30])
def test_story_list_queries_do_not_grow_with_rows(admin_client, django_assert_num_queries, count):
    make_stories(count)

    # user (the session comes from the cache: cached_db), the second factor the session passed
    # (django-otp), the section and author filters' choices, two counts (filtered, total), the
    # rows with section and lead photo, every row's bylines with their authors, and two for
    # the date hierarchy: the same for 5 rows or 30.
    with django_assert_num_queries(10):
        response = admin_client.get(STORIES_URL)

    assert response.context["cl"].result_count == count


# --- Actions --------------------------------------------------------------------------------


def run_action(client, action, articles, **extra):
    return client.post(
        STORIES_URL,
        {"action": action, "_selected_action": [article.pk for article in articles], **extra},
    )


def test_news_feed_and_featured_actions_flag_and_log(admin_client, newsroom):
    stories = [newsroom["live"], newsroom["withdrawn"]]

    response = run_action(admin_client, "add_to_news_feed", stories)
    run_action(admin_client, "mark_featured", stories)
    run_action(admin_client, "unmark_editors_pick", stories)

    assert response.status_code == 302
    for article in stories:
        article.refresh_from_db()
        assert (article.in_news_feed, article.is_featured, article.is_editors_pick) == (
            True,
            True,
            False,
        )
    logged = LogEntry.objects.filter(object_id=str(newsroom["withdrawn"].pk))
    assert {entry.change_message for entry in logged} == {
        "Add to the news feed",
        "Mark as featured",
        "Remove from editors' picks",
    }


def test_publish_now_publishes_stories_with_a_byline_and_names_the_rest(admin_client, newsroom):
    draft = newsroom["draft"]
    ready = ArticleFactory(
        status=Article.Status.IN_REVIEW, publish_at=None, authors=[newsroom["reporter"]]
    )

    response = run_action(admin_client, "publish_now", [draft, ready], post="yes")

    follow = admin_client.get(response["Location"])
    messages = [str(message) for message in follow.context["messages"]]
    assert "1 stories are live." in messages
    assert any("Draft on museum funding" in message and "byline" in message for message in messages)
    ready.refresh_from_db()
    draft.refresh_from_db()
    assert ready.is_published and ready.published_by is not None
    assert draft.status == Article.Status.DRAFT


def test_withdraw_asks_for_confirmation_first(admin_client, newsroom):
    live = newsroom["live"]

    page = run_action(admin_client, "withdraw_stories", [live])

    assert page.status_code == 200
    assert "Withdraw these stories?" in page.content.decode()
    assert "1 of these 1 stories is live now." in page.content.decode()
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED

    done = run_action(admin_client, "withdraw_stories", [live], confirm="yes")

    assert done.status_code == 302
    live.refresh_from_db()
    assert live.status == Article.Status.WITHDRAWN
    assert admin_client.get(live.get_absolute_url()).status_code == 410  # a takedown: Gone


# --- JSON helpers ---------------------------------------------------------------------------


def test_tag_suggestions_are_existing_tags_most_used_first(admin_client):
    ArticleFactory.create_batch(3, tag_names=["Kyiv"])
    ArticleFactory(tag_names=["Kyiv region", "energy"])

    response = admin_client.get(reverse("admin:articles_article_tag_suggestions"), {"q": "kyi"})

    assert response.json() == {"tags": ["Kyiv", "Kyiv region"]}


def test_tag_suggestions_need_a_staff_login(client):
    response = client.get(reverse("admin:articles_article_tag_suggestions"), {"q": "k"})

    assert response.status_code == 302


def test_story_and_author_autocomplete_for_the_inlines(admin_client):
    ArticleFactory(headline="Grain corridor reopens")
    AuthorFactory(name="The Newsroom desk", kind=Author.Kind.DESK)

    stories = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "relatedembed",
            "field_name": "target_article",
            "term": "grain",
        },
    ).json()
    authors = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "byline", "field_name": "author", "term": "desk"},
    ).json()

    assert [result["text"] for result in stories["results"]] == ["Grain corridor reopens"]
    assert [result["text"] for result in authors["results"]] == ["The Newsroom desk"]
