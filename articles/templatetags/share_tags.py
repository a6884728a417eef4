"""Share links and the audio player's helpers.

{% load share_tags %}
{% share_links article %}       email, X, Facebook, Telegram and copy-link, no third-party script
{{ article.audio.name|audio_type }}   "audio/mpeg" for the <source type>
"""

from urllib.parse import quote, urlencode

from django import template

from articles.audio import audio_mime_type
from articles.templatetags.newsroom_tags import absolute

register = template.Library()


def share_targets(url: str, title: str) -> list[dict]:
    """Plain links to each service's own share page: nothing loads from them until clicked."""
    return [
        {
            "key": "email",
            "label": "Email",
            # mailto: wants %20 for spaces, not "+": quote(), not urlencode().
            "href": f"mailto:?subject={quote(title)}&body={quote(f'{title} {url}')}",
            "external": False,
        },
        {
            "key": "x",
            "label": "X",
            "href": "https://x.com/intent/post?" + urlencode({"url": url, "text": title}),
            "external": True,
        },
        {
            "key": "facebook",
            "label": "Facebook",
            "href": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
            "external": True,
        },
        {
            "key": "telegram",
            "label": "Telegram",
            "href": "https://t.me/share/url?" + urlencode({"url": url, "text": title}),
            "external": True,
        },
    ]


@register.inclusion_tag("includes/share_links.html")
def share_links(article):
    url = absolute(article.get_absolute_url())
    return {"url": url, "links": share_targets(url, article.headline)}


@register.filter
def audio_type(name):
    return audio_mime_type(name)
