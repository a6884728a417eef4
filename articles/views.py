"""Reader pages. Each listing starts from `Article.objects.published().with_card_data()`, so
what a reader may see is decided in one place and a page costs the same few queries whether
it lists five stories or fifty (tests/articles/test_queries.py pins the counts).
"""

from itertools import groupby

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from pagecache import cached

from .blocks import attach_bodies
from .caching import navigation_sections
from .models import Article, Author, Byline, Correction, Section
from .news_feed import feed_entries, feed_page
from .publication import card_bylines

HOME_TOP_STORIES = 3
HOME_EDITORS_PICKS = 4
HOME_STORIES_PER_SECTION = 4
HOME_FEED_ITEMS = 10
# Stands for a section's id in the per-section read latest_by_section compiles once.
SECTION_PLACEHOLDER = -7_000_000_001
RAIL_FEED_ITEMS = 8
RAIL_EDITORS_PICKS = 4
STORY_FEATURED = 3
NEWS_FEED_PER_PAGE = 30
CORRECTIONS_PER_PAGE = 30


class StoryGone(Exception):
    pass


class GoneForWithdrawnMixin:
    """A withdrawn story's addresses answer 410 Gone (a takedown), not 404: search engines
    drop the page at once, and readers following an old link are told it was removed.

    The withdrawn row is fetched by the same single query as a public one, so a missing
    story costs no extra lookup.
    """

    # Previews (editorial.preview) show a withdrawn story to staff as it was.
    answer_gone = True

    def get_object(self, queryset=None):
        if not self.answer_gone:
            return super().get_object(queryset)
        if queryset is None:
            # The view's public queryset (published() and its prefetches), or withdrawn.
            queryset = self.get_queryset() | Article.objects.filter(status=Article.Status.WITHDRAWN)
        article = super().get_object(queryset)
        if article.status == Article.Status.WITHDRAWN:
            raise StoryGone
        return article

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except StoryGone:
            return TemplateResponse(request, "articles/gone.html", status=410)


def story_cards():
    """Published stories with everything a card shows (section, lead photo, bylines)."""
    return Article.objects.published().with_card_data().newest_first()


def curated_stories(*, featured: int, picks: int, exclude_pk=None):
    """(featured, editors' picks) in the editors' order, a story in one block only.

    Three queries for both blocks: one each, and one for all their bylines.
    """
    stories = Article.objects.published().select_related("section", "lead_photo")
    if exclude_pk is not None:
        stories = stories.exclude(pk=exclude_pk)
    featured_stories = list(stories.featured()[:featured])
    shown = [story.pk for story in featured_stories]
    pick_stories = list(stories.editors_picks().exclude(pk__in=shown)[:picks])
    prefetch_related_objects([*featured_stories, *pick_stories], card_bylines(Byline))
    return featured_stories, pick_stories


def rail_candidates():
    """What every story page's rail and closing blocks choose from: one story more than each
    block shows (the page leaves its own story out), picks not yet told apart from featured.

    Five queries (featured, picks, their bylines, the News Feed's two), shared by all story
    pages as data kept on the page-cache generation (pagecache.cached).
    """
    # Cards never show the body: leaving it out keeps the shared copy small to unpickle.
    stories = (
        Article.objects.published()
        .select_related("section", "lead_photo")
        .defer("body", "search_vector", "audio_transcript", "editor_notes")
    )
    featured = list(stories.featured()[: STORY_FEATURED + 1])
    picks = list(stories.editors_picks()[: RAIL_EDITORS_PICKS + STORY_FEATURED + 1])
    prefetch_related_objects([*featured, *picks], card_bylines(Byline))
    return featured, picks, feed_entries(limit=RAIL_FEED_ITEMS + 1)


class RailMixin:
    """The story page's side column and closing blocks: News Feed, Editors' Picks, Featured."""

    def get_rail_context(self, exclude_pk=None):
        featured, picks, feed = cached("story-rail", rail_candidates, request=self.request)
        # The same choice curated_stories() makes in SQL: this story left out, and a story
        # in one block only.
        featured = [story for story in featured if story.pk != exclude_pk][:STORY_FEATURED]
        shown = {exclude_pk, *(story.pk for story in featured)}
        picks = [story for story in picks if story.pk not in shown][:RAIL_EDITORS_PICKS]
        feed = [entry for entry in feed if entry.key != f"story-{exclude_pk}"][:RAIL_FEED_ITEMS]
        return {"rail_feed": feed, "rail_picks": picks, "featured_stories": featured}


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        top_stories, editors_picks = curated_stories(
            featured=HOME_TOP_STORIES, picks=HOME_EDITORS_PICKS
        )
        shown = [story.pk for story in [*top_stories, *editors_picks]]
        context.update(
            lead_story=top_stories[0] if top_stories else None,
            top_stories=top_stories[1:],
            editors_picks=editors_picks,
            section_blocks=self.latest_by_section(exclude=shown),
            feed_items=feed_entries(limit=HOME_FEED_ITEMS),
        )
        return context

    def latest_by_section(self, *, exclude):
        """The newest few stories of each navigation section, in one query for all sections.

        One short read of the section index per section (`SELECT ... LIMIT 4` each, joined by
        UNION ALL), not a window over every story: on 10,000 stories that sort alone took
        half a second. The per-section read is compiled once and repeated with each section's
        id: compiling it per section cost more than running all of them.
        """
        sections = navigation_sections(self.request)
        if not sections:
            return []
        one_section = (
            Article.objects.published()
            .filter(section=SECTION_PLACEHOLDER)
            .exclude(pk__in=exclude)
            .newest_first()
            .values("pk")[:HOME_STORIES_PER_SECTION]
        )
        sql, params = one_section.query.sql_with_params()
        reads, read_params = [], []
        for number, section in enumerate(sections):
            reads.append(f"SELECT * FROM ({sql}) AS newest_{number}")
            read_params += [section.pk if p == SECTION_PLACEHOLDER else p for p in params]
        newest = RawSQL(" UNION ALL ".join(reads), read_params)  # noqa: S611 - compiled above
        ranked = Article.objects.with_card_data().newest_first().filter(pk__in=newest)
        by_section = {}
        for story in ranked:
            by_section.setdefault(story.section_id, []).append(story)
        return [
            {"section": section, "stories": by_section[section.pk]}
            for section in sections
            if section.pk in by_section
        ]


class SectionView(ListView):
    template_name = "articles/section_detail.html"
    context_object_name = "stories"
    paginate_by = 20

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return story_cards().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section, active_section_pk=self.section.pk, **kwargs
        )


class ArticleDetailView(GoneForWithdrawnMixin, RailMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("section", "lead_photo")
            .prefetch_related("tags")
        )

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # The body is read once; its cards' stories and photos cost one query each, and only
        # when it has them. The story's bylines and those of its cards come in one query that
        # runs either way.
        attach_bodies([article], card_bylines=False)
        cards = article.story_body.card_stories()
        bylines = Byline.objects.select_related("author__photo").order_by("position", "pk")
        prefetch_related_objects([article, *cards], Prefetch("bylines", queryset=bylines))
        return article

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.get_rail_context(exclude_pk=self.object.pk))
        context["active_section_pk"] = self.object.section_id
        # A correction always moves updated_at (articles.services), so a story never
        # corrected costs no query for them.
        context["corrections"] = (
            list(self.object.corrections.filter(published_at__lte=timezone.now()))
            if self.object.updated_at
            else []
        )
        return context


class AuthorView(ListView):
    template_name = "articles/author_detail.html"
    context_object_name = "stories"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.select_related("photo"), slug=self.kwargs["slug"]
        )
        return story_cards().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class TagView(ListView):
    template_name = "articles/tag_detail.html"
    context_object_name = "stories"
    paginate_by = 20

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return story_cards().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class NewsFeedView(TemplateView):
    """Short items (stories and live updates), newest first, under a heading per day in the
    outlet's time zone. live.feed merges the two sources in two queries per page."""

    template_name = "articles/news_feed.html"
    # Paginated by hand (live.feed): the page cache keys its copies by `page` (pagecache).
    page_cache_params = ("page",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.request.GET.get("page", "1")
        page_obj = feed_page(
            int(page) if page.isdigit() and len(page) < 4 else 1, per_page=NEWS_FEED_PER_PAGE
        )
        context.update(page_obj=page_obj, items=page_obj.entries)
        today = timezone.localdate()
        days = []
        for day, items in groupby(
            context["items"], key=lambda item: timezone.localdate(item.publish_at)
        ):
            days.append({"date": day, "days_ago": (today - day).days, "items": list(items)})
        context["days"] = days
        context["active_nav"] = "news_feed"
        # "Europe/Kyiv" → "Kyiv": readers are told which clock the times follow.
        context["time_zone_label"] = settings.TIME_ZONE.rsplit("/", 1)[-1].replace("_", " ")
        return context


class TranscriptView(GoneForWithdrawnMixin, DetailView):
    """The transcript of a story's audio version, when the editor pasted one."""

    template_name = "articles/transcript.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().exclude(audio_transcript="").select_related("section")

    def get_context_data(self, **kwargs):
        return super().get_context_data(active_section_pk=self.object.section_id, **kwargs)


class CorrectionsView(ListView):
    """The latest corrections and updates across the site, on public stories only."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    paginate_by = CORRECTIONS_PER_PAGE

    def get_queryset(self):
        return (
            Correction.objects.filter(
                published_at__lte=timezone.now(), article__in=Article.objects.published()
            )
            .select_related("article__section")
            .order_by("-published_at", "-pk")
        )
