import re
from datetime import timedelta

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from core.clientip import client_ip
from subscriptions import services, tokens
from subscriptions.models import ConsentEvent, Subscriber
from tests.subscriptions.factories import SubscriptionFactory, active_subscriber

pytestmark = pytest.mark.django_db
SIGNUP = "/subscriptions/signup/"
PREFERENCES_QUERIES = 3
THANKS = "Thank you for signing up. We&#x27;ve sent you a confirmation email."


@pytest.fixture
def post_signup(client, django_capture_on_commit_callbacks):
    def post(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP, data, **extra)

    return post


def test_signup_page_lists_public_newsletters(client, newsletter, weekly):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Morning Briefing" in content and "Weekend Reads" in content
    assert "csrfmiddlewaretoken" not in content


def test_bad_address_rerenders_with_message_and_keeps_what_was_typed(post_signup, newsletter):
    response = post_signup({"email": "reader@@example", "newsletters": "morning"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Please enter a correct email address" in content
    assert 'value="reader@@example"' in content
    assert 'aria-invalid="true"' in content
    assert not Subscriber.objects.exists()


def test_good_address_thanks_the_reader_and_sends_a_confirmation(client, post_signup, newsletter):
    response = post_signup(
        {"email": "reader@example.org", "newsletters": "morning", "next": "/some-story/"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("subscriptions:signup_thanks"))
    page = client.get(response["Location"])
    assert THANKS in page.content.decode()
    assert 'href="/some-story/"' in page.content.decode()
    assert Subscriber.objects.get().status == "pending"
    assert len(mail.outbox) == 1


def test_thanks_page_ignores_offsite_next(client):
    page = client.get(reverse("subscriptions:signup_thanks") + "?next=https://evil.example/")
    assert "evil.example" not in page.content.decode()


def test_json_answers_for_the_in_place_form(post_signup, newsletter):
    bad = post_signup(
        {"email": "nope", "newsletters": "morning"}, headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "ok": False,
        "errors": {"email": ["Please enter a correct email address"]},
    }

    good = post_signup(
        {"email": "a@example.org", "newsletters": "morning"}, headers={"Accept": "application/json"}
    )
    assert good.json()["message"] == (
        "Thank you for signing up. We've sent you a confirmation email."
    )


def test_known_and_unknown_addresses_get_the_same_answer(post_signup, newsletter):
    active_subscriber(newsletter, email="known@example.org")
    known = post_signup({"email": "KNOWN@example.org ", "newsletters": "morning"})
    unknown = post_signup({"email": "new@example.org", "newsletters": "morning"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Subscriber.objects.count() == 2


def test_honeypot_creates_nothing_and_sends_nothing(post_signup, newsletter):
    response = post_signup(
        {"email": "bot@example.org", "newsletters": "morning", "website": "http://spam.example"}
    )
    assert response.status_code == 302  # looks like success to the bot
    assert not Subscriber.objects.exists()
    assert not ConsentEvent.objects.exists()
    assert mail.outbox == []


def test_per_ip_rate_limit_refuses_politely_and_creates_nothing(settings, post_signup, newsletter):
    settings.SIGNUP_RATE_LIMIT_PER_IP = "2/h"
    for n in range(2):
        response = post_signup({"email": f"r{n}@example.org", "newsletters": "morning"})
        assert response.status_code == 302

    refused = post_signup({"email": "r3@example.org", "newsletters": "morning"})

    assert refused.status_code == 429
    assert "Please try again" in refused.content.decode()
    assert not Subscriber.objects.filter(email="r3@example.org").exists()
    assert len(mail.outbox) == 2


def test_per_address_rate_limit_counts_every_spelling(settings, post_signup, newsletter):
    settings.SIGNUP_RATE_LIMIT_PER_ADDRESS = "2/h"
    for n, spelling in enumerate(["x@example.org", " X@Example.org", "x@EXAMPLE.org"]):
        response = post_signup(
            {"email": spelling, "newsletters": "morning"}, REMOTE_ADDR=f"198.51.100.{n + 1}"
        )
    assert response.status_code == 429
    assert ConsentEvent.objects.filter(kind="signup").count() == 2


def test_forwarded_for_is_believed_only_from_trusted_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.8")
    assert client_ip(request) == "10.0.0.5"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request) == "203.0.113.8"  # the hop our proxy saw, not a spoofed one
    direct = factory.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(direct) == "198.51.100.1"


def pending(newsletter, email="p@example.org"):
    """A signup (its email is not sent: the test transaction never commits)."""
    return services.subscribe(email=email, newsletters=[newsletter])


def confirmation_url(subscriber):
    return tokens.confirmation_url(subscriber.confirmation_requests.get())


def test_confirm_link_activates_and_welcomes(client, newsletter):
    subscriber = pending(newsletter)
    url = confirmation_url(subscriber)
    assert "Yes, subscribe me" in client.get(url).content.decode()

    response = client.post(url)

    assert response.status_code == 200
    assert "Welcome" in response.content.decode()
    assert "Morning Briefing" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


def test_expired_link_offers_a_fresh_email(client, newsletter, django_capture_on_commit_callbacks):
    subscriber = pending(newsletter)
    url = confirmation_url(subscriber)
    with freeze_time(timezone.now() + timedelta(days=8)):
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "expired" in content and "Send me a new link" in content
        token = re.search(r'name="token" value="([^"]+)"', content).group(1)
        with django_capture_on_commit_callbacks(execute=True):
            resent = client.post(reverse("subscriptions:resend_confirmation"), {"token": token})
    assert resent.status_code == 200
    assert len(mail.outbox) == 1
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"


def test_tampered_link_shows_a_page_not_an_error(client, newsletter):
    subscriber = pending(newsletter)
    url = confirmation_url(subscriber)
    response = client.get(url[:-3] + "xyz/")
    assert response.status_code == 400
    assert "doesn" in response.content.decode()  # "This link doesn't work"
    assert 'name="email"' in response.content.decode()


def test_resend_by_address_never_reveals_anything(
    client, newsletter, django_capture_on_commit_callbacks
):
    pending(newsletter, "waiting@example.org")
    url = reverse("subscriptions:resend_confirmation")
    # The email is queued once the request's work commits, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "waiting@example.org"})
        unknown = client.post(url, {"email": "stranger@example.org"})
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [["waiting@example.org"]]


def test_one_click_unsubscribe_post_needs_no_csrf_login_or_redirect(newsletter):
    subscriber = active_subscriber(newsletter)
    url = tokens.unsubscribe_url(subscriber, newsletter)
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert list(services.active_recipients(newsletter)) == []
    event = subscriber.events.get(kind="unsubscribe")
    assert event.method == "one-click (mail client)"


def test_unsubscribe_get_only_asks(client, newsletter):
    subscriber = active_subscriber(newsletter)
    url = tokens.unsubscribe_url(subscriber, newsletter)

    response = client.get(url)

    content = response.content.decode()
    assert f'action="{url.removeprefix("http://testserver")}"' in content
    assert "a link to choose which newsletters you get" in content
    assert list(services.active_recipients(newsletter)) == [subscriber]


def test_unsubscribed_page_offers_resubscribing(client, newsletter):
    subscriber = active_subscriber(newsletter)
    url = tokens.unsubscribe_url(subscriber, newsletter)
    done = client.post(url)
    assert "Re-subscribe to Morning Briefing" in done.content.decode()

    back = client.post(url.removeprefix("http://testserver") + "undo/")

    # Coming back is confirmed from the mailbox, not by the unsubscribe link (test_links.py).
    assert "sent a confirmation email" in back.content.decode()
    assert list(services.active_recipients(newsletter)) == []
    assert subscriber.subscriptions.get().status == "pending"


def test_bad_unsubscribe_token_is_a_friendly_page(client):
    response = client.post("/subscriptions/unsubscribe/garbage/")
    assert response.status_code == 400
    assert "doesn" in response.content.decode()


def test_preferences_page_switches_newsletters(
    client, newsletter, weekly, django_assert_num_queries, shared_blocks
):
    subscriber = active_subscriber(newsletter)
    url = tokens.preferences_url(subscriber)
    client.get(url)  # warms the shared blocks and data
    # the subscriber, their subscriptions, the newsletters offered
    with django_assert_num_queries(PREFERENCES_QUERIES):
        page = client.get(url)
    assert page.status_code == 200

    response = client.post(url, {"newsletters": [weekly.pk], "save": "1"})

    assert "Your choices are saved" in response.content.decode()
    assert list(services.active_recipients(weekly)) == [subscriber]
    assert list(services.active_recipients(newsletter)) == []

    client.post(url, {"newsletters": [weekly.pk], "leave_all": "1"})
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_preferences_page_query_count_does_not_grow_with_newsletters(
    client, newsletter, django_assert_num_queries, shared_blocks
):
    subscriber = active_subscriber(newsletter)
    for _ in range(6):
        SubscriptionFactory(subscriber=subscriber)
    client.get(tokens.preferences_url(subscriber))  # warms the navigation cache
    with django_assert_num_queries(PREFERENCES_QUERIES):
        client.get(tokens.preferences_url(subscriber))


def render_box(newsletters):
    template = Template("{% load subscriptions_tags %}{% newsletter_signup newsletters %}")
    request = RequestFactory().get("/stories/a-story/")
    return template.render(Context({"newsletters": newsletters, "request": request}))


def test_signup_box_for_one_newsletter(newsletter):
    html = render_box([newsletter])
    assert "Morning Briefing" in html and newsletter.description in html
    assert '<input type="hidden" name="newsletters" value="morning">' in html
    assert 'name="website"' in html  # the honeypot
    # One copy for every page: the browser (or the Referer) says where to return.
    assert '<input type="hidden" name="next" value="">' in html
    assert "/stories/a-story/" not in html
    assert "csrfmiddlewaretoken" not in html
    assert f'action="{reverse("subscriptions:signup")}"' in html


def test_signup_box_for_several_newsletters_has_a_checkbox_each(newsletter, weekly):
    html = render_box([newsletter, weekly])
    assert html.count('type="checkbox" name="newsletters"') == 2


def test_signup_box_renders_nothing_without_newsletters(db):
    assert render_box([]).strip() == ""


def test_the_consent_stored_is_the_sentence_the_reader_saw(post_signup, client, newsletter):
    page = client.get("/").content.decode()
    post_signup({"email": "r@example.org", "newsletters": "morning"})

    consent = Subscriber.objects.get().consent_text
    assert consent.startswith("We'll email you Morning Briefing and nothing else.")
    assert consent.replace("'", "&#x27;") in page
