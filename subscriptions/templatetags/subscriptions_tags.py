from django import template

from subscriptions.forms import SignupForm

register = template.Library()


@register.inclusion_tag("subscriptions/includes/signup_box.html", takes_context=True)
def newsletter_signup(context, newsletters, heading=""):
    """The signup box for a list of Newsletter objects (see Newsletter.objects.offered_for).

    The same HTML for every visitor (no CSRF token, nothing personal), so the page around it
    stays cacheable. One newsletter: its name as the heading and a hidden field; several: a
    checkbox each, all ticked.
    """
    newsletters = list(newsletters or [])
    request = context.get("request")
    form = SignupForm(
        initial={
            "newsletters": [n.slug for n in newsletters],
            "next": request.path if request is not None else "",
        },
        # Distinct ids per box, in case a page carries two (a rail box and an in-story box).
        auto_id="signup-" + "-".join(n.slug for n in newsletters)[:60] + "-%s",
    )
    return {
        "newsletters": newsletters,
        "single": newsletters[0] if len(newsletters) == 1 else None,
        "heading": heading,
        "form": form,
    }
