"""Site search at /search/?q=: headline, standfirst, body, tags and author names.

PostgreSQL: full-text search over `Article.search_vector`, a stored tsvector with a GIN
index. Headline words weigh most (A), the standfirst, tags and author names next (B), the
body least (C). Queries use `websearch_to_tsquery` syntax ("quoted phrases", -exclusions,
`or`), results are ranked with `ts_rank` (newest first among equals) and come with snippets
from `ts_headline`, sanitised so only <mark> survives.

Why triggers keep the vector current (migration 0004) rather than Python code after save:
bylines and tags are separate rows written after the story (the admin's inlines and tag
field, the demo loader's bulk_create, other helpers' services, the shell). A database
trigger sees every one of those writes; a Python hook would have to be remembered on each
path, and a missed one silently leaves a story unfindable.

SQLite (development and the first test pass): every word (or "quoted phrase") of the query
must appear in the headline, standfirst, body, a tag or an author's name (case-insensitive
for ASCII letters), -word excludes; newest first. "or" is not understood there: all words
must match.

Either way only `Article.objects.published()` is searched. A query with fewer than
SUGGEST_BELOW results gets "Did you mean …?", and one with none shows the suggestion's
results ("Showing results for …", Google's pattern) unless the reader asked for their own
words (`verbatim=1`): spelling.py, from a vocabulary of published words.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import nh3
from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Q, TextField, Value
from django.db.models.functions import Concat, Replace
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.generic import TemplateView
from taggit.models import TaggedItem

from core.clientip import client_ip
from core.ratelimit import RateLimit, parse_rate

from . import spelling
from .body import body_text
from .models import Article, Author, Byline, Section

SEARCH_CONFIG = "english"  # the same configuration the triggers index with
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
SNIPPET_WORDS = 35
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
_PUNCTUATION = ".,;:!?()[]{}'\"«»“”‘’"
# Fewer results than this and the page offers a spelling ("Did you mean …?"); none at all
# and it shows the suggestion's results instead (spelling.py).
SUGGEST_BELOW = 3
# The attributes of body blocks whose words are searched (articles.body.BLOCK_TEXT_ATTRIBUTES).
BLOCK_WORDS_PATTERN = r'data-(headline|title|excerpt|caption|text|attribution)="([^"]*)"'


def normalise_query(raw: str) -> tuple[str, bool]:
    """The query as searched, and whether it had to be shortened.

    Control characters (a NUL would make PostgreSQL refuse the statement) become spaces,
    runs of white space collapse, and more than MAX_QUERY_LENGTH characters are cut at a
    word boundary.
    """
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", raw or "").split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    cut = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
    return cut, True


@dataclass
class Terms:
    """Words and quoted phrases of a query, split into wanted and excluded ones."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


def parse_terms(text: str) -> Terms:
    terms = Terms()
    for match in _TERM.finditer(text):
        negated = match.group(1) or match.group(3)
        value = match.group(2) if match.group(2) is not None else match.group(4)
        # Punctuation around words ("crossing," "(bridge)") would never match the text.
        value = " ".join(value.split()).strip(_PUNCTUATION)
        if not value or value.lower() == "or":
            continue
        (terms.exclude if negated else terms.include).append(value)
    return terms


def corrected_query(text: str, request=None) -> str | None:
    """`text` with each misspelt plain word replaced by the closest word readers can find
    (spelling.py), or None when nothing would change. "Quoted phrases", -exclusions, "or"
    and words already in the vocabulary stay as typed."""
    tokens = []  # (the token as typed, its bare word when it may be corrected)
    for match in _TERM.finditer(text):
        word = (match.group(4) or "").strip(_PUNCTUATION)
        plain = match.group(4) is not None and not match.group(3) and word.lower() != "or"
        tokens.append((match.group(0), word if plain and spelling.correctable(word) else None))
    asked = {word.lower() for _, word in tokens if word}
    if not asked:
        return None
    words = spelling.vocabulary(request)
    closest = spelling.closest_words(sorted(asked - set(words)), words)
    if not closest:
        return None
    corrected = []
    for typed, word in tokens:
        better = closest.get(word.lower()) if word else None
        if better and word[:1].isupper():
            better = better.capitalize()
        corrected.append(typed.replace(word, better, 1) if better else typed)
    return " ".join(corrected)


# --- The form ---------------------------------------------------------------------------


class SearchForm(forms.Form):
    """The filters beside the search box. Choices are loaded once per request (two queries)."""

    q = forms.CharField(label="Search for", required=False, strip=False)
    section = forms.ChoiceField(label="Section", required=False)
    author = forms.ChoiceField(label="Author", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("", "Best match"), ("newest", "Newest first")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(Section.objects.order_by("position", "name").only("name", "slug"))
        # Only people and desks with published work: picking anyone else finds nothing.
        published_bylines = Byline.objects.filter(
            author=OuterRef("pk"), article__in=Article.objects.published()
        )
        self.authors = list(
            Author.objects.filter(Exists(published_bylines)).order_by("name").only("name", "slug")
        )
        self.fields["section"].choices = [("", "All sections")] + [
            (section.slug, section.name) for section in self.sections
        ]
        self.fields["author"].choices = [("", "All authors")] + [
            (author.slug, author.name) for author in self.authors
        ]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    @property
    def has_filters(self):
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("section", "author", "date_from", "date_to"))


# --- Running a search -------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the outlet's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_stories(cleaned: dict):
    stories = Article.objects.published()
    if cleaned.get("section"):
        stories = stories.filter(section__slug=cleaned["section"])
    if cleaned.get("author"):
        stories = stories.filter(bylines__author__slug=cleaned["author"])
    if cleaned.get("date_from"):
        stories = stories.filter(publish_at__gte=_day_start(cleaned["date_from"]))
    if cleaned.get("date_to"):
        stories = stories.filter(publish_at__lt=_day_start(cleaned["date_to"] + timedelta(days=1)))
    return stories


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def _sanitised(html: str) -> str:
    # ts_headline returns the text as stored plus <mark>: only <mark> may reach the page.
    return mark_safe(nh3.clean(html or "", tags={"mark"}, attributes={}))  # noqa: S308


def _regexp_replace(expression, pattern, replacement):
    return Func(
        expression,
        Value(pattern),
        Value(replacement),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _plain_body():
    """The body with its HTML tags replaced by spaces, for snippets (PostgreSQL). The words
    of its blocks (attribute values, still HTML-escaped) are moved out of their tags first,
    as the search vector reads them (migration 0014)."""
    words_out = _regexp_replace(F("body"), BLOCK_WORDS_PATTERN, "> \\2 <x ")
    return _regexp_replace(words_out, "<[^>]+>", " ")


def _escaped(expression):
    """Plain text made safe for ts_headline, which reads `<…>` as markup: a headline such as
    "Why 3 <5" keeps every character, shown as text once only <mark> is let through."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        expression = Replace(expression, Value(char), Value(entity), output_field=TextField())
    return expression


def postgres_search(stories, text: str, *, newest_first: bool = False):
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    options = {"start_sel": "<mark>", "stop_sel": "</mark>", "config": SEARCH_CONFIG}
    stories = stories.filter(search_vector=query).annotate(
        rank=SearchRank(F("search_vector"), query),
        headline_html=SearchHeadline(_escaped(F("headline")), query, highlight_all=True, **options),
        snippet_html=SearchHeadline(
            Concat(_escaped(F("dek")), Value(" "), _plain_body(), output_field=TextField()),
            query,
            max_words=SNIPPET_WORDS,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        ),
    )
    if newest_first:
        return stories.order_by("-publish_at", "-pk")
    return stories.order_by("-rank", "-publish_at", "-pk")


def _term_filter(term: str) -> Q:
    tagged = TaggedItem.objects.filter(
        object_id=OuterRef("pk"),
        content_type__app_label="articles",
        content_type__model="article",
        tag__name__icontains=term,
    )
    written = Byline.objects.filter(article=OuterRef("pk"), author__name__icontains=term)
    return (
        Q(headline__icontains=term)
        | Q(dek__icontains=term)
        | Q(body__icontains=term)
        | Q(Exists(tagged))
        | Q(Exists(written))
    )


def simple_search(stories, terms: Terms):
    """Every wanted term somewhere in the story, no excluded one; newest first."""
    for term in terms.include:
        stories = stories.filter(_term_filter(term))
    for term in terms.exclude:
        stories = stories.exclude(_term_filter(term))
    return stories.order_by("-publish_at", "-pk")


def highlight(text: str, terms: list[str]) -> str:
    """`text` escaped, with each term wrapped in <mark> (the SQLite path's snippets)."""
    words = sorted({term for term in terms if term}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts, position = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[position : match.start()]), f"<mark>{escape(match.group(0))}</mark>"]
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def plain_text(article: Article) -> str:
    """The standfirst and body as words, the body's blocks (a pull quote, a card's title, a
    caption) in their place."""
    return " ".join(f"{article.dek} {body_text(article.body)}".split())


def python_snippet(article: Article, terms: list[str]) -> str:
    """Words around the first match in the standfirst or body, else the excerpt."""
    text = plain_text(article)
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms]
    positions = [position for position in positions if position >= 0]
    if not positions:
        return highlight(article.excerpt, terms)
    start = max(0, min(positions) - 80)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    snippet = Truncator(text[start:]).words(SNIPPET_WORDS)
    return highlight(("… " if start else "") + snippet, terms)


def _with_ellipses(article: Article, snippet: str) -> str:
    """ "… " before a snippet that starts mid-text, " …" after one that stops mid-sentence."""
    plain = " ".join(html.unescape(strip_tags(snippet)).split())
    if not plain:
        return snippet
    opening = plain_text(article)[:20]
    before = "" if opening.startswith(plain[:20]) else "… "
    after = "" if plain.endswith((".", "!", "?", "…", "”", '"')) else " …"
    return mark_safe(f"{before}{snippet}{after}")  # noqa: S308 - snippet is sanitised HTML


@dataclass
class SearchResults:
    page: object  # django.core.paginator.Page of stories with headline_html, snippet_html
    count: int
    full_text: bool


def search(*, text: str, cleaned: dict, page_number) -> SearchResults:
    """One page of results for a normalised query and the form's cleaned filters."""
    stories = filtered_stories(cleaned)
    newest = cleaned.get("sort") == "newest"
    full_text = uses_full_text_search()
    terms = parse_terms(text)
    if not text:
        stories = stories.order_by("-publish_at", "-pk")
    elif full_text:
        stories = postgres_search(stories, text, newest_first=newest)
    elif terms.include or terms.exclude:
        stories = simple_search(stories, terms)
    else:  # only punctuation or "or": nothing to look for, as on PostgreSQL
        stories = stories.none()
    stories = stories.with_card_data()
    page = Paginator(stories, RESULTS_PER_PAGE).get_page(page_number)
    for story in page.object_list:
        if text and full_text:
            story.headline_html = _sanitised(story.headline_html)
            story.snippet_html = _with_ellipses(story, _sanitised(story.snippet_html))
        else:
            story.headline_html = highlight(story.headline, terms.include)
            story.snippet_html = python_snippet(story, terms.include)
    return SearchResults(page=page, count=page.paginator.count, full_text=full_text)


# --- The page ---------------------------------------------------------------------------


class SearchView(TemplateView):
    """The search page: a box and filters, then ranked results, or help when there is
    nothing to search for. Odd input never raises: it is cleaned, shortened or explained."""

    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        text, shortened = normalise_query(request.GET.get("q", ""))
        data = request.GET.copy()
        data["q"] = text
        form = SearchForm(data)
        context = {
            "form": form,
            "query": text,
            "shortened": shortened,
            "results": None,
            "suggestion": None,
            "corrected_to": None,
        }
        wants_results = form.is_valid() and (text or form.has_filters)
        if wants_results and not search_rate_limit().hit(client_ip(request)):
            response = self.render_to_response(
                self.get_context_data(**context, rate_limited=True), status=429
            )
            response["Retry-After"] = str(parse_rate(settings.SEARCH_RATE_LIMIT_PER_IP)[1])
            return response
        if wants_results:
            context.update(self.results(text, form.cleaned_data))
        return self.render_to_response(self.get_context_data(**context))

    def results(self, text: str, cleaned: dict) -> dict:
        """The results for `text`; with few of them, a suggested spelling; with none, the
        suggestion's results in their place ("Showing results for …"), unless the reader
        asked for their own words (`verbatim`, the "Search instead for" link)."""
        page_number = self.request.GET.get("page")
        results = search(text=text, cleaned=cleaned, page_number=page_number)
        if not text or results.count >= SUGGEST_BELOW:
            return {"results": results}
        suggestion = corrected_query(text, self.request)
        if not suggestion:
            return {"results": results}
        if results.count or self.request.GET.get("verbatim"):
            return {"results": results, "suggestion": suggestion}
        instead = search(text=suggestion, cleaned=cleaned, page_number=page_number)
        if not instead.count:
            return {"results": results}
        return {"results": instead, "corrected_to": suggestion}


def search_rate_limit() -> RateLimit:
    # Built per request so a changed setting (tests, a reload) takes effect.
    return RateLimit("search-ip", settings.SEARCH_RATE_LIMIT_PER_IP)
