"""Newsletter issues as real email: inlined HTML, a plain-text part and list headers.

An issue is rendered once per batch (`render_issue`): templates, story cards and CSS inlining
are the slow part, and they are the same for every reader. Only the unsubscribe and
preference links differ per reader; they sit in the rendered text as placeholders and
`RenderedIssue.message_for()` swaps them in with two string replacements.

No open or click tracking: links point straight at the site, and there is no pixel.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from urllib.parse import quote, urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article
from photos import renditions
from subscriptions import tokens
from subscriptions.models import Newsletter

from .models import IssueStory, NewsletterIssue

# Placeholders for the personal links; neither the templates nor css-inline touch them.
UNSUBSCRIBE_PLACEHOLDER = "https://personal-link.invalid/unsubscribe"
PREFERENCES_PLACEHOLDER = "https://personal-link.invalid/preferences"
TOKEN_MARKER = "personal-token"
# A card photo is shown at most this wide (px); the rendition picked is the widest up to it.
CARD_IMAGE_WIDTH = 640

_inliner = css_inline.CSSInliner(
    keep_style_tags=False, keep_at_rules=True, load_remote_stylesheets=False
)


def absolute_url(url: str) -> str:
    return url if urlsplit(url).scheme else f"{settings.SITE_URL}{url}"


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def sender_address(newsletter: Newsletter) -> str:
    default_name, default_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr(
        (
            newsletter.sender_name or default_name or settings.SITE_NAME,
            newsletter.sender_email or default_email,
        )
    )


def unsubscribe_mailto() -> str:
    configured = settings.NEWSLETTER_UNSUBSCRIBE_MAILTO
    if configured:
        return configured
    sender_domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return f"unsubscribe@{sender_domain or site_domain()}"


@dataclass(frozen=True)
class StoryCard:
    headline: str
    dek: str
    url: str
    section: str
    image_url: str = ""
    image_alt: str = ""
    image_width: int = 0
    image_height: int = 0


def _card(article: Article) -> StoryCard:
    card = {
        "headline": article.headline,
        "dek": article.dek,
        "url": absolute_url(article.get_absolute_url()),
        "section": article.section.name,
    }
    photo = article.lead_photo
    # Only resized renditions go into email: an original can be tens of megabytes.
    if photo is not None and renditions.has_renditions(photo):
        image = renditions.default_rendition(photo, max_width=CARD_IMAGE_WIDTH)
        card.update(
            image_url=absolute_url(image.url),
            image_alt=photo.alt_text,
            image_width=min(image.width, CARD_IMAGE_WIDTH),
            image_height=round(image.height * min(image.width, CARD_IMAGE_WIDTH) / image.width),
        )
    return StoryCard(**card)


def story_cards(issue: NewsletterIssue) -> list[StoryCard]:
    """The issue's stories in order, as cards: one query, published stories only."""
    issue_stories = (
        IssueStory.objects.filter(issue=issue, article__in=Article.objects.published())
        .select_related("article__section", "article__lead_photo")
        .order_by("position", "pk")
    )
    return [_card(issue_story.article) for issue_story in issue_stories]


_BLOCK_END = re.compile(
    r"</(p|h[1-6]|li|blockquote|ul|ol|figure|figcaption)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_LINK = re.compile(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(markup: str) -> str:
    """Plain text for the text/plain part from the editor's (sanitised, simple) HTML."""
    text = _LINK.sub(
        lambda m: m.group(2) if m.group(2) == m.group(1) else f"{m.group(2)} ({m.group(1)})",
        markup,
    )
    text = _LIST_ITEM.sub("- ", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def issue_context(issue: NewsletterIssue, *, cards: list[StoryCard] | None = None) -> dict:
    newsletter = issue.newsletter
    intro_html = issue.intro_email_html() if issue.intro else ""
    return {
        "issue": issue,
        "newsletter": newsletter,
        "cards": story_cards(issue) if cards is None else cards,
        "intro_html": intro_html,
        "intro_text": html_to_text(intro_html),
        "web_url": absolute_url(issue.get_absolute_url()),
        "newsletters_url": absolute_url(reverse("newsletters:index")),
        "postal_address": settings.NEWSLETTER_POSTAL_ADDRESS,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "preferences_url": PREFERENCES_PLACEHOLDER,
    }


@dataclass
class PersonalLinks:
    unsubscribe_url: str
    preferences_url: str


@dataclass
class RenderedIssue:
    """One issue, rendered once; `message_for()` makes each reader's copy."""

    issue: NewsletterIssue
    subject: str
    html: str
    text: str
    from_email: str
    reply_to: list[str] = field(default_factory=list)
    list_id: str = ""
    url_patterns: dict[str, str] = field(default_factory=dict)

    def links_for(self, subscriber) -> PersonalLinks:
        """The same links as tokens.unsubscribe_url() and preferences_url() (a test holds
        them equal), with the URL reversed once per batch instead of twice per reader."""
        unsubscribe = tokens.unsubscribe_token(subscriber, self.issue.newsletter_id)
        preferences = tokens.preferences_token(subscriber)
        return PersonalLinks(
            unsubscribe_url=self.url_patterns["unsubscribe"].replace(TOKEN_MARKER, unsubscribe),
            preferences_url=self.url_patterns["preferences"].replace(TOKEN_MARKER, preferences),
        )

    def preview_links(self) -> PersonalLinks:
        """Links for a preview or a test to staff who are not subscribers: the public page."""
        newsletters_url = absolute_url(reverse("newsletters:index"))
        return PersonalLinks(unsubscribe_url=newsletters_url, preferences_url=newsletters_url)

    def bodies(self, links: PersonalLinks) -> tuple[str, str]:
        html_unsubscribe = html.escape(links.unsubscribe_url)
        html_preferences = html.escape(links.preferences_url)
        body_html = self.html.replace(UNSUBSCRIBE_PLACEHOLDER, html_unsubscribe).replace(
            PREFERENCES_PLACEHOLDER, html_preferences
        )
        body_text = self.text.replace(UNSUBSCRIBE_PLACEHOLDER, links.unsubscribe_url).replace(
            PREFERENCES_PLACEHOLDER, links.preferences_url
        )
        return body_html, body_text

    def headers(self, links: PersonalLinks, message_id: str) -> dict[str, str]:
        token = links.unsubscribe_url.rstrip("/").rpartition("/")[2]
        mailto = f"mailto:{unsubscribe_mailto()}?subject={quote('unsubscribe ' + token)}"
        return {
            "Message-ID": message_id,
            "List-Id": self.list_id,
            # RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs once.
            "List-Unsubscribe": f"<{links.unsubscribe_url}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    def message_for(
        self, subscriber, *, connection=None, links: PersonalLinks | None = None, subject=None
    ) -> EmailMultiAlternatives:
        links = links or self.links_for(subscriber)
        body_html, body_text = self.bodies(links)
        message = EmailMultiAlternatives(
            subject=subject or self.subject,
            body=body_text,
            from_email=self.from_email,
            to=[subscriber.email],
            reply_to=self.reply_to,
            headers=self.headers(links, make_msgid(domain=site_domain())),
            connection=connection,
        )
        message.attach_alternative(body_html, "text/html")
        return message


def render_issue(issue: NewsletterIssue) -> RenderedIssue:
    """Render an issue once: the HTML (CSS inlined) and text with placeholder links."""
    newsletter = issue.newsletter
    context = issue_context(issue)
    body_html = _inliner.inline(render_to_string("emails/newsletters/issue.html", context))
    body_text = render_to_string("emails/newsletters/issue.txt", context)
    return RenderedIssue(
        issue=issue,
        subject=issue.subject,
        html=body_html,
        text=body_text,
        from_email=sender_address(newsletter),
        reply_to=[newsletter.reply_to] if newsletter.reply_to else [],
        list_id=f"{newsletter.name} <{newsletter.slug}.{site_domain()}>",
        url_patterns={
            name: tokens.absolute(reverse(f"subscriptions:{name}", kwargs={"token": TOKEN_MARKER}))
            for name in ("unsubscribe", "preferences")
        },
    )


def message_id_of(message: EmailMultiAlternatives) -> str:
    """The provider's id when an anymail backend reports one, else our own Message-ID."""
    status = getattr(message, "anymail_status", None)
    provider_id = getattr(status, "message_id", None)
    if provider_id:
        return str(provider_id)
    return message.extra_headers.get("Message-ID", "")
