from django import template
from django.core.cache import cache
from django.db import transaction

from newsletters.models import Newsletter
from subscriptions.forms import SignupForm, consent_line

register = template.Library()

OFFERED_VERSION_KEY = "subscriptions:offered:version"
OFFERED_TIMEOUT = 600


def forget_offered_newsletters():
    """Drop every cached offer at once by moving to a new key version."""
    try:
        cache.incr(OFFERED_VERSION_KEY)
    except ValueError:
        cache.set(OFFERED_VERSION_KEY, 1, None)


def newsletters_changed(**kwargs):
    """Receiver for Newsletter changes (connected in SubscriptionsConfig.ready())."""
    transaction.on_commit(forget_offered_newsletters)


@register.simple_tag
def offered_newsletters(section=None):
    """What a signup box offers on a page of `section` (a Section, its id, or None: the site's
    default newsletters), cached: every story page asks and the answer rarely changes.

        {% offered_newsletters article.section_id as signup_newsletters %}
    """
    section_id = getattr(section, "pk", section) or 0
    version = cache.get_or_set(OFFERED_VERSION_KEY, 1, None)
    key = f"subscriptions:offered:{version}:{section_id}"
    newsletters = cache.get(key)
    if newsletters is None:
        newsletters = Newsletter.objects.offered_for(section_id or None)
        cache.set(key, newsletters, OFFERED_TIMEOUT)
    return newsletters


@register.inclusion_tag("subscriptions/includes/signup_box.html")
def newsletter_signup(newsletters, heading=""):
    """The signup box for a list of Newsletter objects (see Newsletter.objects.offered_for).

    The same HTML for every visitor and page (no CSRF token, no address of the page), so the
    box can be a shared block: the page to return to is filled in by the browser
    (static/js/subscriptions.js) or taken from the Referer when the form is posted. One
    newsletter: its name as the heading and a hidden field; several: a checkbox each, all
    ticked.
    """
    newsletters = list(newsletters or [])
    form = SignupForm(
        initial={"newsletters": [n.slug for n in newsletters], "next": ""},
        # Distinct ids per box, in case a page carries two (a rail box and an in-story box).
        auto_id="signup-" + "-".join(n.slug for n in newsletters)[:60] + "-%s",
    )
    return {
        "newsletters": newsletters,
        "single": newsletters[0] if len(newsletters) == 1 else None,
        "heading": heading,
        "form": form,
        "consent_line": consent_line(newsletters if len(newsletters) == 1 else None),
        "show_name": False,
        "show_descriptions": False,
    }
