"""Tags for the shared blocks that show this app's rows (they get no request or context):
{% site_pages as site_pages %}: the static pages for the menu and footer (.menu, .footer);
{% donation_appeal as appeal %}: the support appeal with its links, or None
(blocks/support-appeal.html, shown under stories by {% shared_block "support-appeal" %})."""

from django import template
from django.conf import settings

from pages.context_processors import SitePages
from pages.site import current_appeal

register = template.Library()


def donation_link(amount=None):
    base = settings.DONATION_URL
    if amount is None:
        return base
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}amount={amount}"


@register.simple_tag
def site_pages():
    return SitePages()


@register.simple_tag
def donation_appeal():
    """A dict for the appeal block, or None: no appeal is active, or no donation page is
    configured (an appeal with nowhere to go is not shown at all)."""
    appeal = current_appeal() if settings.DONATION_URL else None
    if appeal is None:
        return None
    return {
        "heading": appeal.heading,
        "paragraphs": appeal.paragraphs,
        "button_label": appeal.button_label,
        "donation_url": donation_link(),
        "amounts": [
            (f"{appeal.currency_symbol}{amount}", donation_link(amount))
            for amount in appeal.amounts
        ],
    }
