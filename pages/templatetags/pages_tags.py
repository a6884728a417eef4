"""{% support_appeal %}: the donation appeal under stories (pages.cache keeps it query-free).
{% site_pages as site_pages %}: the static pages for the menu and footer blocks."""

from django import template
from django.conf import settings

from pages.cache import current_appeal
from pages.context_processors import SitePages

register = template.Library()


def donation_link(amount=None):
    base = settings.DONATION_URL
    if amount is None:
        return base
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}amount={amount}"


@register.simple_tag
def site_pages():
    """The static pages of the More menu and the footer, for the shared blocks that show
    them: {% site_pages as site_pages %} (.menu, .footer)."""
    return SitePages()


@register.inclusion_tag("includes/support_appeal.html")
def support_appeal():
    # No donation page configured: an appeal with nowhere to go is not shown at all.
    appeal = current_appeal() if settings.DONATION_URL else None
    if appeal is None:
        return {"appeal": None}
    return {
        "appeal": appeal,
        "donation_url": donation_link(),
        "amounts": [
            (f"{appeal.currency_symbol}{amount}", donation_link(amount))
            for amount in appeal.amounts
        ],
    }
