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
PostgreSQL picks the closest word with pg_trgm's trigram `similarity()` (migration 0010),
SQLite with `difflib.get_close_matches`; ties go to the more frequent word.
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
TRIGRAM_THRESHOLD = 0.35  # pg_trgm similarity(): "bridje" → "bridge" is 0.4, strangers < 0.2
DIFFLIB_CUTOFF = 0.75  # SequenceMatcher ratio: "bridje" → "bridge" is 0.83


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
    if connection.vendor == "postgresql":
        return _closest_by_trigrams(terms, words)
    rank = {word: position for position, word in enumerate(words)}
    closest = {}
    for term in terms:
        matches = difflib.get_close_matches(term, words, n=3, cutoff=DIFFLIB_CUTOFF)
        if matches:
            best = difflib.SequenceMatcher(None, term, matches[0]).ratio()
            tied = [
                word
                for word in matches
                if difflib.SequenceMatcher(None, term, word).ratio() == best
            ]
            closest[term] = min(tied, key=rank.__getitem__)
    return closest


def _closest_by_trigrams(terms: list[str], words: tuple[str, ...]) -> dict[str, str]:
    """One query for every term: the most similar word above the threshold, the more
    frequent (earlier) one on a tie."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT term, (
                SELECT known.word
                FROM unnest(%s::text[]) WITH ORDINALITY AS known(word, position)
                WHERE similarity(known.word, term) >= %s
                ORDER BY similarity(known.word, term) DESC, known.position
                LIMIT 1
            )
            FROM unnest(%s::text[]) AS asked(term)
            """,
            [list(words), TRIGRAM_THRESHOLD, terms],
        )
        return {term: word for term, word in cursor.fetchall() if word}
