"""/sitemap.xml: every published story, and the section and author pages that list them.
/sitemap-news.xml: the Google News sitemap; /robots.txt points crawlers at both."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Now
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from .models import Article, Author, Byline, Section


class SiteURLSitemap(Sitemap):
    """Addresses on SITE_URL, whatever host the sitemap was requested through."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteURLSitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .newest_first()
            .only("slug", "publish_at", "updated_at", "status")
            # A live story changes with every update: lastmod follows the newest one out.
            .annotate(
                newest_update_at=Max(
                    "live_updates__published_at",
                    filter=Q(live_updates__published_at__lte=Now()),
                )
            )
        )

    def lastmod(self, article):
        changed = article.updated_at if article.was_updated else article.publish_at
        return max(moment for moment in (changed, article.newest_update_at) if moment)


class SectionSitemap(SiteURLSitemap):
    changefreq = "hourly"
    priority = 0.6

    def items(self):
        return Section.objects.order_by("position", "name")


class AuthorSitemap(SiteURLSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        # Only people and desks with published work: an empty author page is not worth a crawl.
        published_bylines = Byline.objects.filter(
            author=OuterRef("pk"), article__in=Article.objects.published()
        )
        return Author.objects.filter(Exists(published_bylines)).order_by("name")


SITEMAPS = {"stories": ArticleSitemap, "sections": SectionSitemap, "authors": AuthorSitemap}


# --- Google News sitemap and robots.txt ---------------------------------------------------

NEWS_SITEMAP_WINDOW = timedelta(hours=48)
# Google News takes at most 1,000 stories per news sitemap.
NEWS_SITEMAP_LIMIT = 1000


def news_language(language_code: str) -> str:
    """The ISO 639 code Google News wants: "en-us" → "en"; Chinese keeps its script."""
    code = language_code.lower()
    return {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}.get(code, code.split("-")[0])


class NewsSitemap(SiteURLSitemap):
    """/sitemap-news.xml: stories of the last 48 hours, with Google News' <news:news>."""

    limit = NEWS_SITEMAP_LIMIT

    def items(self):
        since = timezone.now() - NEWS_SITEMAP_WINDOW
        return (
            Article.objects.published()
            .filter(publish_at__gte=since)
            .newest_first()
            .only("slug", "headline", "publish_at", "updated_at", "status")
        )

    def lastmod(self, article):
        return article.updated_at if article.was_updated else article.publish_at


def _w3c(moment):
    """ "2024-03-10T14:05:00+02:00": the W3C date Google News reads, in the outlet's zone."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def news_sitemap(request):
    urls = NewsSitemap().get_urls()
    for url in urls:
        url["publication_date"] = _w3c(url["item"].publish_at)
        url["lastmod_w3c"] = _w3c(url["lastmod"]) if url.get("lastmod") else ""
    return TemplateResponse(
        request,
        "sitemaps/news.xml",
        {
            "urlset": urls,
            "publication_name": settings.SITE_NAME,
            "publication_language": news_language(settings.LANGUAGE_CODE),
        },
        content_type="application/xml; charset=utf-8",
    )


def robots_txt(request):
    """Crawlers: everything but the admin and search results; both sitemaps."""
    response = TemplateResponse(
        request,
        "robots.txt",
        {
            "sitemaps": [
                f"{settings.SITE_URL}{reverse('django.contrib.sitemaps.views.sitemap')}",
                f"{settings.SITE_URL}{reverse('news_sitemap')}",
            ]
        },
        content_type="text/plain; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response
