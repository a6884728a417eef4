"""Site search: what both database paths must find, odd input, filters, pages, rate limit.

Ranking, websearch syntax and highlighted snippets on PostgreSQL are in test_search_postgres.py.
"""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline
from articles.search import MAX_QUERY_LENGTH, corrected_query, normalise_query, parse_terms
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, block

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


def search(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response


def found(response):
    return [story.headline for story in response.context["results"].page.object_list]


@pytest.fixture
def stories():
    war, culture = SectionFactory(name="War", slug="war"), SectionFactory(name="Culture")
    reporter = AuthorFactory(name="Olena Marchenko", slug="olena-marchenko")
    desk = AuthorFactory(name="The Newsroom desk", slug="newsroom-desk")
    now = timezone.now()
    bridge = ArticleFactory(
        section=war,
        headline="Engineers reopen the Kamianyi bridge after repairs",
        dek="Traffic crosses the river again.",
        body="<p>The crossing was closed for <strong>eleven</strong> days of welding.</p>",
        publish_at=now - timedelta(days=1),
        authors=[reporter, desk],
        tag_names=["Infrastructure"],
    )
    theatre = ArticleFactory(
        section=culture,
        headline="A theatre season opens in a bomb shelter",
        dek="Actors rehearse under concrete.",
        body="<p>The audience sits on benches; the bridge scene closes the play.</p>",
        publish_at=now - timedelta(days=10),
        authors=[desk],
        tag_names=["Theatre"],
    )
    draft = ArticleFactory(
        headline="Unpublished bridge plans",
        status=Article.Status.DRAFT,
        publish_at=None,
        authors=[reporter],
    )
    scheduled = ArticleFactory(
        headline="Tomorrow's bridge opening", publish_at=now + timedelta(days=1), authors=[desk]
    )
    return {
        "bridge": bridge,
        "theatre": theatre,
        "draft": draft,
        "scheduled": scheduled,
        "reporter": reporter,
        "war": war,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kamianyi", ["Engineers reopen the Kamianyi bridge after repairs"]),  # headline
        ("concrete", ["A theatre season opens in a bomb shelter"]),  # standfirst
        ("welding", ["Engineers reopen the Kamianyi bridge after repairs"]),  # body
        ("infrastructure", ["Engineers reopen the Kamianyi bridge after repairs"]),  # tag
        ("Marchenko", ["Engineers reopen the Kamianyi bridge after repairs"]),  # author
        (
            "bridge",
            [
                "Engineers reopen the Kamianyi bridge after repairs",
                "A theatre season opens in a bomb shelter",
            ],
        ),  # noqa: E501
        ("bridge -theatre", ["Engineers reopen the Kamianyi bridge after repairs"]),
        ('"bomb shelter"', ["A theatre season opens in a bomb shelter"]),
        ("bridge welding", ["Engineers reopen the Kamianyi bridge after repairs"]),
        ("bridge submarine", []),
    ],
)
def test_search_finds_published_stories_by_every_field(client, stories, query, expected):
    assert found(search(client, q=query)) == expected


def test_every_word_of_headline_and_body_is_found(client, stories):
    """The promise of the SQLite path (and PostgreSQL's, for words that are not stop words)."""
    story = stories["bridge"]
    stop_words = {"after", "again"}  # PostgreSQL's english configuration ignores these
    words = {
        word.strip(".,").lower()
        for word in f"{story.headline} {story.dek} eleven days welding closed".split()
    }
    words = {word for word in words if len(word) > 3 and word not in stop_words}
    for word in words:
        assert story.headline in found(search(client, q=word)), word


def test_drafts_and_scheduled_stories_are_never_found(client, stories):
    headlines = found(search(client, q="bridge"))
    assert "Unpublished bridge plans" not in headlines
    assert "Tomorrow's bridge opening" not in headlines


def test_filters_by_section_author_and_dates(client, stories):
    assert found(search(client, q="bridge", section="war")) == [stories["bridge"].headline]
    assert found(search(client, q="bridge", author="olena-marchenko")) == [
        stories["bridge"].headline
    ]
    since = timezone.localdate() - timedelta(days=3)
    assert found(search(client, q="bridge", date_from=since.isoformat())) == [
        stories["bridge"].headline
    ]
    until = timezone.localdate() - timedelta(days=5)
    assert found(search(client, q="bridge", date_to=until.isoformat())) == [
        stories["theatre"].headline
    ]


def test_date_filter_follows_the_outlets_time_zone(client, stories, settings):
    """A story published at 00:30 Kyiv time belongs to that Kyiv day, not the UTC one before."""
    kyiv = timezone.get_current_timezone()
    story = stories["bridge"]
    story.publish_at = datetime(2024, 3, 10, 0, 30, tzinfo=kyiv)
    story.save(update_fields=["publish_at"])
    assert found(search(client, q="Kamianyi", date_from="2024-03-10", date_to="2024-03-10")) == [
        story.headline
    ]
    assert found(search(client, q="Kamianyi", date_to="2024-03-09")) == []


def test_filters_alone_list_stories_newest_first(client, stories):
    response = search(client, author="newsroom-desk")
    assert found(response) == [stories["bridge"].headline, stories["theatre"].headline]


def test_only_authors_with_published_work_are_offered(client, stories):
    AuthorFactory(name="Nobody Yet", slug="nobody-yet")
    response = search(client)
    choices = dict(response.context["form"].fields["author"].choices)
    assert "olena-marchenko" in choices and "nobody-yet" not in choices


def test_unknown_section_and_backwards_dates_explain_instead_of_failing(client, stories):
    response = search(
        client, q="bridge", section="atlantis", date_from="2024-05-02", date_to="2024-05-01"
    )
    html = response.content.decode()
    assert response.context["results"] is None
    assert "Some filters could not be used" in html
    assert "The end date is before the start date." in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "!!! ((( ]]] ***",
        '"',
        "-",
        "- - -",
        "or",
        "'; DROP TABLE articles_article; --",
        "<script>alert(1)</script>",
        "%00%",
        "\\",
        "ü" * 50,
        "the and of",
        "a" * 5000,
        "bridge " * 200,
        "𝔟𝔯𝔦𝔡𝔤𝔢 😀",
    ],
)
def test_odd_queries_get_a_page_never_an_error(client, stories, raw):
    response = client.get(SEARCH, {"q": raw})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_empty_query_shows_help_and_sections(client, stories):
    html = search(client, q="").content.decode()
    assert "Find any story" in html
    assert 'href="/section/war/"' in html
    assert search(client).context["results"] is None


def test_blank_after_cleaning_says_so(client, stories):
    html = search(client, q="\x00 \x01").content.decode()
    assert "There was nothing to search for" in html


def test_no_results_offer_help(client, stories):
    html = search(client, q="submarine", section="war").content.decode()
    assert "No stories" in html and "Nothing matched" in html
    assert "Search again without the filters" in html


def test_long_query_is_shortened_and_says_so(client, stories):
    response = search(client, q="bridge " * 100)
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH
    assert "Your search was long" in response.content.decode()
    assert stories["bridge"].headline in found(response)


def test_normalise_query():
    assert normalise_query("  river\x00 crossing\n ") == ("river crossing", False)
    text, shortened = normalise_query("word " * 100)
    assert shortened and len(text) <= MAX_QUERY_LENGTH and not text.endswith(" ")
    assert normalise_query("x" * 300) == ("x" * MAX_QUERY_LENGTH, True)


def test_parse_terms():
    terms = parse_terms('"river crossing" bridge -rail -"night train" (kyiv), or')
    assert terms.include == ["river crossing", "bridge", "kyiv"]
    assert terms.exclude == ["rail", "night train"]


def test_results_are_paginated_and_keep_the_query(client):
    section = SectionFactory()
    for number in range(23):
        ArticleFactory(
            section=section,
            headline=f"Grain corridor report {number}",
            publish_at=timezone.now() - timedelta(minutes=number),
        )
    first = search(client, q="grain", section=section.slug)
    assert len(found(first)) == 20 and first.context["results"].count == 23
    html = first.content.decode()
    assert f'href="?q=grain&amp;section={section.slug}&amp;page=2"' in html
    second = search(client, q="grain", section=section.slug, page=2)
    assert found(second) == [
        "Grain corridor report 20",
        "Grain corridor report 21",
        "Grain corridor report 22",
    ]  # noqa: E501
    # A page number past the end or not a number shows a page of results, not an error.
    assert found(search(client, q="grain", page=99)) == found(second)
    assert found(search(client, q="grain", page="x")) == found(first)


def test_results_highlight_the_words_and_escape_the_rest(client):
    ArticleFactory(
        headline="Bridge <b>repairs</b> & tolls",
        dek="",
        body="<p>Crews finished the <em>bridge</em> deck at night.</p>",
    )
    html = search(client, q="bridge").content.decode()
    assert "<mark>Bridge</mark> &lt;b&gt;repairs&lt;/b&gt; &amp; tolls" in html
    assert "<mark>bridge</mark>" in html.split("search-result__snippet", 1)[1]
    assert "<b>repairs</b>" not in html


def test_search_page_queries_do_not_grow_with_results(
    client, django_assert_num_queries, shared_blocks
):
    section = SectionFactory()
    for number in range(12):
        story = ArticleFactory(section=section, headline=f"Harvest news {number}")
        for position in range(3):
            Byline.objects.create(article=story, author=AuthorFactory(), position=position)
    client.get(SEARCH, {"q": "harvest"})  # warms the navigation cache
    # sections and authors for the filters, the count, the page of stories, their bylines
    with django_assert_num_queries(5):
        response = client.get(SEARCH, {"q": "harvest"})
    assert len(found(response)) == 12


def test_searching_is_rate_limited_per_ip(client, stories, settings):
    settings.SEARCH_RATE_LIMIT_PER_IP = "3/m"
    for _ in range(3):
        assert client.get(SEARCH, {"q": "bridge"}, REMOTE_ADDR="203.0.113.9").status_code == 200
    refused = client.get(SEARCH, {"q": "bridge"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Please wait a minute" in refused.content.decode()
    # Another reader is not affected, and the empty search page is never counted.
    assert client.get(SEARCH, {"q": "bridge"}, REMOTE_ADDR="203.0.113.10").status_code == 200
    assert client.get(SEARCH, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_header_search_box_works_without_javascript(client, stories):
    html = client.get("/").content.decode()
    assert f'<form class="masthead-search" action="{SEARCH}" method="get" role="search">' in html
    assert '<label class="visually-hidden" for="masthead-search-q">Search stories</label>' in html
    assert 'name="q"' in html


# --- Spelling: "Did you mean …?" and "Showing results for …" ------------------------------


def test_a_misspelt_word_shows_the_results_for_the_closest_word(client, stories):
    response = search(client, q="Kamianyy")
    assert found(response) == ["Engineers reopen the Kamianyi bridge after repairs"]
    assert response.context["corrected_to"] == "Kamianyi"
    html = response.content.decode()
    assert 'Showing results for <a href="?q=Kamianyi"><strong>Kamianyi</strong></a>.' in html
    assert 'Search instead for <a href="?q=Kamianyy&amp;verbatim=1">Kamianyy</a>.' in html
    assert "1 story for <strong>“Kamianyi”</strong>" in html


def test_search_instead_for_the_words_as_typed_offers_the_spelling(client, stories):
    response = search(client, q="Kamianyy", verbatim="1")
    assert found(response) == []
    assert response.context["corrected_to"] is None
    assert 'Did you mean <a href="?q=Kamianyi"><strong>Kamianyi</strong></a>?' in (
        response.content.decode()
    )


def test_the_reader_s_filters_stay_on_with_the_suggestion(client, stories):
    response = search(client, q="welidng", section="war")
    assert response.context["corrected_to"] is None  # "welding" is only in a body
    response = search(client, q="reopne engineers", section="war")
    assert response.context["corrected_to"] == "reopen engineers"
    assert found(response) == ["Engineers reopen the Kamianyi bridge after repairs"]
    assert 'href="?q=reopen+engineers&amp;section=war"' in response.content.decode()
    # The section has no story with the word: nothing to show, nothing suggested.
    other = SectionFactory(name="Sport", slug="sport")
    ArticleFactory(section=other, headline="A football final in Lviv")
    response = search(client, q="Kamianyy", section="sport")
    assert found(response) == []
    assert response.context["corrected_to"] is None
    assert response.context["suggestion"] is None


def test_few_results_get_a_suggestion_beside_them(client, stories):
    # A typo in a body (bodies are not in the vocabulary) finds its one story, and the
    # word the reader probably meant is offered beside it.
    ArticleFactory(headline="The season's programme", dek="", body="<p>Bridje night.</p>")
    response = search(client, q="bridje")
    assert found(response) == ["The season's programme"]
    assert response.context["suggestion"] == "bridge"
    assert 'Did you mean <a href="?q=bridge"><strong>bridge</strong></a>?' in (
        response.content.decode()
    )


def test_each_word_is_corrected_and_phrases_and_exclusions_are_left_alone(client, stories):
    typed = 'Thaetre "bomb sheltr" or -brigde shleter, 2026 sea'
    assert corrected_query(typed) == 'Theatre "bomb sheltr" or -brigde shelter, 2026 sea'
    assert corrected_query('theatre "bomb shelter" -brigde') is None
    response = search(client, q="Thaetre sheltre -Kamianyi")
    assert response.context["corrected_to"] == "Theatre shelter -Kamianyi"
    assert found(response) == ["A theatre season opens in a bomb shelter"]


def test_tags_sections_and_authors_are_in_the_vocabulary(client, stories):
    assert search(client, q="infrastucture").context["corrected_to"] == "infrastructure"
    assert search(client, q="Marchneko").context["corrected_to"] == "Marchenko"


def test_a_word_only_in_an_unpublished_story_is_never_suggested(client, stories):
    now = timezone.now()
    ArticleFactory(
        headline="Zaporizhzhia dam secret plans",
        dek="Quadrocopters everywhere.",
        status=Article.Status.DRAFT,
        publish_at=None,
        tag_names=["Hydroelectricity"],
    )
    ArticleFactory(headline="Kherson ferrymen return", publish_at=now + timedelta(hours=2))
    for query in ("Zaporizhzia", "quadrocopter", "hydroelectrisity", "ferrymn"):
        response = search(client, q=query)
        assert found(response) == []
        assert response.context["suggestion"] is None
        assert response.context["corrected_to"] is None
        assert "Did you mean" not in response.content.decode()


def test_a_search_with_a_suggestion_has_a_fixed_number_of_queries(
    client, django_assert_num_queries, shared_blocks
):
    section = SectionFactory()
    for number in range(12):
        story = ArticleFactory(section=section, headline=f"Harvest news {number}")
        for position in range(3):
            Byline.objects.create(article=story, author=AuthorFactory(), position=position)
    client.get(SEARCH, {"q": "harvst"})  # warms the navigation cache and the vocabulary
    # the filters' sections and authors, the count for "harvst", on PostgreSQL the closest
    # word by trigrams, then the count, page and bylines for "harvest"
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 6):
        response = client.get(SEARCH, {"q": "harvst"})
    assert response.context["corrected_to"] == "harvest"
    assert len(found(response)) == 12


def test_the_vocabulary_follows_what_readers_can_see(client, stories, reader_caches):
    assert search(client, q="ferrymn").context["corrected_to"] is None
    ArticleFactory(headline="Kherson ferrymen return")  # published: a new generation
    assert search(client, q="ferrymn").context["corrected_to"] == "ferrymen"


@pytest.mark.parametrize(
    ("figure", "query"),
    [
        (block("quote", text="Nobody sleeps near the viaduct", attribution="A neighbour"),
         "viaduct"),
        (block("photo", photo=1, caption="Lanterns along the embankment"), "lanterns"),
        (block("link", url="https://example.org/", title="Cormorants return",
               excerpt="Birds nest under the piers."), "cormorants"),
        (block("story", story=1, headline="Toll booths go", title="The toll booths vanish"),
         "booths"),
    ],
)  # fmt: skip
def test_the_words_of_blocks_are_found_and_shown(client, figure, query):
    """Both paths: PostgreSQL's vector adds the blocks' words (migration 0014), SQLite
    reads the stored body; the snippet shows them in their place."""
    story = ArticleFactory(headline="Night works on the river", dek="", body="<p>Crews.</p>")
    story.body += figure
    story.save(update_fields=["body"])
    ArticleFactory(headline="Something else entirely")

    response = search(client, q=query)

    assert found(response) == [story.headline]
    snippet = str(response.context["results"].page.object_list[0].snippet_html)
    assert f"<mark>{query}</mark>" in snippet.lower()
