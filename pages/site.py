"""What every page shows from this app: the pages in the More menu and footer (data kept on the
page-cache generation, so a page costs no query for them once warm) and the support appeal
under stories (read inside its shared block, so once per generation). PagesConfig.ready()
declares both models site-wide: saving or deleting one retires every cached copy.
"""

from dataclasses import dataclass

import pagecache


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


def site_page_links(request=None):
    return pagecache.cached("site-pages", _read_site_page_links, request=request)


def _read_site_page_links():
    from .models import Page

    return [
        PageLink(page.title, page.get_absolute_url(), page.show_in_menu, page.show_in_footer)
        for page in Page.objects.published().only(
            "title", "slug", "show_in_menu", "show_in_footer", "position"
        )
    ]


def current_appeal():
    """The appeal to show (an Appeal), or None when no appeal is active."""
    from .models import SupportAppeal

    row = SupportAppeal.objects.current()
    if row is None:
        return None
    try:
        amounts = tuple(row.amount_list)
    except ValueError:  # saved around the admin's validation: show no amounts
        amounts = ()
    return Appeal(
        heading=row.heading,
        paragraphs=tuple(p.strip() for p in row.text.split("\n\n") if p.strip()),
        button_label=row.button_label,
        currency_symbol=row.currency_symbol,
        amounts=amounts,
    )
