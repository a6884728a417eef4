"""The links in subscriber emails (issue 10, point 5).

- A confirmation link opens a page; only its button (a POST) confirms, so a mail scanner that
  fetches every link confirms nothing. It confirms what that one signup asked for, once.
- "Changed your mind?" on the unsubscribe page sends a fresh confirmation email: an
  unsubscribe link is never a credential to switch a newsletter back on.
- Every link carries the subscriber's token version: erasure and complaints revoke them all.
- A retired SECRET_KEY kept in SECRET_KEY_FALLBACKS keeps every link already sent working.
- Nothing a stranger typed into the signup form is repeated in the confirmation email.
"""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from subscriptions import bounces, erasure, services, tokens
from subscriptions.models import Subscriber
from tests.browser_utils import PHONE, chromium, screenshot, serve_site_only
from tests.security.test_production_settings import PRODUCTION_ENV, run_python
from tests.subscriptions.factories import active_subscriber

pytestmark = pytest.mark.django_db
CONFIRM_LINK = r"http://testserver(/subscriptions/confirm/[^\s\"<]+/)"
OLD_KEY = "retired-signing-key-" + "r7Tw" * 12
NEW_KEY = "current-signing-key-" + "Kp4z" * 12


@pytest.fixture(autouse=True)
def _every_signup_gets_its_email(settings):
    # The ten-minute throttle would hold back the second signup's email in these tests.
    settings.CONFIRMATION_RESEND_INTERVAL_SECONDS = 0


def tables():
    """Every row of every subscriptions table (through tables too), to prove nothing changed."""
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("subscriptions").get_models(include_auto_created=True)
    }


def sign_up(capture, email, *newsletters, first_name=""):
    """A signup as the form makes it; returns the path of the link its email carries."""
    before = len(mail.outbox)
    with capture(execute=True):
        services.subscribe(email=email, newsletters=newsletters, first_name=first_name)
    assert len(mail.outbox) == before + 1, "the signup sent no confirmation email"
    return re.search(CONFIRM_LINK, mail.outbox[-1].body)[1]


def press_the_button(client, path):
    """What a browser without JavaScript does: GET the page, submit its one form."""
    page = client.get(path)
    assert page.status_code == 200
    content = page.content.decode()
    form = re.search(r'<form[^>]*method="post"[^>]*>(.*?)</form>', content, re.DOTALL)
    assert form, "the confirmation page has no form to press"
    action = re.search(r'action="([^"]*)"', form[0])
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form[1]))
    return client.post(html.unescape(action[1]) if action else path, fields)


def statuses(subscriber):
    return dict(subscriber.subscriptions.values_list("newsletter__slug", "status"))


# --- Confirmation: a page, then a POST ------------------------------------------------------


def test_opening_the_confirmation_link_shows_a_button_and_changes_nothing(
    client, newsletter, django_capture_on_commit_callbacks
):
    path = sign_up(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    before = tables()

    for _ in range(3):  # a scanner, a preview pane, the reader: any number of fetches
        page = client.get(path)
        head = client.head(path)

    assert page.status_code == 200 and head.status_code == 200
    content = page.content.decode()
    assert "Morning Briefing" in content
    assert re.search(r'<form[^>]*method="post"', content)
    assert "Yes, subscribe me" in content
    assert "no-store" in page["Cache-Control"]
    assert tables() == before
    assert Subscriber.objects.get().status == "pending"


def test_the_button_confirms_without_javascript_and_with_csrf_checks(
    newsletter, django_capture_on_commit_callbacks
):
    path = sign_up(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    browser_like = Client(enforce_csrf_checks=True)

    done = press_the_button(browser_like, path)

    assert done.status_code == 200
    assert "Your subscription is confirmed" in done.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "active"
    assert list(services.active_recipients(newsletter)) == [subscriber]


def test_a_blind_post_to_the_link_is_refused_and_changes_nothing(
    newsletter, django_capture_on_commit_callbacks
):
    """A scanner or script that POSTs the bare link (no page, no form token) confirms nothing."""
    path = sign_up(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    before = tables()

    refused = Client(enforce_csrf_checks=True).post(path)

    assert refused.status_code == 403
    assert tables() == before


def test_a_link_confirms_only_what_its_own_signup_asked_for(
    client, newsletter, weekly, django_capture_on_commit_callbacks
):
    # A stranger signs the address up for one newsletter; the owner later signs up for another.
    stranger = sign_up(django_capture_on_commit_callbacks, "owner@example.org", weekly)
    owner = sign_up(django_capture_on_commit_callbacks, "owner@example.org", newsletter)
    subscriber = Subscriber.objects.get()

    press_the_button(client, owner)
    assert statuses(subscriber) == {"morning": "active", "weekend": "pending"}

    press_the_button(client, stranger)
    assert statuses(subscriber) == {"morning": "active", "weekend": "active"}


def test_an_earlier_link_does_not_confirm_a_later_signup(
    client, newsletter, weekly, django_capture_on_commit_callbacks
):
    first = sign_up(django_capture_on_commit_callbacks, "owner@example.org", newsletter)
    sign_up(django_capture_on_commit_callbacks, "owner@example.org", weekly)
    subscriber = Subscriber.objects.get()

    press_the_button(client, first)

    assert statuses(subscriber) == {"morning": "active", "weekend": "pending"}
    assert "Weekend Reads" not in client.get(first).content.decode()


def test_a_link_works_once(client, newsletter, django_capture_on_commit_callbacks):
    path = sign_up(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    subscriber = Subscriber.objects.get()
    press_the_button(client, path)
    # The reader leaves; the same address is signed up again (by anyone).
    services.unsubscribe(subscriber=subscriber)
    sign_up(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    before = tables()

    again = client.post(path)

    assert again.status_code == 409
    assert "already been used" in again.content.decode()
    assert tables() == before
    assert statuses(subscriber) == {"morning": "pending"}
    page = client.get(path)
    assert "already been used" in page.content.decode()
    assert 'method="post"' not in page.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_confirming_in_a_browser_without_javascript(live_server, settings, newsletter):
    settings.SITE_URL = live_server.url
    services.subscribe(email="reader@example.org", newsletters=[newsletter])
    [message] = mail.outbox
    link = re.search(rf"{re.escape(live_server.url)}/subscriptions/confirm/\S+/", message.body)[0]
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = context.new_page()
        serve_site_only(page, live_server.url)
        page.goto(link)
        expect(page.locator("h1")).to_contain_text("Confirm")
        assert Subscriber.objects.get().status == "pending"
        screenshot(page, "subscriptions-confirm-page-phone")
        page.get_by_role("button", name="Yes, subscribe me").click()
        expect(page.locator(".notice")).to_have_text("Your subscription is confirmed.")
        context.close()
    assert Subscriber.objects.get().status == "active"


# --- Re-subscribing from the unsubscribe page -----------------------------------------------


def test_resubscribing_from_the_unsubscribe_page_sends_a_fresh_confirmation(
    client, smtp_server, newsletter, django_capture_on_commit_callbacks
):
    subscriber = active_subscriber(newsletter, email="leaver@example.org")
    unsubscribe = urlsplit(tokens.unsubscribe_url(subscriber, newsletter)).path
    left = client.post(unsubscribe)
    assert "Re-subscribe to Morning Briefing" in left.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(unsubscribe + "undo/")

    assert back.status_code == 200
    assert "confirmation email" in back.content.decode()
    assert statuses(subscriber) == {"morning": "pending"}
    assert list(services.active_recipients(newsletter)) == []
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "leaver@example.org"
    assert message["Subject"] == "Please confirm your subscription to Morning Briefing"
    link = re.search(CONFIRM_LINK, smtp_server.body(message))[1]

    press_the_button(client, link)

    assert list(services.active_recipients(newsletter)) == [subscriber]


def test_the_unsubscribe_page_hands_out_no_other_credential(client, newsletter, weekly):
    """A preference link on the unsubscribe page would switch newsletters back on unconfirmed."""
    subscriber = active_subscriber(newsletter)
    url = tokens.unsubscribe_url(subscriber, newsletter)

    for page in (client.get(url), client.post(url), client.post(url + "undo/")):
        assert "/subscriptions/preferences/" not in page.content.decode()
    assert "/subscriptions/preferences/" not in client.get(url + "undo/").get("Location", "")


def test_an_unsubscribe_link_for_every_newsletter_switches_nothing_on(client, newsletter):
    subscriber = active_subscriber(newsletter)
    services.unsubscribe(subscriber=subscriber)
    url = tokens.unsubscribe_url(subscriber)
    before = tables()

    response = client.post(url + "undo/")

    assert "/subscriptions/preferences/" not in response.get("Location", "")
    assert tables() == before


# --- Revoking every link of one subscriber --------------------------------------------------


def complain(subscriber):
    bounces.record_complaint(email=subscriber.email, detail="Marked as spam")


def erase(subscriber):
    erasure.erase_subscriber(subscriber=subscriber)


def unsubscribe_link(subscriber, newsletter):
    return tokens.unsubscribe_url(subscriber, newsletter)


def undo_link(subscriber, newsletter):
    return tokens.unsubscribe_url(subscriber, newsletter) + "undo/"


def preferences_link(subscriber, newsletter):
    return tokens.preferences_url(subscriber)


@pytest.mark.parametrize("revoke", [complain, erase])
@pytest.mark.parametrize("make_link", [unsubscribe_link, undo_link, preferences_link])
def test_complaint_and_erasure_revoke_every_link(client, newsletter, weekly, revoke, make_link):
    subscriber = active_subscriber(newsletter)
    url = make_link(subscriber, newsletter)
    revoke(subscriber)
    before = tables()

    for response in (client.get(url), client.post(url, {"newsletters": [weekly.pk]})):
        assert response.status_code == 400
        assert "doesn" in response.content.decode()  # "This link doesn't work"

    assert tables() == before


@pytest.mark.parametrize("revoke", [complain, erase])
def test_a_revoked_confirmation_link_confirms_nothing(
    client, newsletter, django_capture_on_commit_callbacks, revoke
):
    path = sign_up(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    revoke(Subscriber.objects.get())
    before = tables()

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
    assert tables() == before


def test_a_link_made_after_the_complaint_still_opens(client, newsletter):
    """The version check refuses old links only: a fresh preference link shows the page."""
    subscriber = active_subscriber(newsletter)
    complain(subscriber)
    subscriber.refresh_from_db()

    page = client.get(tokens.preferences_url(subscriber))

    assert page.status_code == 200


def test_links_from_before_token_versions_keep_working(client, newsletter):
    """Unsubscribe links in emails sent before this change carry no version: they are version
    0, the version every subscriber starts at, so they work until a revocation."""
    subscriber = active_subscriber(newsletter)
    payload = {"s": subscriber.pk, "n": newsletter.pk}
    token = tokens.make_token(payload, salt=tokens.UNSUBSCRIBE_SALT)

    response = client.post(f"/subscriptions/unsubscribe/{token}/")

    assert response.status_code == 200
    assert list(services.active_recipients(newsletter)) == []


# --- Rotating SECRET_KEY ----------------------------------------------------------------------


def test_a_link_signed_with_the_retired_key_works_while_it_is_a_fallback(
    client, settings, newsletter, weekly, django_capture_on_commit_callbacks
):
    settings.SECRET_KEY = OLD_KEY
    leaver = active_subscriber(newsletter)
    unsubscribe = tokens.unsubscribe_url(leaver, newsletter)
    confirm = sign_up(django_capture_on_commit_callbacks, "new@example.org", weekly)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]

    assert client.post(unsubscribe).status_code == 200
    assert list(services.active_recipients(newsletter)) == []
    assert press_the_button(client, confirm).status_code == 200
    assert Subscriber.objects.get(email="new@example.org").status == "active"


def test_a_link_signed_with_a_dropped_key_is_refused(
    client, settings, newsletter, weekly, django_capture_on_commit_callbacks
):
    settings.SECRET_KEY = OLD_KEY
    leaver = active_subscriber(newsletter)
    unsubscribe = tokens.unsubscribe_url(leaver, newsletter)
    confirm = sign_up(django_capture_on_commit_callbacks, "new@example.org", weekly)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []
    before = tables()

    assert client.post(unsubscribe).status_code == 400
    assert client.get(confirm).status_code == 400
    assert client.post(confirm).status_code == 400
    assert tables() == before


def test_secret_key_fallbacks_come_from_the_environment():
    result = run_python(
        "import json, django; django.setup(); from django.conf import settings;"
        "print(json.dumps(settings.SECRET_KEY_FALLBACKS))",
        **PRODUCTION_ENV,
        SECRET_KEY_FALLBACKS=f"{OLD_KEY},{NEW_KEY}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f'["{OLD_KEY}", "{NEW_KEY}"]'


def test_production_refuses_the_public_development_key_as_a_fallback():
    result = run_python(
        "import newsroom.settings",
        **PRODUCTION_ENV,
        SECRET_KEY_FALLBACKS="insecure-dev-key-change-me",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY_FALLBACKS" in result.stderr


# --- What a stranger typed --------------------------------------------------------------------


@pytest.mark.parametrize("known", [False, True], ids=["new address", "known address"])
def test_the_confirmation_email_repeats_nothing_a_stranger_typed(
    client, newsletter, weekly, known, django_capture_on_commit_callbacks
):
    if known:  # an existing reader with no name on file: the stranger's name would be kept
        active_subscriber(newsletter, email="target@example.org", first_name="")
    typed = "Call 0800 FAKE BANK now"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/subscriptions/signup/",
            {"email": "target@example.org", "newsletters": "weekend", "first_name": typed},
        )

    [message] = mail.outbox
    assert "FAKE BANK" not in message.subject
    assert "FAKE BANK" not in message.body
    assert "FAKE BANK" not in message.alternatives[0][0]
    assert "FAKE BANK" not in str(message.message())
