from django import template

from subscriptions.forms import SignupForm, consent_line
from subscriptions.models import Newsletter

register = template.Library()


@register.simple_tag
def offered_newsletters(section=None):
    """What a signup box offers on a page of `section` (a Section, its id, or None: the site's
    default newsletters). Used inside the signup boxes' shared blocks, so read once per
    generation and section; newsletters are declared site-wide (NewslettersConfig.ready()).

        {% offered_newsletters section_id as signup_newsletters %}
    """
    return Newsletter.objects.offered_for(getattr(section, "pk", section) or None)


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
