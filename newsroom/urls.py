from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles.sitemaps import SITEMAPS, news_sitemap, robots_txt
from core.health import healthz, readyz
from staffauth.urls import webauthn_patterns
from subscriptions import email_webhooks

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Second factor, enrolment and sessions pages, before the admin's own catch-all.
    path("admin/", include("staffauth.urls")),
    path("admin/second-factor/passkeys/", include(webauthn_patterns)),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("sitemap-news.xml", news_sitemap, name="news_sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("newsletters/", include("newsletters.urls")),
    path("subscriptions/", include("subscriptions.urls")),
    # The named email provider's bounce and complaint webhook, e.g. /anymail/postmark/tracking/,
    # only when its credential is set (subscriptions/email_webhooks.py); else no /anymail/ URL.
    path(
        "anymail/",
        include(
            (
                email_webhooks.urlpatterns(settings.EMAIL_WEBHOOK_PROVIDER, settings.ANYMAIL),
                "anymail",
            )
        ),
    ),
    # Read beacons (most popular), reader comments, live updates and the News Feed's JSON.
    path("reads/", include("popularity.urls")),
    path("comments/", include("comments.urls")),
    path("", include("live.urls")),
    path("", include("articles.urls")),
    path("", include("editorial.urls")),
    # Static pages at /<slug>/ (About, Team, Jobs): last, so every other address wins.
    path("", include("pages.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The database down or a statement past its bound: a 503 that queries nothing (core/outage.py).
handler500 = "core.outage.server_error_or_outage"
