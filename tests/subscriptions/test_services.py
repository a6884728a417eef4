from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from subscriptions import bounces, erasure, services
from subscriptions.models import (
    ConsentEvent,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
)
from tests.subscriptions.factories import SubscriberFactory, SubscriptionFactory, active_subscriber

pytestmark = pytest.mark.django_db


def signup(capture, email, *newsletters, **kwargs):
    with capture(execute=True):
        return services.subscribe(email=email, newsletters=newsletters, ip="203.0.113.9", **kwargs)


def confirm_latest(subscriber, **kwargs):
    """What pressing the button behind the latest confirmation link does."""
    request = subscriber.confirmation_requests.first()
    return services.confirm(confirmation_request=request, **kwargs)


def test_signup_creates_pending_rows_history_and_one_confirmation(
    newsletter, django_capture_on_commit_callbacks
):
    subscriber = signup(django_capture_on_commit_callbacks, "  Reader@Example.ORG ", newsletter)

    assert subscriber.email == "reader@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_ip == "203.0.113.9"
    subscription = subscriber.subscriptions.get()
    assert (subscription.newsletter, subscription.status) == (newsletter, "pending")
    event = subscriber.events.get()
    assert (event.kind, event.method, event.ip_address) == ("signup", "web form", "203.0.113.9")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert "Morning Briefing" in message.subject
    assert "/subscriptions/confirm/" in message.body
    html = message.alternatives[0][0]
    assert 'style="' in html and "<style" not in html  # CSS inlined for mail clients


def test_signing_up_again_in_any_spelling_adds_no_rows(
    newsletter, django_capture_on_commit_callbacks
):
    signup(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    signup(django_capture_on_commit_callbacks, " READER@example.org", newsletter)
    signup(django_capture_on_commit_callbacks, "Reader@Example.org  ", newsletter)

    assert Subscriber.objects.count() == 1
    assert Subscription.objects.count() == 1
    # A pending address gets a fresh confirmation at most once per ten minutes.
    assert len(mail.outbox) == 1


def test_pending_address_gets_a_fresh_confirmation_after_ten_minutes(
    newsletter, django_capture_on_commit_callbacks
):
    with freeze_time("2026-03-02 09:00"):
        signup(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    with freeze_time("2026-03-02 09:09"):
        signup(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    assert len(mail.outbox) == 1
    with freeze_time("2026-03-02 09:11"):
        signup(django_capture_on_commit_callbacks, "reader@example.org", newsletter)
    assert len(mail.outbox) == 2


def test_known_active_address_gets_a_note_not_a_second_row(
    newsletter, django_capture_on_commit_callbacks
):
    subscriber = active_subscriber(newsletter, email="known@example.org")

    signup(django_capture_on_commit_callbacks, "Known@example.org", newsletter)

    assert Subscriber.objects.count() == 1
    assert subscriber.subscriptions.get().status == "active"
    assert len(mail.outbox) == 1
    assert "already subscribed" in mail.outbox[0].subject
    assert "/subscriptions/preferences/" in mail.outbox[0].body


def test_malformed_address_is_refused(newsletter):
    with pytest.raises(ValidationError):
        services.subscribe(email="not-an-address", newsletters=[newsletter])
    assert not Subscriber.objects.exists()


def test_suppressed_address_gets_no_rows_and_no_mail(
    newsletter, django_capture_on_commit_callbacks
):
    Suppression.objects.create(email_hash=email_hash("gone@example.org"), reason="bounced")

    assert signup(django_capture_on_commit_callbacks, "Gone@example.org", newsletter) is None
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_confirm_activates_pending_and_records_history(
    newsletter, weekly, django_capture_on_commit_callbacks
):
    subscriber = signup(django_capture_on_commit_callbacks, "a@example.org", newsletter, weekly)

    result = confirm_latest(subscriber, ip="198.51.100.4")

    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.confirmed_at is not None
    assert set(result.newly_confirmed) == {newsletter, weekly}
    assert set(subscriber.subscriptions.values_list("status", flat=True)) == {"active"}
    confirmations = subscriber.events.filter(kind="confirmation")
    assert confirmations.count() == 2
    assert set(confirmations.values_list("ip_address", flat=True)) == {"198.51.100.4"}
    assert list(services.active_recipients(newsletter)) == [subscriber]
    # A second click confirms nothing new and records nothing new.
    again = confirm_latest(subscriber)
    assert again.already_used and again.newly_confirmed == []
    assert subscriber.events.filter(kind="confirmation").count() == 2


def test_unsubscribe_one_newsletter_then_everything(newsletter, weekly):
    subscriber = active_subscriber(newsletter)
    SubscriptionFactory(subscriber=subscriber, newsletter=weekly)

    left = services.unsubscribe(subscriber=subscriber, newsletter=weekly, method="one-click")
    assert left == [weekly]
    subscriber.refresh_from_db()
    assert subscriber.status == "active"
    assert list(services.active_recipients(weekly)) == []

    assert services.unsubscribe(subscriber=subscriber) == [newsletter]
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert services.unsubscribe(subscriber=subscriber) == []  # idempotent
    assert subscriber.events.filter(kind="unsubscribe").count() == 2


def test_unsubscribed_reader_who_signs_up_again_must_confirm_again(
    newsletter, django_capture_on_commit_callbacks
):
    subscriber = active_subscriber(newsletter, email="back@example.org")
    services.unsubscribe(subscriber=subscriber)

    signup(django_capture_on_commit_callbacks, "back@example.org", newsletter)

    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert subscriber.subscriptions.get().status == "pending"
    assert list(services.active_recipients(newsletter)) == []
    assert "confirm" in mail.outbox[-1].subject.lower()
    confirm_latest(subscriber)
    assert list(services.active_recipients(newsletter)) == [subscriber]


def test_preferences_switch_on_and_off(newsletter, weekly):
    subscriber = active_subscriber(newsletter)

    on, off = services.set_preferences(subscriber=subscriber, newsletters=[weekly])

    assert (on, off) == ([weekly], [newsletter])
    assert list(services.active_recipients(weekly)) == [subscriber]
    assert list(services.active_recipients(newsletter)) == []
    assert subscriber.events.filter(kind="preferences").count() == 2

    on, off = services.set_preferences(subscriber=subscriber, newsletters=[])
    subscriber.refresh_from_db()
    assert (on, off, subscriber.status) == ([], [weekly], "unsubscribed")


def test_hard_bounce_blocks_and_suppresses(newsletter):
    subscriber = active_subscriber(newsletter, email="dead@example.org")

    assert bounces.record_bounce(email="DEAD@example.org", hard=True, detail="550 no such user")

    subscriber.refresh_from_db()
    assert subscriber.status == "bounced"
    assert services.is_suppressed("dead@example.org")
    assert subscriber.events.filter(kind="bounce").exists()
    assert list(services.active_recipients(newsletter)) == []


def test_three_soft_bounces_within_thirty_days_block(newsletter):
    subscriber = active_subscriber(newsletter, email="full@example.org")
    with freeze_time("2026-01-01"):
        bounces.record_bounce(email="full@example.org", hard=False)
    with freeze_time("2026-02-10"):  # the January one is now outside the window
        bounces.record_bounce(email="full@example.org", hard=False)
        bounces.record_bounce(email="full@example.org", hard=False)
    subscriber.refresh_from_db()
    assert subscriber.status == "active"
    with freeze_time("2026-02-20"):
        assert bounces.record_bounce(email="full@example.org", hard=False)
    subscriber.refresh_from_db()
    assert subscriber.status == "bounced"
    assert subscriber.events.filter(kind="soft_bounce").count() == 4


def test_complaint_unsubscribes_from_everything(newsletter, weekly):
    subscriber = active_subscriber(newsletter, email="angry@example.org")
    SubscriptionFactory(subscriber=subscriber, newsletter=weekly)

    bounces.record_complaint(email="angry@example.org", detail="SpamComplaint")

    subscriber.refresh_from_db()
    assert subscriber.status == "complained"
    assert not subscriber.subscriptions.filter(status="active").exists()
    assert services.is_suppressed("angry@example.org")
    assert subscriber.events.filter(kind="complaint").count() == 2


def test_suppression_is_honoured_even_for_an_active_row(newsletter):
    subscriber = active_subscriber(newsletter, email="listed@example.org")
    Suppression.objects.create(email_hash=email_hash("listed@example.org"), reason="complained")

    assert list(services.active_recipients(newsletter)) == []
    assert services.send_confirmation_email(subscriber, force=True) is False


def test_erase_forgets_the_person_and_keeps_counts(newsletter, admin_user):
    subscriber = active_subscriber(newsletter, email="private@example.org", first_name="Olena")
    subscriber.consent_ip = "203.0.113.7"
    subscriber.save(update_fields=["consent_ip"])
    services.record_event(subscriber=subscriber, kind="signup", ip="203.0.113.7", detail="x")

    erasure.erase_subscriber(subscriber=subscriber, actor=admin_user)

    subscriber.refresh_from_db()
    assert (subscriber.email, subscriber.first_name, subscriber.consent_ip) == (None, "", None)
    assert subscriber.status == "erased"
    assert not subscriber.events.exclude(ip_address=None).exists()
    assert not subscriber.events.exclude(detail="").exists()
    assert subscriber.events.filter(kind="erasure", actor=admin_user).exists()
    assert Subscriber.objects.count() == 1  # still counted, anonymously
    assert Suppression.objects.get().reason == "erased"
    assert services.is_suppressed("Private@example.org")


def test_purge_removes_only_old_never_confirmed_signups(newsletter):
    with freeze_time(timezone.now() - timedelta(days=31)):
        old = SubscriberFactory(status="pending", confirmed_at=None)
        old_confirmed = SubscriberFactory(status="unsubscribed")
    recent = SubscriberFactory(status="pending", confirmed_at=None)

    assert erasure.purge_pending_subscribers() == 1

    remaining = set(Subscriber.objects.values_list("pk", flat=True))
    assert remaining == {old_confirmed.pk, recent.pk}
    assert old.pk not in remaining


def test_active_recipients_is_one_query_without_duplicates(newsletter, weekly):
    for _ in range(3):
        subscriber = active_subscriber(newsletter)
        SubscriptionFactory(subscriber=subscriber, newsletter=weekly)
    SubscriberFactory(status="pending", confirmed_at=None)

    assert services.active_recipients(newsletter).count() == 3
    assert ConsentEvent.objects.count() == 0


def test_lifting_a_suppression_lets_the_address_sign_up_again(
    newsletter, django_capture_on_commit_callbacks
):
    subscriber = active_subscriber(newsletter, email="back@example.org")
    bounces.record_bounce(email="back@example.org", hard=True)
    assert signup(django_capture_on_commit_callbacks, "back@example.org", newsletter) is None
    assert mail.outbox == []

    Suppression.objects.all().delete()  # staff decided the address works again
    signup(django_capture_on_commit_callbacks, "back@example.org", newsletter)
    confirm_latest(subscriber)

    assert list(services.active_recipients(newsletter)) == [subscriber]
    assert len(mail.outbox) == 1


def test_staff_resend_queues_the_email_only_once_the_change_commits(
    newsletter, admin_user, django_capture_on_commit_callbacks
):
    waiting = Subscriber.objects.create(email="wait@example.org")
    Subscription.objects.create(subscriber=waiting, newsletter=newsletter)

    with django_capture_on_commit_callbacks() as queued:
        assert services.resend_confirmation(subscriber=waiting, actor=admin_user)
        assert mail.outbox == []  # a rollback from here on would have sent nothing
    assert len(queued) == 1
    queued[0]()
    assert [m.to for m in mail.outbox] == [["wait@example.org"]]
    assert waiting.events.get(kind=ConsentEvent.Kind.ADMIN).actor == admin_user


def test_staff_resend_skips_people_with_nothing_to_confirm_or_suppressed(
    newsletter, django_capture_on_commit_callbacks
):
    confirmed = active_subscriber(newsletter)
    suppressed = Subscriber.objects.create(email="gone@example.org")
    Subscription.objects.create(subscriber=suppressed, newsletter=newsletter)
    Suppression.objects.create(
        email_hash=email_hash("gone@example.org"), reason=Suppression.Reason.BOUNCED
    )

    with django_capture_on_commit_callbacks() as queued:
        assert not services.resend_confirmation(subscriber=confirmed)
        assert not services.resend_confirmation(subscriber=suppressed)
    assert queued == []
    assert not ConsentEvent.objects.filter(kind=ConsentEvent.Kind.ADMIN).exists()
