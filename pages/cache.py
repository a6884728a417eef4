"""What every page reads from this app, cached: the pages in the More menu and footer, and
the support appeal under stories. A page costs no query for them once the cache is warm;
saving or deleting a page or an appeal drops the entry after the transaction commits.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

# Bump the version when the cached shape changes, so old entries are never unpickled.
SITE_PAGES_CACHE_KEY = "pages:site-pages:v1"
SUPPORT_APPEAL_CACHE_KEY = "pages:support-appeal:v1"
TIMEOUT = 60 * 60
# Stored for "no appeal": the cache cannot tell a stored None from a missing entry.
NO_APPEAL = "none"


@dataclass(frozen=True)
class PageLink:
    title: str
    url: str
    in_menu: bool
    in_footer: bool


@dataclass(frozen=True)
class Appeal:
    heading: str
    paragraphs: tuple[str, ...]
    button_label: str
    currency_symbol: str
    amounts: tuple[int, ...]


def site_page_links():
    links = cache.get(SITE_PAGES_CACHE_KEY)
    if links is None:
        from .models import Page

        links = [
            PageLink(page.title, page.get_absolute_url(), page.show_in_menu, page.show_in_footer)
            for page in Page.objects.published().only(
                "title", "slug", "show_in_menu", "show_in_footer", "position"
            )
        ]
        cache.set(SITE_PAGES_CACHE_KEY, links, TIMEOUT)
    return links


def current_appeal():
    """The appeal to show (an Appeal), or None when no appeal is active."""
    appeal = cache.get(SUPPORT_APPEAL_CACHE_KEY)
    if appeal is None:
        from .models import SupportAppeal

        row = SupportAppeal.objects.current()
        appeal = NO_APPEAL
        if row is not None:
            try:
                amounts = tuple(row.amount_list)
            except ValueError:  # saved around the admin's validation: show no amounts
                amounts = ()
            appeal = Appeal(
                heading=row.heading,
                paragraphs=tuple(p.strip() for p in row.text.split("\n\n") if p.strip()),
                button_label=row.button_label,
                currency_symbol=row.currency_symbol,
                amounts=amounts,
            )
        cache.set(SUPPORT_APPEAL_CACHE_KEY, appeal, TIMEOUT)
    return None if appeal == NO_APPEAL else appeal


def forget_site_pages(sender, **kwargs):
    transaction.on_commit(lambda: cache.delete(SITE_PAGES_CACHE_KEY))


def forget_support_appeal(sender, **kwargs):
    transaction.on_commit(lambda: cache.delete(SUPPORT_APPEAL_CACHE_KEY))
