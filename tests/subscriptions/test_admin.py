import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from subscriptions import services
from subscriptions.charts import subscribers_over_time
from subscriptions.models import Subscriber, Subscription, Suppression, email_hash
from tests.articles.workflow_helpers import make_user
from tests.subscriptions.factories import SubscriberFactory, SubscriptionFactory, active_subscriber

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:subscriptions_subscriber_changelist")


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):
    settings.SUBSCRIBER_IMPORT_DIR = tmp_path / "imports"


def test_changelist_searches_filters_and_does_not_grow_queries(
    admin_client, newsletter, weekly, django_assert_max_num_queries
):
    for n in range(3):
        subscriber = active_subscriber(newsletter, email=f"reader{n}@example.org")
        SubscriptionFactory(subscriber=subscriber, newsletter=weekly)
    with django_assert_max_num_queries(12) as small:
        admin_client.get(CHANGELIST)
    for n in range(10):
        active_subscriber(newsletter, email=f"more{n}@example.org")
    with django_assert_max_num_queries(len(small)):
        response = admin_client.get(CHANGELIST)
    assert "Morning Briefing, Weekend Reads" in response.content.decode()

    found = admin_client.get(CHANGELIST, {"q": "reader1@"})
    [result] = found.context["cl"].result_list
    assert result.email == "reader1@example.org"
    by_newsletter = admin_client.get(CHANGELIST, {"newsletter": weekly.pk})
    assert by_newsletter.context["cl"].result_count == 3
    by_status = admin_client.get(CHANGELIST, {"status__exact": "pending"})
    assert by_status.context["cl"].result_count == 0


def test_change_page_shows_subscriptions_and_read_only_history(admin_client, newsletter):
    subscriber = active_subscriber(newsletter, email="h@example.org")
    services.record_event(subscriber=subscriber, kind="signup", method="web form", ip="203.0.113.5")

    response = admin_client.get(
        reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk])
    )

    content = response.content.decode()
    assert "Consent history" in content and "203.0.113.5" in content
    assert "Morning Briefing" in content
    assert 'name="events-0-kind"' not in content  # read-only, not a form


def action(client, name, subscribers, **extra):
    return client.post(
        CHANGELIST,
        {"action": name, "_selected_action": [s.pk for s in subscribers], **extra},
    )


def test_unsubscribe_action_asks_first_then_records_who(admin_client, admin_user, newsletter):
    subscriber = active_subscriber(newsletter)

    page = action(admin_client, "unsubscribe_selected", [subscriber])
    assert page.status_code == 200 and "Yes, unsubscribe them" in page.content.decode()
    assert services.active_recipients(newsletter).exists()

    done = action(admin_client, "unsubscribe_selected", [subscriber], confirm="yes")
    assert done.status_code == 302
    event = subscriber.events.get(kind="unsubscribe")
    assert event.actor == admin_user
    assert not services.active_recipients(newsletter).exists()


def test_resend_confirmation_action_mails_pending_people_only(
    admin_client, newsletter, django_capture_on_commit_callbacks
):
    waiting = Subscriber.objects.create(email="wait@example.org")
    Subscription.objects.create(subscriber=waiting, newsletter=newsletter)
    confirmed = active_subscriber(newsletter)

    with django_capture_on_commit_callbacks(execute=True):
        action(admin_client, "resend_confirmation", [waiting, confirmed])

    assert [m.to for m in mail.outbox] == [["wait@example.org"]]
    assert waiting.events.filter(kind="admin", detail="Confirmation email resent").exists()


def test_erase_action_asks_then_erases(admin_client, admin_user, newsletter):
    subscriber = active_subscriber(newsletter, email="forget@example.org", first_name="Ivan")

    page = action(admin_client, "erase_selected", [subscriber])
    assert "cannot be undone" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.email == "forget@example.org"

    action(admin_client, "erase_selected", [subscriber], confirm="yes")

    subscriber.refresh_from_db()
    assert (subscriber.email, subscriber.first_name, subscriber.status) == (None, "", "erased")
    assert Suppression.objects.filter(email_hash=email_hash("forget@example.org")).exists()
    # An import can no longer bring the address back.
    report = services.import_subscribers(
        rows_or_file=[["email", "consent_date"], ["forget@example.org", "2025-01-01"]],
        newsletter=newsletter,
    )
    assert (report.added, report.skipped) == (0, 1)


def test_export_personal_data_action(admin_client, newsletter):
    subscriber = active_subscriber(newsletter, email="me@example.org")
    services.record_event(subscriber=subscriber, kind="signup", ip="198.51.100.2")

    response = action(admin_client, "export_personal_data", [subscriber])

    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data[0]["email"] == "me@example.org"
    assert data[0]["subscriptions"][0]["newsletter"] == "Morning Briefing"
    assert data[0]["history"][0]["ip_address"] == "198.51.100.2"


def test_import_page_maps_columns_dry_runs_then_imports(admin_client, newsletter, settings):
    upload = SimpleUploadedFile(
        "list.csv",
        b"E-mail;Name;Opt-in date\nnew@example.org;Mila;2025-03-01\nbroken;X;\nnew@example.org;;\n",
        content_type="text/csv",
    )
    response = admin_client.post(
        reverse("admin:subscriptions_import"), {"file": upload, "newsletter": newsletter.pk}
    )
    assert response.status_code == 302
    mapping_page = admin_client.get(response["Location"])
    form = mapping_page.context["form"]
    assert (form["email"].value(), form["first_name"].value()) == ("E-mail", "Name")
    assert form["consent_date"].value() == "Opt-in date"
    run_url = response["Location"].split("?")[0]
    fields = {
        "email": "E-mail",
        "first_name": "Name",
        "consent_date": "Opt-in date",
        "newsletter": newsletter.pk,
    }

    dry = admin_client.post(run_url, {**fields, "dry_run": "on"})
    report = dry.context["report"]
    assert (report.added, report.skipped, report.invalid) == (1, 1, 1)
    assert re.search(r"<td>3</td><td>not a valid email address</td>", dry.content.decode())
    assert not Subscriber.objects.exists()

    real = admin_client.post(run_url, fields)
    assert real.context["report"].added == 1
    assert Subscriber.objects.get().status == "active"
    assert not list((settings.SUBSCRIBER_IMPORT_DIR).glob("*.csv"))  # upload removed


def test_import_page_rejects_a_forged_key(admin_client):
    response = admin_client.get(reverse("admin:subscriptions_import_run", args=["forged"]))
    assert response.status_code == 404


def test_dashboard_counts_and_chart(admin_client, newsletter, django_assert_max_num_queries):
    with freeze_time(timezone.now() - timedelta(days=40)):
        for _ in range(3):
            active_subscriber(newsletter)
    leaver = active_subscriber(newsletter)
    services.unsubscribe(subscriber=leaver)
    pending = SubscriberFactory(status="pending", confirmed_at=None)
    SubscriptionFactory(subscriber=pending, newsletter=newsletter, status="pending")

    index = admin_client.get(reverse("admin:subscriptions_dashboard"))
    assert index.status_code == 200
    with django_assert_max_num_queries(10):
        page = admin_client.get(
            reverse("admin:subscriptions_newsletter_dashboard", args=[newsletter.pk])
        )
    content = page.content.decode()
    assert '<strong data-count="active">3</strong>' in content
    assert '<strong data-count="pending">1</strong>' in content
    assert '<strong data-count="unsubscribed">1</strong>' in content
    assert "<svg" in content and "<polyline" in content
    assert "<script" not in content.split("<svg")[1].split("</svg>")[0]


def test_chart_follows_joins_and_leaves(newsletter):
    today = timezone.localdate()
    with freeze_time(timezone.now() - timedelta(days=100)):
        active_subscriber(newsletter)
    with freeze_time(timezone.now() - timedelta(days=10)):
        late = active_subscriber(newsletter)
    with freeze_time(timezone.now() - timedelta(days=5)):
        services.unsubscribe(subscriber=late)

    chart = subscribers_over_time(newsletter, today=today)

    assert len(chart.values) == 90
    assert chart.values[0] == 1
    # values[-1] is today, values[-11] ten days ago.
    assert chart.values[-12] == 1 and chart.values[-11] == 2
    assert chart.values[-7] == 2 and chart.values[-6] == 1 and chart.values[-1] == 1


def test_export_csv_is_streamed(admin_client, newsletter):
    active_subscriber(newsletter, email="stream@example.org")

    response = admin_client.get(reverse("admin:subscriptions_export", args=[newsletter.pk]))

    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == (
        "email,first_name,status,consent_date,subscribed_at,unsubscribed_at"
    )
    assert "stream@example.org" in body


def test_suppression_list_is_searchable_by_address(admin_client):
    Suppression.objects.create(email_hash=email_hash("x@example.org"), reason="bounced")
    Suppression.objects.create(email_hash=email_hash("y@example.org"), reason="erased")
    url = reverse("admin:subscriptions_suppression_changelist")

    response = admin_client.get(url, {"q": "X@example.org"})

    assert response.context["cl"].result_count == 1


def test_staff_without_permission_cannot_import(client, django_user_model, newsletter):
    staff = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:subscriptions_import")).status_code == 403


def test_the_list_offers_the_importer_to_those_who_may_import(client, django_user_model):
    """The "Import CSV" button follows the import view's own rule (editorial/policy.py): the
    Audience role sees it; someone who may only view subscribers does not."""
    audience = make_user(django_user_model, "ada", role="Audience")
    viewer = django_user_model.objects.create_user("vic", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    import_url = reverse("admin:subscriptions_import")

    client.force_login(audience)
    page = client.get(CHANGELIST).content.decode()
    assert f'<a href="{import_url}" class="addlink">Import CSV</a>' in page
    assert client.get(import_url).status_code == 200

    client.force_login(viewer)
    page = client.get(CHANGELIST)
    assert page.status_code == 200 and import_url not in page.content.decode()
    assert client.get(import_url).status_code == 403


def test_import_report_lists_rows_kept_pending_for_their_date(admin_client, newsletter):
    upload = SimpleUploadedFile(
        "dates.csv",
        "email,consent_date\nday@example.org,02/11/2026\nodd@example.org,2 листопада\n".encode(),
        content_type="text/csv",
    )
    response = admin_client.post(
        reverse("admin:subscriptions_import"), {"file": upload, "newsletter": newsletter.pk}
    )
    run_url = response["Location"].split("?")[0]

    page = admin_client.post(
        run_url, {"email": "email", "consent_date": "consent_date", "newsletter": newsletter.pk}
    )

    report = page.context["report"]
    assert (report.added, report.active, report.pending, report.invalid) == (2, 1, 1, 0)
    content = page.content.decode()
    assert "Rows imported as pending, with a note" in content
    assert re.search(r"<td>3</td><td>consent date not read \(use DD/MM/YYYY", content)
    assert Subscriber.objects.get(email="odd@example.org").status == "pending"


def test_export_page_offers_every_status_starting_from_the_lists_filters(
    admin_client, newsletter, weekly
):
    active_subscriber(newsletter, email="here@example.org")
    waiting = SubscriberFactory(email="wait@example.org", status="pending", confirmed_at=None)
    SubscriptionFactory(subscriber=waiting, newsletter=newsletter, status="pending")
    page_url = reverse("admin:subscriptions_export_page")

    listing = admin_client.get(CHANGELIST, {"newsletter": weekly.pk, "status__exact": "pending"})
    link = f"{page_url}?newsletter={weekly.pk}&amp;status__exact=pending"
    assert f'<a href="{link}">Export CSV</a>' in listing.content.decode()
    page = admin_client.get(page_url, {"newsletter": weekly.pk, "status__exact": "pending"})
    assert page.status_code == 200 and not page.streaming
    form = page.context["form"]
    assert (form["newsletter"].value(), form["status"].value()) == (str(weekly.pk), "pending")
    assert [value for value, _ in form.fields["status"].choices] == [
        "all", "active", "pending", "unsubscribed", "bounced", "complained", "suppressed"
    ]  # fmt: skip

    download = admin_client.get(
        page_url, {"newsletter": newsletter.pk, "status": "pending", "export": "1"}
    )
    assert download.streaming
    assert "morning-pending-subscribers-" in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [(r["email"], r["status"]) for r in rows] == [("wait@example.org", "pending")]

    everyone = admin_client.get(
        reverse("admin:subscriptions_export", args=[newsletter.pk]), {"status": "all"}
    )
    body = b"".join(everyone.streaming_content).decode()
    assert "here@example.org,,active," in body and "wait@example.org,,pending," in body

    refused = admin_client.get(page_url, {"newsletter": newsletter.pk, "status": "x", "export": 1})
    assert not refused.streaming and "Select a valid choice" in refused.content.decode()


def test_one_newsletter_can_be_stopped_from_the_subscriber_page(
    admin_client, admin_user, newsletter, weekly
):
    subscriber = active_subscriber(newsletter, email="two@example.org")
    SubscriptionFactory(subscriber=subscriber, newsletter=weekly)
    change_url = reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk])
    leave_url = reverse(
        "admin:subscriptions_subscriber_unsubscribe_from", args=[subscriber.pk, weekly.pk]
    )

    page = admin_client.get(change_url).content.decode()
    assert f'<a href="{leave_url}" class="deletelink">Unsubscribe from Weekend Reads…</a>' in page
    assert "Unsubscribe from Morning Briefing…" in page

    asked = admin_client.get(leave_url)
    assert asked.status_code == 200
    assert "Yes, unsubscribe from Weekend Reads" in asked.content.decode()
    assert "They keep receiving: Morning Briefing." in asked.content.decode()
    assert weekly.subscriptions.get().status == "active"  # asking changes nothing

    done = admin_client.post(leave_url, follow=True)
    assert done.redirect_chain == [(change_url, 302)]
    assert "Unsubscribed two@example.org from Weekend Reads." in done.content.decode()
    statuses = dict(subscriber.subscriptions.values_list("newsletter__slug", "status"))
    assert statuses == {"morning": "active", "weekend": "unsubscribed"}
    subscriber.refresh_from_db()
    assert subscriber.status == "active"
    [event] = subscriber.events.filter(kind="unsubscribe")
    assert (event.newsletter, event.actor, event.method) == (
        weekly,
        admin_user,
        "staff (subscriber page)",
    )
    assert timezone.localdate(event.created_at) == timezone.localdate()
    assert "Unsubscribe from Weekend Reads…" not in admin_client.get(change_url).content.decode()

    again = admin_client.post(leave_url, follow=True)
    assert "is not subscribed to Weekend Reads" in again.content.decode()
    assert subscriber.events.filter(kind="unsubscribe").count() == 1


def test_viewers_get_no_unsubscribe_button_and_cannot_use_the_address(
    client, django_user_model, newsletter
):
    subscriber = active_subscriber(newsletter)
    viewer = django_user_model.objects.create_user("vic", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_subscriber", "view_subscription"])
    )
    client.force_login(viewer)
    leave_url = reverse(
        "admin:subscriptions_subscriber_unsubscribe_from", args=[subscriber.pk, newsletter.pk]
    )

    page = client.get(reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk]))
    assert page.status_code == 200 and leave_url not in page.content.decode()
    assert client.get(leave_url).status_code == 403
    assert client.post(leave_url).status_code == 403
    assert services.active_recipients(newsletter).get() == subscriber


def breadcrumb_trail(content):
    """The breadcrumbs as text, "Home › Subscribers › …", each link marked [like this]."""
    [crumbs] = re.findall(r'<div class="breadcrumbs">(.*?)</div>', content, re.S)
    crumbs = re.sub(r"<a [^>]*>(.*?)</a>", r"[\1]", crumbs)
    return " ".join(crumbs.replace("&rsaquo;", "›").split())


def test_the_subscriber_tools_share_one_breadcrumb_trail(admin_client, newsletter, weekly):
    subscriber = active_subscriber(newsletter, email="two@example.org")
    SubscriptionFactory(subscriber=subscriber, newsletter=weekly)
    change_url = reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk])
    trail = "[Home] › [Subscribers] › [Subscribers] › "  # the app, then its subscriber list
    pages = {
        reverse("admin:subscriptions_export_page"): "Export",
        reverse("admin:subscriptions_import"): "Import",
        reverse("admin:subscriptions_dashboard"): "Audiences",
        reverse(
            "admin:subscriptions_newsletter_dashboard", args=[weekly.pk]
        ): "[Audiences] › Weekend Reads",
        reverse(
            "admin:subscriptions_subscriber_unsubscribe_from", args=[subscriber.pk, weekly.pk]
        ): "[two@example.org] › Unsubscribe from Weekend Reads",
    }
    for url, end in pages.items():
        assert breadcrumb_trail(admin_client.get(url).content.decode()) == trail + end, url
    unsubscribe_from = admin_client.get(list(pages)[-1]).content.decode()
    assert f'<a href="{change_url}">two@example.org</a>' in unsubscribe_from

    asked = action(admin_client, "unsubscribe_selected", [subscriber]).content.decode()
    assert breadcrumb_trail(asked).startswith(trail)
