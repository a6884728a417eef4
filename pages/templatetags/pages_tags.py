"""{% support_appeal %}: the donation appeal under stories (pages.cache keeps it query-free)."""

from django import template
from django.conf import settings

from pages.cache import current_appeal

register = template.Library()


def donation_link(amount=None):
    base = settings.DONATION_URL
    if amount is None:
        return base
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}amount={amount}"


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
