"""Typo tolerance for site search: "Did you mean …?" from words readers can find.

The vocabulary is the words of published headlines and standfirsts, the tags of published
stories, the names of their sections and of the authors with published bylines, most
frequent first. Bodies are left out: they are most of the text, and reading every body once
per generation would cost more than the words they add are worth (a misspelt headline word
is what readers type). Only `Article.objects.published()` feeds it, so a word that appears
only in a draft or a story scheduled for later is never offered: a suggestion must not
reveal an unpublished story.

It is built once per page-cache generation (`pagecache.cached`), so any change readers can
see retires it with the pages; private requests build their own, as for every cached value.

Each plain word of the query is corrected on its own; "quoted phrases", -exclusions, "or",
words already in the vocabulary and words with digits or other marks are left as typed.
PostgreSQL finds the nearest words with pg_trgm's trigram `similarity()` (migration 0010),
SQLite with `difflib.get_close_matches`; of those, the best `difflib` ratio above a cutoff is
offered, so both databases suggest the same word (ties go to the more frequent one).
"""

import difflib
import html
import re
from collections import Counter

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils.html import strip_tags
from taggit.models import TaggedItem

import pagecache

from .models import Article, Author, Byline

# Letters only: digits, dates and names with marks ("covid-19", "o'brien") are not guessed at.
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORD_LENGTH = 4  # shorter words have too many neighbours to guess well
MAX_LENGTH_CHANGE = 2  # letters a suggestion may add or drop
CANDIDATES = 5  # near words per term, of which the best ratio wins
TRIGRAM_THRESHOLD = 0.2  # pg_trgm similarity() to be a candidate: "levles" → "levels" is 0.27
DIFFLIB_CUTOFF = 0.75  # SequenceMatcher ratio to be offered: "bridje" → "bridge" is 0.83


def _words(text: str) -> list[str]:
    return [
        word
        for word in _WORD.findall(html.unescape(strip_tags(text or "")).lower())
        if len(word) >= MIN_WORD_LENGTH
    ]


def build_vocabulary() -> tuple[str, ...]:
    """Every word readers can find by searching, most frequent first (four queries)."""
    published = Article.objects.published()
    counts = Counter()
    for headline, dek, section in published.values_list("headline", "dek", "section__name"):
        counts.update(_words(headline))
        counts.update(_words(dek))
        counts.update(_words(section))
    tags = TaggedItem.objects.filter(
        content_type__app_label="articles",
        content_type__model="article",
        object_id__in=published.values("pk"),
    ).values_list("tag__name", flat=True)
    for tag in tags:
        counts.update(_words(tag))
    published_bylines = Byline.objects.filter(author=OuterRef("pk"), article__in=published)
    for name in Author.objects.filter(Exists(published_bylines)).values_list("name", flat=True):
        counts.update(_words(name))
    return tuple(sorted(counts, key=lambda word: (-counts[word], word)))


def vocabulary(request=None) -> tuple[str, ...]:
    return pagecache.cached("search-vocabulary", build_vocabulary, request=request)


def correctable(word: str) -> bool:
    """Whether a word as typed is one this module would guess at."""
    return len(word) >= MIN_WORD_LENGTH and _WORD.fullmatch(word) is not None


def closest_words(terms: list[str], words: tuple[str, ...]) -> dict[str, str]:
    """The closest vocabulary word for each lower-case term that has one."""
    if not terms or not words:
        return {}
    # A word two letters longer or shorter is as far as a typo goes (and the ratio's cutoff
    # lets through): comparing only those halves the work on a real vocabulary.
    shortest, longest = min(map(len, terms)) - MAX_LENGTH_CHANGE, max(map(len, terms))
    words = tuple(word for word in words if shortest <= len(word) <= longest + MAX_LENGTH_CHANGE)
    if connection.vendor == "postgresql":
        candidates = _candidates_by_trigrams(terms, words)
    else:
        candidates = {
            term: difflib.get_close_matches(term, words, n=CANDIDATES, cutoff=DIFFLIB_CUTOFF)
            for term in terms
        }
    rank = {word: position for position, word in enumerate(words)}
    closest = {}
    for term, found in candidates.items():
        scored = [(difflib.SequenceMatcher(None, term, word).ratio(), word) for word in found]
        scored = [(score, word) for score, word in scored if score >= DIFFLIB_CUTOFF]
        if scored:
            closest[term] = max(scored, key=lambda pair: (pair[0], -rank[pair[1]]))[1]
    return closest


def _candidates_by_trigrams(terms: list[str], words: tuple[str, ...]) -> dict[str, list[str]]:
    """One query for every term: the CANDIDATES most similar words by trigrams. The words
    go as one string (a word has no spaces): psycopg adapts a list of thousands element by
    element, several times slower than the similarity itself.

    Trigrams find neighbours in the whole vocabulary cheaply but score a swap of two letters
    in a short word low ("levles" and "levels" share 3 of 11), so the threshold is loose and
    the same ratio as on SQLite picks among the few they find."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT asked.term, near.word
            FROM unnest(%s::text[]) AS asked(term)
            CROSS JOIN LATERAL (
                SELECT known.word
                FROM unnest(string_to_array(%s, ' ')) WITH ORDINALITY AS known(word, position)
                WHERE similarity(known.word, asked.term) >= %s
                ORDER BY similarity(known.word, asked.term) DESC, known.position
                LIMIT %s
            ) AS near
            """,
            [terms, " ".join(words), TRIGRAM_THRESHOLD, CANDIDATES],
        )
        candidates = {}
        for term, word in cursor.fetchall():
            candidates.setdefault(term, []).append(word)
        return candidates
