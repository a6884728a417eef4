"""Old story addresses keep working: a changed slug answers 301 to the story's current URL."""

import pytest

from articles.models import Article, ArticleSlugHistory
from articles.services import save_story, withdraw
from tests.articles.admin_forms import byline_row, form_errors, story_form_data
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def rename(article, slug):
    article.slug = slug
    return save_story(article=article, by=None)


def test_a_renamed_story_answers_its_old_address_with_a_301(client):
    story = ArticleFactory(slug="dam-brakes")
    rename(story, "dam-breaks")

    response = client.get("/story/dam-brakes/")

    assert response.status_code == 301
    assert response["Location"] == "/story/dam-breaks/"
    assert client.get("/story/dam-breaks/").status_code == 200


def test_chains_lead_straight_to_the_current_address(client):
    story = ArticleFactory(slug="first-draft-title")
    rename(story, "second-title")
    rename(story, "third-title")
    rename(story, "final-title")

    for old in ("first-draft-title", "second-title", "third-title"):
        response = client.get(f"/story/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/story/final-title/")


def test_taking_an_old_address_back_ends_its_redirect(client):
    story = ArticleFactory(slug="ferry-returns")
    rename(story, "ferry-service-returns")
    rename(story, "ferry-returns")

    assert client.get("/story/ferry-returns/").status_code == 200
    assert not ArticleSlugHistory.objects.filter(slug="ferry-returns").exists()
    response = client.get("/story/ferry-service-returns/")
    assert (response.status_code, response["Location"]) == (301, "/story/ferry-returns/")


def test_a_live_story_wins_over_another_storys_old_address(client):
    renamed = ArticleFactory(slug="budget-vote")
    rename(renamed, "budget-vote-delayed")
    newer = ArticleFactory(slug="budget-vote-2")
    rename(newer, "budget-vote")

    assert client.get("/story/budget-vote/").context["article"] == newer
    assert not ArticleSlugHistory.objects.filter(slug="budget-vote").exists()


def test_query_strings_survive_and_subpages_follow(client):
    story = ArticleFactory(slug="old-name", audio_transcript="Transcript text.")
    rename(story, "new-name")

    response = client.get("/story/old-name/?utm_source=newsletter")
    assert response["Location"] == "/story/new-name/?utm_source=newsletter"
    response = client.get("/story/old-name/transcript/")
    assert (response.status_code, response["Location"]) == (301, "/story/new-name/transcript/")


def test_no_redirect_to_a_story_readers_cannot_see(client):
    story = ArticleFactory(slug="leaked-plan")
    rename(story, "leaked-plan-confirmed")
    withdraw(story)

    assert client.get("/story/leaked-plan/").status_code == 404


def test_unknown_addresses_still_answer_not_found(client, django_assert_num_queries, shared_blocks):
    client.get("/story/never-existed/")  # the 404 page warms the navigation cache
    # The story lookup, then the one history lookup for a story address.
    with django_assert_num_queries(2):
        assert client.get("/story/never-existed/").status_code == 404
    # Other pages do not look at story history at all.
    with django_assert_num_queries(1):
        assert client.get("/section/never-existed/").status_code == 404
    assert client.post("/story/never-existed/").status_code in {404, 405}


def test_renaming_in_the_admin_keeps_the_old_address(admin_client, client):
    author = AuthorFactory()
    story = ArticleFactory(authors=[author], slug="strike-called-off", headline="Strike called off")
    byline = story.bylines.get()
    data = story_form_data(
        section=story.section,
        headline="Rail strike called off",
        slug="rail-strike-called-off",
        body=story.body,
        dek=story.dek,
        status="published",
        publish_at=story.publish_at,
        bylines=[byline_row(author, 1, byline=byline, article=story)],
        initial_bylines=1,
    )

    response = admin_client.post(f"/admin/articles/article/{story.pk}/change/", data)

    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get(pk=story.pk).slug == "rail-strike-called-off"
    response = client.get("/story/strike-called-off/")
    assert (response.status_code, response["Location"]) == (301, "/story/rail-strike-called-off/")


def test_editors_see_old_addresses_in_the_admin_and_can_free_one(client, django_user_model):
    from django.urls import reverse

    from editorial.roles import EDITOR, REPORTER
    from tests.articles.workflow_helpers import make_user

    story = ArticleFactory(slug="ferry-timetable", headline="Ferry timetable changes")
    rename(story, "ferry-timetable-changes")
    editor = make_user(django_user_model, "erin", EDITOR)
    reporter = make_user(django_user_model, "rita", REPORTER)
    url = reverse("admin:articles_articleslughistory_changelist")

    client.force_login(reporter)
    assert client.get(url).status_code == 403

    client.force_login(editor)
    html = client.get(url, {"q": "ferry"}).content.decode()
    assert "ferry-timetable" in html and "Ferry timetable changes" in html
    assert reverse("admin:articles_articleslughistory_add") not in html

    old = ArticleSlugHistory.objects.get(slug="ferry-timetable")
    delete_url = reverse("admin:articles_articleslughistory_delete", args=[old.pk])
    client.post(delete_url, {"post": "yes"})
    assert not ArticleSlugHistory.objects.filter(pk=old.pk).exists()
    assert client.get("/story/ferry-timetable/").status_code == 404
