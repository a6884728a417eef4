"""Comments under a story.

{% load comments_tags %}
{% comments_section article %}      approved comments (one query) and the way to write one
{{ comment.body|comment_html }}     escaped text, paragraphs, links marked nofollow ugc
"""

import re

from django import template
from django.utils.html import Urlizer
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines

from comments.models import Comment, comments_close_at, comments_open

register = template.Library()


class CommentUrlizer(Urlizer):
    # Readers' links: search engines must not count them as ours (rel="ugc", "nofollow").
    url_template = '<a href="{href}" rel="nofollow ugc noopener"{attrs}>{url}</a>'


urlize_comment = CommentUrlizer()


@register.filter
def comment_html(text):
    paragraphs = re.split(r"\n\s*\n", normalize_newlines(text or "").strip())
    html = "".join(
        "<p>{}</p>".format(
            urlize_comment(paragraph, trim_url_limit=60, autoescape=True).replace("\n", "<br>")
        )
        for paragraph in paragraphs
        if paragraph.strip()
    )
    return mark_safe(html)  # noqa: S308 - every piece of reader text escaped by urlize


@register.inclusion_tag("comments/section.html")
def comments_section(article):
    comments = list(
        Comment.objects.approved().filter(article=article).only("pk", "name", "body", "created_at")
    )
    return {
        "article": article,
        "comments": comments,
        "is_open": comments_open(article),
        "close_at": comments_close_at(article),
    }
