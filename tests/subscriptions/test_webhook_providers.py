"""Bounce and complaint webhooks fail closed, for every supported email provider.

Only the provider named in EMAIL_WEBHOOK_PROVIDER has a URL, and it takes only posts that carry
that provider's signature (Mailgun, SendGrid, Resend) or our basic-auth secret (Amazon SES,
Brevo, Postmark). Each provider is tried as an attacker would: realistic bounce and complaint
events, for a subscriber and for an address never on a list, without credentials and with
wrong ones, must be refused and change nothing. The same events signed or authenticated the
way the provider does it are recorded: the control showing that the refusals come from the
credentials, not from a payload the endpoint could not have read anyway.
"""

import base64
import hashlib
import hmac
import json
import secrets
import socket
import time
import uuid
from datetime import UTC, datetime
from ipaddress import ip_address

import pytest
from anymail import urls as anymail_urls
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.apps import apps
from django.core.checks import run_checks
from django.urls import Resolver404, resolve
from django.urls.resolvers import RoutePattern

from subscriptions import services
from subscriptions.models import Subscriber
from tests.subscriptions.factories import active_subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBER = "reader@example.org"
STRANGER = "never-on-a-list@example.net"
BASIC_AUTH = "newsroom-hooks:Xq7-wY2p-Lk9d-Rt4s"
WRONG_BASIC_AUTH = "newsroom-hooks:guessed-password"

# Every URL anymail 15.2 can serve (its one regex route is spelled out).
ANYMAIL_PATHS = sorted(
    [
        f"/anymail/{pattern.pattern}"
        for pattern in anymail_urls.urlpatterns
        if isinstance(pattern.pattern, RoutePattern)
    ]
    + ["/anymail/mailgun/inbound/", "/anymail/mailgun/inbound_mime/"]
)


def basic(credentials):
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


def now():
    return int(time.time())


class BasicAuthProvider:
    """A provider anymail cannot verify by signature: our secret is in the webhook URL the
    provider is given (https://user:password@host/anymail/...), sent as basic auth."""

    content_type = "application/json"

    def __init__(self):
        self.settings = {"WEBHOOK_SECRET": BASIC_AUTH}

    def transport_headers(self, body):
        return {}

    def request(self, payload, credential):
        body = json.dumps(payload).encode()
        headers = self.transport_headers(body)
        if credential == "right":
            headers |= basic(BASIC_AUTH)
        elif credential == "wrong":
            headers |= basic(WRONG_BASIC_AUTH)
        return {"data": body, "content_type": self.content_type, "headers": headers}


class Postmark(BasicAuthProvider):
    name = "postmark"
    path = "/anymail/postmark/tracking/"

    def event(self, kind, email):
        # Postmark's bounce and spam-complaint webhooks (developer docs, "Bounce webhook").
        bounce = kind == "bounce"
        return {
            "RecordType": "Bounce" if bounce else "SpamComplaint",
            "MessageStream": "broadcast",
            "ID": 4323372036854775807,
            "Type": "HardBounce" if bounce else "SpamComplaint",
            "TypeCode": 1 if bounce else 512,
            "Name": "Hard bounce" if bounce else "Spam complaint",
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


class Brevo(BasicAuthProvider):
    name = "brevo"
    path = "/anymail/brevo/tracking/"

    def event(self, kind, email):
        # Brevo's transactional webhook ("hard_bounce", "spam").
        return {
            "event": "hard_bounce" if kind == "bounce" else "spam",
            "email": email,
            "id": 1164389,
            "date": "2026-03-02 10:15:12",
            "ts": now(),
            "message-id": "<202603020915.16347811812@smtp-relay.mailin.fr>",
            "ts_event": now(),
            "ts_epoch": now() * 1000,
            "subject": "Morning Briefing: the council votes",
            "tag": "newsletter",
            "sending_ip": "185.41.28.109",
            "reason": "550 5.1.1 The email account that you tried to reach does not exist.",
        }


class AmazonSES(BasicAuthProvider):
    """SES publishes to an SNS topic, which posts the notification to us. SNS signs it, but
    anymail does not check SNS signatures, so basic auth is the credential."""

    name = "amazon_ses"
    path = "/anymail/amazon_ses/tracking/"
    content_type = "text/plain; charset=UTF-8"
    topic = "arn:aws:sns:eu-central-1:123456789012:newsroom-ses-events"

    def event(self, kind, email):
        mail = {
            "timestamp": "2026-03-02T09:15:10.000Z",
            "source": "The Newsroom <newsroom@example.org>",
            "sourceArn": "arn:aws:ses:eu-central-1:123456789012:identity/example.org",
            "sendingAccountId": "123456789012",
            "messageId": "0107018e1a2b3c4d-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9-000000",
            "destination": [email],
            "headersTruncated": False,
            "headers": [{"name": "Subject", "value": "Morning Briefing: the council votes"}],
        }
        if kind == "bounce":
            ses_event = {
                "eventType": "Bounce",
                "bounce": {
                    "bounceType": "Permanent",
                    "bounceSubType": "General",
                    "bouncedRecipients": [
                        {
                            "emailAddress": email,
                            "action": "failed",
                            "status": "5.1.1",
                            "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                        }
                    ],
                    "timestamp": "2026-03-02T09:15:12.000Z",
                    "feedbackId": "0107018e1a2b3c4d-aaaa-bbbb-cccc-dddddddddddd-000000",
                    "reportingMTA": "dns; a8-30.smtp-out.amazonses.com",
                },
                "mail": mail,
            }
        else:
            ses_event = {
                "eventType": "Complaint",
                "complaint": {
                    "complainedRecipients": [{"emailAddress": email}],
                    "timestamp": "2026-03-02T09:20:00.000Z",
                    "feedbackId": "0107018e1a2b3c4d-eeee-ffff-0000-111111111111-000000",
                    "userAgent": "Yahoo!-Mail-Feedback/2.0",
                    "complaintFeedbackType": "abuse",
                },
                "mail": mail,
            }
        return {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": self.topic,
            "Message": json.dumps(ses_event),
            "Timestamp": "2026-03-02T09:15:13.000Z",
            "SignatureVersion": "1",
            "Signature": base64.b64encode(secrets.token_bytes(256)).decode(),
            "SigningCertURL": "https://sns.eu-central-1.amazonaws.com/"
            "SimpleNotificationService-0000000000000000000000.pem",
            "UnsubscribeURL": "https://sns.eu-central-1.amazonaws.com/?Action=Unsubscribe",
        }

    def transport_headers(self, body):
        message = json.loads(body)
        return {
            "x-amz-sns-message-type": message["Type"],
            "x-amz-sns-message-id": message["MessageId"],
            "x-amz-sns-topic-arn": self.topic,
            "User-Agent": "Amazon Simple Notification Service Agent",
        }


class Mailgun:
    """Mailgun signs each event: HMAC-SHA256 of timestamp + token with the webhook signing key,
    in the body's "signature" block."""

    name = "mailgun"
    path = "/anymail/mailgun/tracking/"

    def __init__(self):
        self.key = secrets.token_hex(16)
        self.settings = {"MAILGUN_WEBHOOK_SIGNING_KEY": self.key}

    def event(self, kind, email):
        data = {
            "id": "G9Bn5sl1TC6nu79C8C0bwg",
            "timestamp": time.time(),
            "log-level": "error" if kind == "bounce" else "warn",
            "recipient": email,
            "recipient-domain": email.split("@")[1],
            "tags": ["newsletter"],
            "user-variables": {},
            "message": {
                "headers": {
                    "to": email,
                    "message-id": "20260302091510.1.ABCDEF0123456789@mg.example.org",
                    "from": "The Newsroom <newsroom@example.org>",
                    "subject": "Morning Briefing: the council votes",
                },
                "size": 18342,
            },
        }
        if kind == "bounce":
            data |= {
                "event": "failed",
                "severity": "permanent",
                "reason": "bounce",
                "delivery-status": {
                    "attempt-no": 1,
                    "code": 550,
                    "message": "5.1.1 The email account that you tried to reach does not exist.",
                    "description": "",
                    "session-seconds": 0.41,
                },
            }
        else:
            data |= {"event": "complained"}
        return {"event-data": data}

    def request(self, payload, credential):
        timestamp, token = str(now()), secrets.token_hex(25)
        key = self.key if credential == "right" else secrets.token_hex(16)
        signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
        if credential != "none":
            payload = {
                "signature": {
                    "timestamp": timestamp,
                    "token": token,
                    "signature": signature.hexdigest(),
                },
                **payload,
            }
        return {"data": json.dumps(payload), "content_type": "application/json"}


class SendGrid:
    """SendGrid's signed event webhook: ECDSA (P-256, SHA-256) over timestamp + body, verified
    with the public key SendGrid shows once signing is on."""

    name = "sendgrid"
    path = "/anymail/sendgrid/tracking/"

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.settings = {
            "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": base64.b64encode(public).decode()
        }

    def event(self, kind, email):
        event = {
            "email": email,
            "timestamp": now(),
            "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
            "sg_event_id": "c2VuZGdyaWQtZXZlbnQtaWQ",
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
            "category": ["newsletter"],
        }
        if kind == "bounce":
            event |= {
                "event": "bounce",
                "type": "bounce",
                "status": "5.1.1",
                "reason": "550 5.1.1 The email account that you tried to reach does not exist.",
                "bounce_classification": "Invalid Address",
            }
        else:
            event |= {"event": "spamreport"}
        return [event]

    def request(self, payload, credential):
        body = json.dumps(payload).encode()
        timestamp = str(now())
        headers = {}
        if credential != "none":
            key = (
                self.private_key
                if credential == "right"
                else ec.generate_private_key(ec.SECP256R1())
            )
            signature = key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
            headers = {
                "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
                "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
            }
        return {"data": body, "content_type": "application/json", "headers": headers}


class Resend:
    """Resend delivers through Svix: HMAC-SHA256 of "id.timestamp.body" with the base64 key in
    the whsec_ signing secret, in the svix-signature header."""

    name = "resend"
    path = "/anymail/resend/tracking/"

    def __init__(self):
        self.secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        self.settings = {"RESEND_SIGNING_SECRET": self.secret}

    def event(self, kind, email):
        created = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        data = {
            "created_at": created,
            "email_id": "56761188-7520-42d8-8898-ff6fc54ce618",
            "from": "The Newsroom <newsroom@example.org>",
            "to": [email],
            "subject": "Morning Briefing: the council votes",
        }
        if kind == "bounce":
            data["bounce"] = {
                "message": "The recipient's email provider sent a hard bounce message, "
                "and we've suppressed sending to this address to protect your reputation.",
                "subType": "General",
                "type": "Permanent",
            }
        return {
            "type": "email.bounced" if kind == "bounce" else "email.complained",
            "created_at": created,
            "data": data,
        }

    def request(self, payload, credential):
        body = json.dumps(payload)
        message_id, timestamp = f"msg_{secrets.token_hex(12)}", str(now())
        headers = {"svix-id": message_id, "svix-timestamp": timestamp}
        if credential != "none":
            secret = self.secret if credential == "right" else Resend().secret
            key = base64.b64decode(secret.removeprefix("whsec_"))
            signed = f"{message_id}.{timestamp}.{body}".encode()
            digest = hmac.new(key, signed, hashlib.sha256).digest()
            headers["svix-signature"] = "v1," + base64.b64encode(digest).decode()
        return {"data": body, "content_type": "application/json", "headers": headers}


PROVIDERS = {p.name: p for p in [AmazonSES, Brevo, Mailgun, Postmark, Resend, SendGrid]}


def is_loopback(host):
    try:
        return host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """A webhook must never reach out (anymail's SES view could fetch from AWS): any connection
    beyond this machine fails the test. The test database and Redis are on loopback."""
    original = socket.socket.connect

    def connect(sock, address):
        if isinstance(address, tuple) and not is_loopback(address[0]):
            pytest.fail(f"a webhook tried to connect to {address}")
        return original(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(params=sorted(PROVIDERS))
def provider(request, webhook_provider):
    chosen = PROVIDERS[request.param]()
    webhook_provider(chosen.name, **chosen.settings)
    return chosen


def database_state():
    """Every row of every subscriptions table (and so the target subscriber's status,
    subscriptions, consent events and any suppression)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("subscriptions").get_models()
    }


def post(client, provider, payload, credential):
    return client.post(provider.path, **provider.request(payload, credential))


def test_only_the_named_providers_tracking_url_is_mounted(client, provider):
    assert resolve(provider.path)
    assert client.head(provider.path).status_code == 200
    for path in ANYMAIL_PATHS:
        if path == provider.path:
            continue
        with pytest.raises(Resolver404):
            resolve(path)
        signed = provider.request(provider.event("bounce", SUBSCRIBER), "right")
        assert client.post(path, **signed).status_code == 404, path


@pytest.mark.parametrize("credential", ["none", "wrong"])
@pytest.mark.parametrize("kind", ["bounce", "complaint"])
@pytest.mark.parametrize("target", [SUBSCRIBER, STRANGER])
def test_forged_events_are_refused_and_change_nothing(
    client, newsletter, provider, credential, kind, target
):
    active_subscriber(newsletter, email=SUBSCRIBER)
    before = database_state()

    response = post(client, provider, provider.event(kind, target), credential)

    assert 400 <= response.status_code < 500, response.status_code
    assert database_state() == before
    assert Subscriber.objects.get(email=SUBSCRIBER).status == Subscriber.Status.ACTIVE
    assert not services.is_suppressed(target)


def test_authentic_events_are_recorded(client, newsletter, provider):
    bounced = active_subscriber(newsletter, email="gone@example.org")
    angry = active_subscriber(newsletter, email="angry@example.org")

    for kind, email in [
        ("bounce", "gone@example.org"),
        ("complaint", "angry@example.org"),
        ("bounce", STRANGER),
    ]:
        response = post(client, provider, provider.event(kind, email), "right")
        assert response.status_code == 200, (kind, email, response.content)

    bounced.refresh_from_db()
    angry.refresh_from_db()
    assert bounced.status == Subscriber.Status.BOUNCED
    assert bounced.events.filter(kind="bounce").count() == 1
    assert angry.status == Subscriber.Status.COMPLAINED
    assert not services.active_recipients(newsletter).exists()
    assert services.is_suppressed("gone@example.org") and services.is_suppressed(STRANGER)


def test_without_a_named_provider_no_webhook_url_exists(client, newsletter):
    """The default configuration: every /anymail/ path is a 404, even for a post carrying
    what would be valid credentials, and nothing changes."""
    active_subscriber(newsletter, email=SUBSCRIBER)
    before = database_state()
    postmark = Postmark()
    forged = postmark.request(postmark.event("bounce", SUBSCRIBER), "right")

    for path in ANYMAIL_PATHS:
        with pytest.raises(Resolver404):
            resolve(path)
        assert client.post(path, **forged).status_code == 404, path
        assert client.head(path).status_code == 404, path

    assert database_state() == before
    assert not services.is_suppressed(SUBSCRIBER)


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_a_named_provider_without_its_credential_is_not_mounted_and_check_deploy_says_so(
    client, newsletter, webhook_provider, name
):
    """In-process (start-up refuses this with DEBUG off: tests/security/
    test_production_settings.py): the endpoint stays closed, and the deploy check names it.
    A Mailgun event signed with the empty key, which anymail would accept with an empty
    MAILGUN_WEBHOOK_SIGNING_KEY, is refused too."""
    chosen = PROVIDERS[name]()
    # Only a credential of the other kind: basic auth does not stand in for a signing key,
    # and another provider's signing key is no secret for a basic-auth provider.
    if "WEBHOOK_SECRET" in chosen.settings:
        webhook_provider(name, **Mailgun().settings)
    else:
        webhook_provider(name, WEBHOOK_SECRET=BASIC_AUTH)
    active_subscriber(newsletter, email=SUBSCRIBER)
    before = database_state()

    for credential in ["none", "wrong", "right"]:
        response = post(client, chosen, chosen.event("bounce", SUBSCRIBER), credential)
        assert response.status_code == 404, credential
    empty_key = hmac.new(b"", b"1772442912token", hashlib.sha256).hexdigest()
    mailgun_forgery = {
        "signature": {"timestamp": "1772442912", "token": "token", "signature": empty_key},
        **Mailgun().event("bounce", SUBSCRIBER),
    }
    assert (
        client.post(
            Mailgun.path, json.dumps(mailgun_forgery), content_type="application/json"
        ).status_code
        == 404
    )

    assert database_state() == before
    errors = [m for m in run_checks(include_deployment_checks=True) if m.id == "webhooks.E002"]
    assert len(errors) == 1 and name in errors[0].msg


@pytest.mark.parametrize(
    "name, anymail, problem",
    [
        ("postmark", {"WEBHOOK_SECRET": "no-colon-here"}, "user:password"),
        ("amazon_ses", {"WEBHOOK_SECRET": ":password-only"}, "user:password"),
        ("sendgrid", {"SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": "bm90IGEga2V5"}, "key"),
        ("resend", {"RESEND_SIGNING_SECRET": "not-a-svix-secret"}, "whsec_"),
    ],
)
def test_a_malformed_credential_is_reported_and_not_mounted(
    client, webhook_provider, name, anymail, problem
):
    webhook_provider(name, **anymail)

    assert client.post(PROVIDERS[name].path, content_type="application/json").status_code == 404
    errors = [m for m in run_checks(include_deployment_checks=True) if m.id == "webhooks.E002"]
    assert len(errors) == 1 and problem in errors[0].msg


def test_an_unknown_provider_is_reported(webhook_provider):
    webhook_provider("postmak", WEBHOOK_SECRET=BASIC_AUTH)

    errors = [m for m in run_checks(include_deployment_checks=True) if m.id == "webhooks.E001"]
    assert len(errors) == 1 and "postmak" in errors[0].msg


@pytest.mark.parametrize("credential", ["none", "wrong"])
def test_a_forged_sns_subscription_confirmation_is_refused_without_reaching_out(
    client, webhook_provider, credential
):
    """With the secret, anymail confirms an SNS subscription by calling AWS; a stranger's
    confirmation request must be refused before that (_no_network fails the test otherwise)."""
    ses = AmazonSES()
    webhook_provider(ses.name, **ses.settings)
    message = {
        "Type": "SubscriptionConfirmation",
        "MessageId": str(uuid.uuid4()),
        "Token": secrets.token_hex(64),
        "TopicArn": "arn:aws:sns:eu-central-1:666666666666:attacker-topic",
        "Message": "You have chosen to subscribe to the topic. To confirm, visit SubscribeURL.",
        "SubscribeURL": "https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription",
        "Timestamp": "2026-03-02T09:15:13.000Z",
        "SignatureVersion": "1",
        "Signature": base64.b64encode(secrets.token_bytes(256)).decode(),
        "SigningCertURL": "https://sns.eu-central-1.amazonaws.com/SimpleNotificationService.pem",
    }

    response = client.post(ses.path, **ses.request(message, credential))

    assert 400 <= response.status_code < 500
