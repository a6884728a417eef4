"""Newsletter pages follow the page cache's freshness bound, like every reader page: shared
caches keep them no longer than PAGE_CACHE_STALE_SECONDS (not five minutes), browsers
revalidate, and signed-in staff get a private page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def cache_control(response):
    parts = [part.strip() for part in response["Cache-Control"].split(",")]
    return {part.split("=")[0]: (part.split("=") + [None])[1] for part in parts}


def newsletter_urls(newsletter, issue):
    issue.status = issue.Status.SENT
    issue.save(update_fields=["status"])
    return [reverse("newsletters:index"), newsletter.get_absolute_url(), issue.get_absolute_url()]


@pytest.mark.parametrize("cached", [False, True], ids=["page cache off", "page cache on"])
def test_newsletter_pages_live_no_longer_than_the_bound(
    client, settings, newsletter, issue, cached
):
    settings.PAGE_CACHE_ENABLED = cached
    settings.PAGE_CACHE_FRAGMENTS = cached
    settings.PAGE_CACHE_STALE_SECONDS = 7
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 2
    for url in newsletter_urls(newsletter, issue):
        response = client.get(url)
        assert response.status_code == 200
        control = cache_control(response)
        assert "public" in control
        assert control["max-age"] == "0"
        assert int(control["s-maxage"]) + int(control["stale-while-revalidate"]) <= 7
        assert response.has_header("ETag")


def test_newsletter_pages_are_served_from_the_page_cache(client, settings, newsletter, issue):
    settings.PAGE_CACHE_ENABLED = True
    for url in newsletter_urls(newsletter, issue):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"


def test_signed_in_staff_get_a_private_newsletter_page(client, admin_user, newsletter, issue):
    client.force_login(admin_user)
    for url in newsletter_urls(newsletter, issue):
        control = cache_control(client.get(url))
        assert "private" in control and "no-store" in control
