"""/sitemap.xml: every published story, and the section and author pages that list them."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef

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
        )

    def lastmod(self, article):
        return article.updated_at if article.was_updated else article.publish_at


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
