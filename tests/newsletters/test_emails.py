"""What readers receive: headers, HTML with inlined CSS, a text part, personal links."""

import re
from datetime import timedelta
from email.utils import parseaddr

import pytest
from django.core import mail
from django.urls import resolve
from django.utils import timezone

from articles.models import Article
from newsletters import sending, services
from newsletters.emails import render_issue
from newsletters.models import Delivery
from photos.renditions import ensure_renditions
from subscriptions.tokens import read_preferences_token, read_unsubscribe_token
from tests.factories import ArticleFactory, PhotoFactory, block
from tests.newsletters.factories import IssueFactory, add_stories, audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(issue, newsletter):
    readers = audience(newsletter, 2)
    services.send_issue(issue)
    sending.run_pump(issue.pk)
    issue.refresh_from_db()
    by_address = {message.to[0]: message for message in mail.outbox}
    return issue, readers, by_address


def html_of(message):
    return message.alternatives[0][0]


def token_of(url):
    return resolve(url.removeprefix("https://news.example.org")).kwargs["token"]


def test_list_headers_and_sender(sent, newsletter, settings):
    issue, readers, by_address = sent
    message = by_address[readers[0].email]
    parsed = message.message()

    assert parseaddr(parsed["From"]) == ("The Newsroom", "newsroom@example.org")
    assert parsed["Subject"] == issue.subject
    assert parsed["List-Id"] == "Morning Briefing <morning.news.example.org>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = " ".join(parsed["List-Unsubscribe"].split())
    https_url, mailto = re.fullmatch(r"<(https://[^>]+)>, <(mailto:[^>]+)>", unsubscribe).groups()
    link = read_unsubscribe_token(token_of(https_url))
    assert (link.subscriber_id, link.newsletter_id) == (readers[0].pk, newsletter.pk)
    assert mailto.startswith("mailto:unsubscribe@example.org?subject=unsubscribe%20")
    assert Delivery.objects.get(subscriber=readers[0]).message_id == parsed["Message-ID"]


def test_each_reader_gets_their_own_links_and_nothing_else_differs(sent):
    issue, readers, by_address = sent
    first, second = (by_address[reader.email] for reader in readers)
    first_links = re.findall(r"https://news\.example\.org/subscriptions/[^\"\s<>]+", html_of(first))
    assert len(set(first_links)) == 2
    for link in first_links:
        assert link in first.body  # the text part carries the same personal links
    (unsubscribe,) = [link for link in first_links if "unsubscribe" in link]
    (preferences,) = [link for link in first_links if "preferences" in link]
    assert read_unsubscribe_token(token_of(unsubscribe)).subscriber_id == readers[0].pk
    assert read_preferences_token(token_of(preferences)).subscriber_id == readers[0].pk

    def without_links(text):
        return re.sub(r"https://news\.example\.org/subscriptions/[^\"\s<>]+", "LINK", text)

    assert without_links(html_of(first)) == without_links(html_of(second))
    assert without_links(first.body) == without_links(second.body)


def test_html_is_inlined_and_carries_the_issue(sent, settings):
    issue, readers, by_address = sent
    html = html_of(by_address[readers[0].email])

    # Inlined: styles sit on the elements; only the mobile media query stays in <style>.
    assert 'class="card-headline" style="' in html
    style_blocks = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert len(style_blocks) == 1 and style_blocks[0].strip().startswith("@media")
    assert issue.preheader in html
    assert "Good morning. The council finally voted" in html
    for article in issue.articles.all():
        assert article.headline in html
        assert f'href="https://news.example.org{article.get_absolute_url()}"' in html
    assert f'href="https://news.example.org{issue.get_absolute_url()}"' in html
    assert "View this email in your browser" in html
    assert settings.NEWSLETTER_POSTAL_ADDRESS in html
    assert "because you subscribed to it at The Newsroom" in html


def test_no_tracking_pixels_or_redirect_links(sent):
    issue, readers, by_address = sent
    html = html_of(by_address[readers[0].email])
    assert "<img" not in html  # the stories here have no photos, and nothing else is an image
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert all(
        href.startswith(("https://news.example.org/", "https://example.org/")) for href in hrefs
    )


def test_text_part(sent, settings):
    issue, readers, by_address = sent
    text = by_address[readers[0].email].body
    assert text.startswith("MORNING BRIEFING")
    assert issue.subject in text and issue.preheader in text
    assert "budget (https://example.org/budget)" in text
    assert "<p>" not in text and "</a>" not in text
    for article in issue.articles.all():
        assert article.headline in text
        assert f"Read the story: https://news.example.org{article.get_absolute_url()}" in text
    assert settings.NEWSLETTER_POSTAL_ADDRESS in text


def test_story_card_photo_comes_from_a_rendition(newsletter, section, settings):
    photo = PhotoFactory()
    ensure_renditions(photo)
    with_photo = ArticleFactory(section=section, lead_photo=photo)
    without_renditions = ArticleFactory(section=section, lead_photo=PhotoFactory())
    issue = IssueFactory(newsletter=newsletter)
    add_stories(issue, [with_photo, without_renditions])

    html = render_issue(issue).html

    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1
    assert 'src="https://news.example.org/media/renditions/' in images[0]
    assert "-640.jpg" in images[0] and f'alt="{photo.alt_text}"' in images[0]
    assert without_renditions.headline in html


def test_only_published_stories_go_out(newsletter, section):
    issue = IssueFactory(newsletter=newsletter)
    live = ArticleFactory(section=section, headline="The tram line opens on Monday")
    add_stories(issue, [live])
    withdrawn = ArticleFactory(section=section, headline="A story taken down after publication")
    add_stories_at_end(issue, withdrawn)
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)
    future = ArticleFactory(
        section=section,
        headline="An embargoed report",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=1),
    )
    add_stories_at_end(issue, future)

    rendered = render_issue(issue)

    assert live.headline in rendered.html and live.headline in rendered.text
    for hidden in (withdrawn, future):
        assert hidden.headline not in rendered.html and hidden.headline not in rendered.text


def add_stories_at_end(issue, article):
    from newsletters.models import IssueStory

    IssueStory.objects.create(issue=issue, article=article, position=issue.issue_stories.count())


def test_test_send_goes_to_the_staff_address_with_real_links_for_subscribers(issue, newsletter):
    subscriber = audience(newsletter, 1)[0]
    services.send_test(issue=issue, to_email="Reader0@Example.org")
    (message,) = mail.outbox
    assert message.to == ["Reader0@Example.org"]
    assert message.subject == f"[Test] {issue.subject}"
    unsubscribe = re.search(r"<(https://[^>]+)>", message.extra_headers["List-Unsubscribe"])[1]
    assert read_unsubscribe_token(token_of(unsubscribe)).subscriber_id == subscriber.pk
    assert Delivery.objects.count() == 0


def test_test_send_to_a_non_subscriber_uses_the_public_page(issue):
    services.send_test(issue=issue, to_email="editor@example.org")
    (message,) = mail.outbox
    assert "https://news.example.org/newsletters/" in message.extra_headers["List-Unsubscribe"]


def test_personal_links_match_the_subscriptions_token_helpers(issue, newsletter):
    """The send loop builds the links itself (reverse once per batch): they must stay the same
    links `subscriptions.tokens` makes, so the unsubscribe and preference pages accept them."""
    from freezegun import freeze_time

    from subscriptions import tokens

    subscriber = audience(newsletter, 1)[0]
    with freeze_time("2025-05-01 08:00:00"):
        links = render_issue(issue).links_for(subscriber)
        assert links.unsubscribe_url == tokens.unsubscribe_url(subscriber, newsletter)
        assert links.preferences_url == tokens.preferences_url(subscriber)


def test_an_intro_with_blocks_renders_them_for_email(newsletter, section, settings):
    """Email needs absolute addresses and no iframes: a media embed is a link line, a photo
    a plain <img> from a rendition, a card a link to the story; the web page of the issue
    shows the media embed as on the site."""
    target = ArticleFactory(section=section, headline="The tram timetable, explained")
    draft = ArticleFactory(section=section, headline="Not out yet", status="draft")
    photo = PhotoFactory(caption="The new tram depot", credit="City Hall")
    ensure_renditions(photo)
    issue = IssueFactory(
        newsletter=newsletter,
        intro="<p>Good morning.</p>"
        + block("story", story=target.pk)
        + block("story", story=draft.pk, headline="Not out yet")
        + block("media", url="https://youtu.be/dQw4w9WgXcQ", title="The council vote")
        + block("photo", photo=photo.pk)
        + block("quote", text="It is about time.", attribution="A commuter"),
    )

    rendered = render_issue(issue)

    html = rendered.html
    assert f'href="https://news.example.org{target.get_absolute_url()}"' in html
    assert "The tram timetable, explained" in html and "Not out yet" not in html
    assert "<iframe" not in html and "youtube-nocookie" not in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    (image,) = re.findall(r'<img src="([^"]+)"', html)
    assert image.startswith("https://news.example.org/") and "-640." in image
    assert "The new tram depot" in html and "It is about time." in html
    text = rendered.text
    assert (
        f"The tram timetable, explained (https://news.example.org{target.get_absolute_url()})"
        in text
    )
    assert "Watch on YouTube (https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in text
    assert "It is about time." in text and "— A commuter" in text
    assert "<" not in text.split("View in your browser")[1].split("---")[0]
    # The issue's web page: the site's own rendering, the media embed as an iframe.
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in issue.intro_html
