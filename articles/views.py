"""Reader pages. Each listing starts from `Article.objects.published().with_card_data()`, so
what a reader may see is decided in one place and a page costs the same few queries whether
it lists five stories or fifty (tests/articles/test_queries.py pins the counts).
"""

from itertools import groupby

from django.conf import settings
from django.db.models import F, Prefetch, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from newsroom.context_processors import navigation_sections

from .models import Article, Author, Byline, RelatedEmbed, Section

HOME_TOP_STORIES = 3
HOME_EDITORS_PICKS = 4
HOME_STORIES_PER_SECTION = 4
HOME_FEED_ITEMS = 10
RAIL_FEED_ITEMS = 8
RAIL_EDITORS_PICKS = 4


def story_cards():
    """Published stories with everything a card shows (section, lead photo, bylines)."""
    return Article.objects.published().with_card_data().newest_first()


def news_feed_items():
    return story_cards().filter(in_news_feed=True)


class RailMixin:
    """The story page's side column: the News Feed and Editors' Picks."""

    def get_rail_context(self, exclude_pk=None):
        feed = news_feed_items().exclude(pk=exclude_pk)[:RAIL_FEED_ITEMS]
        picks = story_cards().filter(is_editors_pick=True).exclude(pk=exclude_pk)
        return {"rail_feed": feed, "rail_picks": picks[:RAIL_EDITORS_PICKS]}


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        top_stories = list(story_cards().filter(is_featured=True)[:HOME_TOP_STORIES])
        shown = [story.pk for story in top_stories]
        editors_picks = list(
            story_cards().filter(is_editors_pick=True).exclude(pk__in=shown)[:HOME_EDITORS_PICKS]
        )
        shown += [story.pk for story in editors_picks]
        context.update(
            lead_story=top_stories[0] if top_stories else None,
            top_stories=top_stories[1:],
            editors_picks=editors_picks,
            section_blocks=self.latest_by_section(exclude=shown),
            feed_items=news_feed_items()[:HOME_FEED_ITEMS],
        )
        return context

    def latest_by_section(self, *, exclude):
        """The newest few stories of each navigation section, in one query for all sections."""
        sections = navigation_sections()
        ranked = (
            story_cards()
            .filter(section__in=[section.pk for section in sections])
            .exclude(pk__in=exclude)
            .annotate(
                section_rank=Window(
                    RowNumber(),
                    partition_by=F("section_id"),
                    order_by=[F("publish_at").desc(), F("pk").desc()],
                )
            )
            .filter(section_rank__lte=HOME_STORIES_PER_SECTION)
        )
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


class ArticleDetailView(RailMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        embeds = RelatedEmbed.objects.select_related(
            "image", "target_article__section", "target_article__lead_photo"
        ).order_by("position", "pk")
        return (
            Article.objects.published()
            .select_related("section", "lead_photo")
            .prefetch_related("tags", Prefetch("embeds", queryset=embeds))
        )

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # The story's bylines and those of the stories its cards point to, in one query
        # that runs whether or not there are cards: the page costs the same either way.
        targets = [embed.target_article for embed in article.embeds.all() if embed.target_article]
        bylines = Byline.objects.select_related("author__photo").order_by("position", "pk")
        prefetch_related_objects([article, *targets], Prefetch("bylines", queryset=bylines))
        return article

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.get_rail_context(exclude_pk=self.object.pk))
        context["active_section_pk"] = self.object.section_id
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


class NewsFeedView(ListView):
    """Short items, newest first, under a heading per day in the outlet's time zone."""

    template_name = "articles/news_feed.html"
    context_object_name = "items"
    paginate_by = 30

    def get_queryset(self):
        return news_feed_items()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
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
