"""Full-text search on PostgreSQL: ranking, websearch syntax, snippets and a vector the
database keeps current however stories, bylines and tags are written."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SEARCH = reverse("articles:search")


def results(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return list(response.context["results"].page.object_list)


def headlines(client, **params):
    return [story.headline for story in results(client, **params)]


def test_headline_outranks_standfirst_outranks_body(client):
    now = timezone.now()
    # Newest first would give the opposite order: the rank decides.
    in_body = ArticleFactory(
        headline="Council meets on Tuesday",
        dek="A routine session.",
        body="<p>Members discussed the reservoir and little else.</p>",
        publish_at=now - timedelta(minutes=1),
    )
    in_dek = ArticleFactory(
        headline="Summer water plans",
        dek="The reservoir is at its lowest in a decade.",
        body="<p>Officials asked residents to save water.</p>",
        publish_at=now - timedelta(minutes=2),
    )
    in_headline = ArticleFactory(
        headline="Reservoir levels fall again",
        dek="Dry weather continues.",
        body="<p>Farmers worry about the harvest.</p>",
        publish_at=now - timedelta(minutes=3),
    )
    assert headlines(client, q="reservoir") == [
        in_headline.headline,
        in_dek.headline,
        in_body.headline,
    ]
    # "Newest first" is the reader's choice, not the default.
    assert headlines(client, q="reservoir", sort="newest") == [
        in_body.headline,
        in_dek.headline,
        in_headline.headline,
    ]


def test_ranked_results_break_ties_newest_first(client):
    now = timezone.now()
    for hours in (5, 1, 3):
        ArticleFactory(
            headline=f"Ferry timetable changes ({hours})",
            dek="",
            body="<p>See the port.</p>",
            publish_at=now - timedelta(hours=hours),
        )
    assert headlines(client, q="ferry") == [
        "Ferry timetable changes (1)",
        "Ferry timetable changes (3)",
        "Ferry timetable changes (5)",
    ]


def test_websearch_syntax_phrases_exclusions_and_or(client):
    ArticleFactory(headline="Night train to the western border", dek="", body="<p>x</p>")
    ArticleFactory(headline="The border crossing at night", dek="", body="<p>x</p>")
    ArticleFactory(headline="Grain train delayed", dek="", body="<p>x</p>")
    assert headlines(client, q='"night train"') == ["Night train to the western border"]
    assert sorted(headlines(client, q="border -train")) == ["The border crossing at night"]
    assert sorted(headlines(client, q="grain or crossing")) == [
        "Grain train delayed",
        "The border crossing at night",
    ]


def test_words_match_in_any_form(client):
    ArticleFactory(headline="Volunteers repair a drone", dek="", body="<p>x</p>")
    assert headlines(client, q="drones") == ["Volunteers repair a drone"]
    assert headlines(client, q="repairing") == ["Volunteers repair a drone"]


def test_stop_words_alone_find_nothing_and_explain(client):
    ArticleFactory(headline="The return of the trams", dek="", body="<p>x</p>")
    response = client.get(SEARCH, {"q": "the of"})
    assert response.context["results"].count == 0
    assert "are not searched on their own" in response.content.decode()


def test_snippets_mark_matches_and_let_nothing_else_through(client):
    ArticleFactory(
        headline='Shelter <img src=x onerror="alert(1)"> opens',
        dek="A new shelter for 300 people & their pets.",
        body=(
            "<p>The <strong>shelters</strong> have water and power.</p>"
            "<p><a href='javascript:alert(2)'>Map of shelters</a></p>"
        ),
    )
    story = results(client, q="shelter")[0]
    assert str(story.headline_html) == (
        '<mark>Shelter</mark> &lt;img src=x onerror="alert(1)"&gt; opens'
    )
    snippet = str(story.snippet_html)
    assert "<mark>shelter</mark>" in snippet and "<mark>shelters</mark>" in snippet
    assert "&amp; their pets" in snippet
    for forbidden in ("<img", "<a ", "<strong", "javascript:", "onerror"):
        assert forbidden not in snippet
    html = client.get(SEARCH, {"q": "shelter"}).content.decode()
    assert "<img src=x" not in html
    assert '&lt;img src=x onerror="alert(1)"&gt;' in html


def test_vector_follows_edits_bylines_and_tags(client):
    story = ArticleFactory(headline="Bakery reopens", dek="", body="<p>Fresh bread.</p>")
    assert headlines(client, q="bakery") == ["Bakery reopens"]

    # A full save (the admin's path) with a new headline.
    story.headline = "Mill reopens"
    story.save()
    assert headlines(client, q="bakery") == []
    assert headlines(client, q="mill") == ["Mill reopens"]

    # A partial save that touches the body only.
    story.body = "<p>Rye flour from the Zhytomyr mill.</p>"
    story.save(update_fields=["body"])
    assert headlines(client, q="zhytomyr") == ["Mill reopens"]

    # Bylines and tags are other rows, written after the story.
    author = AuthorFactory(name="Halyna Ostapenko")
    byline = Byline.objects.create(article=story, author=author, position=0)
    story.tags.add("Food prices")
    assert headlines(client, q="ostapenko") == ["Mill reopens"]
    assert headlines(client, q='"food prices"') == ["Mill reopens"]

    # Renaming the author or the tag reaches the stories that carry them.
    author.name = "Halyna Kovalenko"
    author.save()
    Tag.objects.filter(name="Food prices").update(name="Bread prices")
    assert headlines(client, q="ostapenko") == []
    assert headlines(client, q="kovalenko") == ["Mill reopens"]
    assert headlines(client, q='"bread prices"') == ["Mill reopens"]

    # Removing them takes them out of the index.
    byline.delete()
    story.tags.clear()
    assert headlines(client, q="kovalenko") == []
    assert headlines(client, q="bread prices") == []


def test_bulk_created_bylines_are_indexed(client):
    """The demo loader and imports write bylines with bulk_create: no save() runs."""
    story = ArticleFactory(headline="Harbour dredging", dek="", body="<p>x</p>")
    Byline.objects.bulk_create(
        [Byline(article=story, author=AuthorFactory(name="Petro Skyba"), position=0)]
    )
    assert headlines(client, q="skyba") == ["Harbour dredging"]


def test_other_models_tags_do_not_touch_stories(client):
    """Tagged items of other content types must not be mistaken for a story's tags."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    story = ArticleFactory(headline="Tram depot", dek="", body="<p>x</p>")
    TaggedItem.objects.create(
        tag=Tag.objects.create(name="Heliport", slug="heliport"),
        content_type=ContentType.objects.get_for_model(Group),
        object_id=story.pk,
    )
    assert headlines(client, q="heliport") == []


def test_filters_combine_with_ranking(client):
    war, culture = SectionFactory(slug="war"), SectionFactory(slug="culture")
    writer = AuthorFactory(slug="iryna-bondar")
    ArticleFactory(section=war, headline="Tank repair shops", authors=[writer])
    ArticleFactory(section=culture, headline="Tank-shaped sculpture unveiled")
    ArticleFactory(
        section=war,
        headline="Tank crews rotate out",
        publish_at=timezone.now() - timedelta(days=30),
    )
    assert headlines(client, q="tank", section="war") == [
        "Tank repair shops",
        "Tank crews rotate out",
    ]
    assert headlines(client, q="tank", author="iryna-bondar") == ["Tank repair shops"]
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert headlines(client, q="tank", section="war", date_from=since) == ["Tank repair shops"]


def test_unpublished_stories_stay_out_of_full_text_results(client):
    ArticleFactory(headline="Pipeline leak", status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(headline="Pipeline repair", publish_at=timezone.now() + timedelta(hours=2))
    ArticleFactory(headline="Pipeline withdrawn", status=Article.Status.WITHDRAWN)
    assert headlines(client, q="pipeline") == []


def test_search_vector_has_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition


def test_spelling_uses_trigram_similarity_with_pg_trgm_installed(client):
    from articles.spelling import closest_words

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
    # Most frequent first: on equal similarity the more frequent word wins.
    words = ("reservoir", "reservoirs", "kherson", "harvest")
    assert closest_words(["resevoir", "khersn", "harvst", "zebra"], words) == {
        "resevoir": "reservoir",
        "khersn": "kherson",
        "harvst": "harvest",
    }
    ArticleFactory(headline="Reservoir levels fall", dek="", body="<p>Dry summer.</p>")
    response = client.get(SEARCH, {"q": "resevoir levles"})
    assert response.context["corrected_to"] == "reservoir levels"
    assert [story.headline for story in response.context["results"].page.object_list] == [
        "Reservoir levels fall"
    ]
