"""Bounces and complaints arrive as real Postmark webhook posts through django-anymail."""

import base64
import json

import pytest

from subscriptions import services
from subscriptions.models import Subscriber
from tests.subscriptions.factories import active_subscriber

pytestmark = pytest.mark.django_db
URL = "/anymail/postmark/tracking/"


@pytest.fixture(autouse=True)
def _postmark(webhook_provider):
    webhook_provider("postmark", WEBHOOK_SECRET="hookuser:s3cret-pass")


def auth(credentials="hookuser:s3cret-pass"):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def postmark_bounce(email, bounce_type="HardBounce", type_code=1):
    # Shape of Postmark's bounce webhook (developer docs, "Bounce webhook").
    return {
        "RecordType": "Bounce",
        "MessageStream": "broadcast",
        "ID": 4323372036854775807,
        "Type": bounce_type,
        "TypeCode": type_code,
        "Name": "Hard bounce" if bounce_type == "HardBounce" else "Soft bounce",
        "Tag": "newsletter",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "newsroom@example.org",
        "BouncedAt": "2026-03-02T09:15:12Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Morning Briefing: the council votes",
        "Content": "",
    }


def postmark_complaint(email):
    payload = postmark_bounce(email, "SpamComplaint", 512)
    payload.update({"RecordType": "SpamComplaint", "Name": "Spam complaint"})
    return payload


def post(client, payload, **headers):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def test_hard_bounce_webhook_marks_bounced(client, newsletter):
    subscriber = active_subscriber(newsletter, email="gone@example.org")

    response = post(client, postmark_bounce("Gone@example.org"), **auth())

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "bounced"
    event = subscriber.events.get(kind="bounce")
    assert "Postmark" in event.detail and "HardBounce" in event.detail
    assert "550 5.1.1" in event.detail
    assert services.is_suppressed("gone@example.org")


def test_webhook_without_valid_credentials_is_refused(client, newsletter):
    subscriber = active_subscriber(newsletter, email="gone@example.org")

    assert post(client, postmark_bounce("gone@example.org")).status_code == 400
    wrong = post(client, postmark_bounce("gone@example.org"), **auth("hookuser:guess"))
    assert wrong.status_code == 400

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert not services.is_suppressed("gone@example.org")


def test_three_soft_bounces_by_webhook_mark_bounced(client, newsletter):
    subscriber = active_subscriber(newsletter, email="full@example.org")
    for expected in ["active", "active", "bounced"]:
        post(client, postmark_bounce("full@example.org", "SoftBounce", 4096), **auth())
        subscriber.refresh_from_db()
        assert subscriber.status == expected
    assert subscriber.events.filter(kind="soft_bounce").count() == 3


def test_complaint_webhook_unsubscribes_from_everything(client, newsletter, weekly):
    subscriber = active_subscriber(newsletter, email="angry@example.org")
    services.set_preferences(subscriber=subscriber, newsletters=[newsletter, weekly])

    response = post(client, postmark_complaint("angry@example.org"), **auth())

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "complained"
    assert not services.active_recipients(newsletter).exists()
    assert not services.active_recipients(weekly).exists()
    assert subscriber.events.filter(kind="complaint").count() == 2
