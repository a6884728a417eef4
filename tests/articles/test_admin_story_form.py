"""Writing a story in the admin, from the form POST to the public site."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.body import blocks_in
from articles.models import Article, Author
from articles.services import NO_BYLINE_MESSAGE
from tests.articles.admin_forms import (
    ADD_STORY_URL,
    byline_row,
    form_errors,
    story_form_data,
)
from tests.factories import ArticleFactory, AuthorFactory, PhotoFactory, SectionFactory, block

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_story_written_in_the_admin_is_read_on_the_site(admin_client, admin_user, client):
    section = SectionFactory(name="Regions", slug="regions")
    reporter = AuthorFactory(name="Oksana Riverside", slug="oksana-riverside")
    desk = AuthorFactory(name="The Newsroom desk", slug="newsroom-desk", kind=Author.Kind.DESK)
    photo = PhotoFactory(caption="Workers lift the first span into place", credit="P. Lens/Wire")
    earlier = ArticleFactory(headline="Council backs the second crossing", authors=[reporter])
    data = story_form_data(
        section=section,
        headline="The new bridge opens to trams",
        slug="new-bridge-opens",
        # Cards sit in the body as blocks, where the editor put them.
        body="<p>The first tram crossed at dawn.</p>"
        + block("story", story=earlier.pk, headline=earlier.headline)
        + "<p>Hundreds watched from both banks.</p>"
        + block(
            "link",
            url="https://example.org/bridges",
            title="How other river cities paid for their bridges",
            source="Example Review",
        ),
        tags="bridges, transport",
        lead_photo=photo.pk,
        status="published",
        publish_at=timezone.now() - timedelta(minutes=5),
        in_news_feed=True,
        bylines=[byline_row(reporter, 1), byline_row(desk, 2)],
    )

    response = admin_client.post(ADD_STORY_URL, data)

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="new-bridge-opens")
    assert article.byline_authors == [reporter, desk]
    assert article.created_by == admin_user and article.published_by == admin_user
    assert sorted(article.tags.names()) == ["bridges", "transport"]
    assert [block.kind for block in blocks_in(article.body)] == ["story", "link"]

    story_page = client.get(article.get_absolute_url()).content.decode()
    for text in [
        "The new bridge opens to trams",
        "Oksana Riverside",
        "The Newsroom desk",
        "Workers lift the first span into place",
        "P. Lens/Wire",
    ]:
        assert text in story_page, text

    for url in [
        "/",
        section.get_absolute_url(),
        reporter.get_absolute_url(),
        desk.get_absolute_url(),
        "/news-feed/",
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "The new bridge opens to trams" in page.content.decode(), url
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver{article.get_absolute_url()}</loc>" in sitemap


def test_the_body_is_sanitised_whatever_the_client_sends(admin_client, client):
    section = SectionFactory()
    hostile = (
        '<p style="color:red" onmouseover="steal()">Safe <strong>bold</strong> words'
        "<script>alert('x')</script></p>"
        '<p><img src="x" onerror="alert(1)"><a href="javascript:alert(2)">click</a> '
        '<a href="https://example.org/report" style="font-size:40px" target="_blank">report</a>'
        '</p><iframe src="https://evil.example/"></iframe><h2 class="big">Next</h2>'
    )
    data = story_form_data(
        section=section,
        body=hostile,
        status="published",
        bylines=[byline_row(AuthorFactory())],
    )

    response = admin_client.post(ADD_STORY_URL, data)

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert article.body == (
        "<p>Safe <strong>bold</strong> words</p>"
        '<p><a>click</a> <a href="https://example.org/report">report</a></p><h2>Next</h2>'
    )
    page = client.get(article.get_absolute_url()).content.decode()
    for banned in ["alert(", "onerror", "onmouseover", "javascript:", "evil.example", "40px"]:
        assert banned not in page


def test_the_form_is_laid_out_as_a_journalist_works(admin_client):
    tagged = ArticleFactory(tag_names=["energy", "Kyiv"], lead_photo=PhotoFactory())
    content = admin_client.get(change_url(tagged)).content.decode()

    order = [
        'class="publish-panel',
        'name="publish_at_0"',
        'name="_save_story"',
        'name="headline"',
        'id="bylines-group"',
        'name="body"',
        'name="section"',
        'name="tags"',
        'name="lead_photo"',
        'name="is_featured"',
    ]
    positions = [content.index(marker) for marker in order]
    assert positions == sorted(positions)
    thumbnail = tagged.lead_photo.image.url
    preview = '<figure class="photo-preview" data-endpoint="/admin/photos/photo/thumbnail/"'
    assert preview in content
    assert thumbnail in content and tagged.lead_photo.caption in content
    assert 'class="tag-chip" data-tag="energy"' in content
    assert "admin-extra/photo-preview.js" in content and "admin-extra/tag-suggest.js" in content
    assert "django-prose-editor" in content or "prose-editor" in content


def test_publishing_needs_a_byline(admin_client):
    data = story_form_data(section=SectionFactory(), status="published")

    response = admin_client.post(ADD_STORY_URL, data)

    assert response.status_code == 200
    assert NO_BYLINE_MESSAGE in form_errors(response)["bylines"]["non_form"]
    assert NO_BYLINE_MESSAGE in response.content.decode()
    assert not Article.objects.exists()


def test_a_draft_may_be_saved_without_bylines(admin_client):
    response = admin_client.post(ADD_STORY_URL, story_form_data(section=SectionFactory()))

    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get().status == Article.Status.DRAFT


def test_a_slug_clash_is_a_clear_error(admin_client):
    ArticleFactory(slug="night-trains-return", headline="Night trains: the first timetable")

    response = admin_client.post(ADD_STORY_URL, story_form_data(section=SectionFactory()))

    errors = form_errors(response)["form"]["slug"]
    assert "“Night trains: the first timetable” already uses the address" in errors[0]
    assert Article.objects.count() == 1


def test_a_future_publish_time_schedules_the_story(admin_client, client):
    data = story_form_data(
        section=SectionFactory(),
        status="published",
        publish_at=timezone.now() + timedelta(days=2),
        bylines=[byline_row(AuthorFactory())],
    )

    admin_client.post(ADD_STORY_URL, data)

    article = Article.objects.get()
    assert article.status == Article.Status.SCHEDULED
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_without_a_time_asks_for_one(admin_client):
    data = story_form_data(
        section=SectionFactory(), status="scheduled", bylines=[byline_row(AuthorFactory())]
    )

    response = admin_client.post(ADD_STORY_URL, data)

    assert "Choose the date and time" in form_errors(response)["form"]["publish_at"][0]


def test_bylines_are_ordered_and_blank_positions_go_last(admin_client):
    first, second, third = AuthorFactory.create_batch(3)
    data = story_form_data(
        section=SectionFactory(),
        bylines=[byline_row(third), byline_row(second, 7), byline_row(first, 2)],
    )

    admin_client.post(ADD_STORY_URL, data)

    article = Article.objects.get()
    assert [(b.author, b.position) for b in article.ordered_bylines] == [
        (first, 1),
        (second, 2),
        (third, 3),
    ]


def test_the_same_author_twice_is_refused(admin_client):
    author = AuthorFactory()
    data = story_form_data(
        section=SectionFactory(), bylines=[byline_row(author, 1), byline_row(author, 2)]
    )

    response = admin_client.post(ADD_STORY_URL, data)

    assert response.status_code == 200
    assert "duplicate" in " ".join(form_errors(response)["bylines"]["non_form"]).lower()


BLOCK = '<figure data-block="{}" {}></figure>'


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (BLOCK.format("media", 'data-url="https://evil.example/watch?v=1"'), "cannot be embedded"),
        (BLOCK.format("link", 'data-url="https://example.org/x"'), "needs a title"),
        (BLOCK.format("link", 'data-url="javascript:alert(1)" data-title="x"'), "https://"),
        (BLOCK.format("story", ""), "needs the story"),
        (BLOCK.format("photo", 'data-caption="x"'), "needs its photo"),
        (BLOCK.format("quote", 'data-attribution="A. Speaker"'), "needs its words"),
    ],
)
def test_blocks_readers_would_never_see_are_refused(admin_client, block, message):
    body = f"<p>The ferry ran late.</p>{block}<p>Then it sank.</p>"
    data = story_form_data(section=SectionFactory(), body=body)

    response = admin_client.post(ADD_STORY_URL, data)

    assert response.status_code == 200
    [error] = form_errors(response)["form"]["body"]
    assert message in error
    assert "The ferry ran late." in response.content.decode()  # what was typed is kept
    assert not Article.objects.exists()


def test_editing_a_published_story_sets_its_updated_time(admin_client, client):
    author = AuthorFactory()
    article = ArticleFactory(authors=[author], headline="Water supply restored")
    byline = article.bylines.get()
    data = story_form_data(
        section=article.section,
        headline="Water supply restored in all districts",
        slug=article.slug,
        body=article.body,
        dek=article.dek,
        status="published",
        publish_at=article.publish_at,
        bylines=[byline_row(author, 1, byline=byline, article=article)],
        initial_bylines=1,
    )

    response = admin_client.post(change_url(article), data)

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.updated_at is not None and article.was_updated
    assert "Updated" in client.get(article.get_absolute_url()).content.decode()


def test_view_on_site_only_for_stories_readers_can_open(admin_client):
    live = ArticleFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

    assert "View on site" in admin_client.get(change_url(live)).content.decode()
    assert "View on site" not in admin_client.get(change_url(draft)).content.decode()


def test_the_body_editors_import_map_carries_the_csp_nonce(admin_client):
    response = admin_client.get(ADD_STORY_URL)

    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()
