import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from subscriptions import services
from subscriptions.importing import ColumnMapping, ImportFileError
from subscriptions.models import ConsentEvent, Subscriber, Subscription, Suppression, email_hash
from tests.subscriptions.factories import NewsletterFactory, SubscriberFactory, active_subscriber

pytestmark = pytest.mark.django_db

MESSY_CSV = """\
Email,First name,Consent date
good@example.org,Olena,2025-05-01
Good@Example.org ,Olena again,
 MIXED@Case.ORG,Taras,
not-an-email,Bad,
,NoEmail,
known@example.org,Known,2025-01-01
left@example.org,Left,2025-01-01
date@example.org,Date,last spring
suppressed@example.org,,2025-01-01
mixed@case.org,,
already@example.org,,2024-01-01
"""


@pytest.fixture
def messy_world(newsletter, weekly):
    active_subscriber(weekly, email="known@example.org")  # on another newsletter only
    left = active_subscriber(newsletter, email="left@example.org")
    services.unsubscribe(subscriber=left)
    Suppression.objects.create(email_hash=email_hash("suppressed@example.org"), reason="bounced")
    active_subscriber(newsletter, email="already@example.org")


def run(newsletter, text=MESSY_CSV, **kwargs):
    return services.import_subscribers(
        rows_or_file=io.BytesIO(text.encode()), newsletter=newsletter, **kwargs
    )


def test_messy_file_gives_the_exact_summary(newsletter, messy_world):
    report = run(newsletter)

    assert (report.rows, report.added, report.updated, report.skipped, report.invalid) == (
        11,
        3,
        1,
        5,
        2,
    )
    assert [(p.line, p.reason) for p in report.problems] == [
        (5, "not a valid email address"),
        (6, "no email address"),
    ]
    # An unreadable date loses nobody: the row arrives pending, and the report says why.
    assert [(n.line, n.reason, n.value) for n in report.notes] == [
        (9, "consent date not read (use DD/MM/YYYY, DD.MM.YYYY or YYYY-MM-DD)", "last spring")
    ]
    assert report.skip_reasons == {
        "duplicate of an earlier row in the file": 2,
        "unsubscribed, bounced or complained earlier: not reactivated": 1,
        "on the suppression list (bounced, complained or erased)": 1,
        "already on the list, nothing to change": 1,
    }
    good = Subscriber.objects.get(email="good@example.org")
    assert (good.status, good.first_name, good.source) == ("active", "Olena", "import")
    assert timezone.localdate(good.confirmed_at).isoformat() == "2025-05-01"
    mixed = Subscriber.objects.get(email="mixed@case.org")
    assert (mixed.status, mixed.first_name) == ("pending", "Taras")
    assert mixed.subscriptions.get().status == "pending"
    known = Subscriber.objects.get(email="known@example.org")
    assert known.subscriptions.get(newsletter=newsletter).status == "active"
    assert Subscriber.objects.get(email="left@example.org").status == "unsubscribed"
    assert not Subscriber.objects.filter(email="suppressed@example.org").exists()
    undated = Subscriber.objects.get(email="date@example.org")
    assert (undated.status, undated.first_name) == ("pending", "Date")
    assert "consent date “last spring” not read" in undated.consent_text
    assert ConsentEvent.objects.filter(kind="import").count() == 4
    assert set(services.active_recipients(newsletter).values_list("email", flat=True)) == {
        "good@example.org",
        "known@example.org",
        "already@example.org",
    }


@pytest.mark.parametrize(
    "written",
    ["02/11/2026", "2/11/2026", "02.11.2026", "2.11.2026", "2026-11-02", "2026/11/02",
     "02-11-2026", "2026-11-02T00:00", "02.11.2026 00:00"],
)  # fmt: skip
def test_day_first_and_iso_dates_are_read_in_the_outlets_zone(newsletter, written):
    """A Ukrainian or European spreadsheet writes 2 November as 02/11/2026 or 02.11.2026."""
    report = run(newsletter, f"email,consent_date\nreader@example.org,{written}\n")

    assert (report.added, report.active, report.invalid, report.notes) == (1, 1, 0, [])
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "active"
    assert timezone.localtime(subscriber.consent_at).isoformat() == "2026-11-02T00:00:00+02:00"
    assert subscriber.consent_text.endswith("consented on 2026-11-02.")


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("31/02/2026", "not read (use DD/MM/YYYY, DD.MM.YYYY or YYYY-MM-DD)"),
        ("11/02/26", "not read (use DD/MM/YYYY, DD.MM.YYYY or YYYY-MM-DD)"),
        ("01.01.2099", "in the future"),
    ],
)
def test_a_row_whose_date_cannot_be_used_arrives_pending_with_a_note(newsletter, written, why):
    text = (
        f"email,first_name,consent_date\nfirst@example.org,A,{written}\nok@example.org,B,1.2.2025\n"
    )

    report = run(newsletter, text)

    assert (report.added, report.active, report.pending, report.invalid) == (2, 1, 1, 0)
    assert [(n.line, n.reason, n.value) for n in report.notes] == [
        (2, f"consent date {why}", written)
    ]
    kept = Subscriber.objects.get(email="first@example.org")
    assert (kept.status, kept.first_name, kept.consent_at) == ("pending", "A", None)
    assert f"consent date “{written}” {why}, so pending until confirmed" in kept.consent_text
    assert kept.subscriptions.get().status == "pending"


def test_dry_run_reports_the_same_and_saves_nothing(newsletter, messy_world):
    before = (Subscriber.objects.count(), Subscription.objects.count())

    report = run(newsletter, dry_run=True)

    assert (report.added, report.updated, report.skipped, report.invalid) == (3, 1, 5, 2)
    assert [n.line for n in report.notes] == [9]
    assert (Subscriber.objects.count(), Subscription.objects.count()) == before


def test_importing_twice_changes_nothing_the_second_time(newsletter, messy_world):
    run(newsletter)
    again = run(newsletter)
    assert (again.added, again.updated, again.invalid) == (0, 0, 2)
    assert Subscriber.objects.filter(email__in=["good@example.org", "mixed@case.org"]).count() == 2


def test_consent_in_a_later_file_confirms_a_pending_person(newsletter):
    run(newsletter, "email\nlater@example.org\n")
    report = run(newsletter, "email,consent_date\nlater@example.org,2025-02-03\n")
    assert report.updated == 1
    subscriber = Subscriber.objects.get(email="later@example.org")
    assert subscriber.status == "active"
    assert list(services.active_recipients(newsletter)) == [subscriber]


def test_semicolons_bom_and_explicit_mapping(newsletter):
    text = "\ufeffAdresse;Vorname;Zustimmung\nx@example.org;Ira;2025-01-01\n"
    report = run(
        newsletter,
        text,
        mapping=ColumnMapping(email="Adresse", first_name="Vorname", consent_date="Zustimmung"),
    )
    assert report.added == 1
    assert Subscriber.objects.get().first_name == "Ira"


def test_file_without_an_email_column_is_refused(newsletter):
    with pytest.raises(ImportFileError, match="No email column"):
        run(newsletter, "name,city\nA,B\n")


def test_import_writes_in_batches_not_per_row(newsletter, django_assert_max_num_queries):
    rows = "email,consent_date\n" + "".join(
        f"person{n}@example.org,2025-01-01\n" for n in range(5000)
    )
    # 3 batches of 2000 rows: three reads and a few bulk writes each, never one per row.
    # (SQLite splits each bulk INSERT into chunks of 999 parameters, hence the headroom.)
    with django_assert_max_num_queries(200):
        report = run(newsletter, rows)
    assert report.added == 5000
    assert services.active_recipients(newsletter).count() == 5000


def test_export_round_trips_through_import(newsletter, weekly):
    for n, name in enumerate(["Anna", "=SUM(1,2)", ""]):
        active_subscriber(newsletter, email=f"fan{n}@example.org", first_name=name)
    SubscriberFactory(email="waiting@example.org", status="pending", confirmed_at=None)
    gone = active_subscriber(newsletter, email="gone@example.org")
    services.unsubscribe(subscriber=gone)

    exported = "".join(services.export_subscribers(newsletter))
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["email"] for r in rows] == [f"fan{n}@example.org" for n in range(3)]
    assert rows[1]["first_name"] == "'=SUM(1,2)"  # defused for spreadsheets

    Subscriber.objects.all().delete()
    report = run(weekly, exported)

    assert (report.added, report.invalid, report.active) == (3, 0, 3)
    restored = services.active_recipients(weekly).values_list("email", "first_name")
    assert sorted(restored) == [
        ("fan0@example.org", "Anna"),
        ("fan1@example.org", "=SUM(1,2)"),
        ("fan2@example.org", ""),
    ]


def test_import_command_prints_problems_and_summary(tmp_path, newsletter, messy_world):
    path = tmp_path / "list.csv"
    path.write_text(MESSY_CSV)
    out = io.StringIO()

    call_command(
        "import_subscribers", str(path), newsletter="morning", stdout=out, no_progress=True
    )

    output = out.getvalue()
    assert "line 5: not a valid email address: 'not-an-email'" in output
    assert "line 9: imported as pending: consent date not read" in output
    assert "added 3 / updated 1 / skipped 5 / invalid 2" in output


def test_import_command_shows_a_progress_bar(tmp_path, newsletter, capsys):
    path = tmp_path / "list.csv"
    path.write_text("email\n" + "".join(f"p{n}@example.org\n" for n in range(2500)))

    call_command("import_subscribers", str(path), newsletter="morning", dry_run=True)

    captured = capsys.readouterr()
    assert "100%" in captured.err and "2,500 rows" in captured.err
    assert "DRY RUN" in captured.out
    assert not Subscriber.objects.exists()


def test_import_command_refuses_an_unknown_newsletter(tmp_path, newsletter):
    path = tmp_path / "list.csv"
    path.write_text("email\na@example.org\n")
    with pytest.raises(CommandError, match="known: morning"):
        call_command("import_subscribers", str(path), newsletter="nope")


def test_export_command_writes_the_csv(tmp_path, newsletter):
    active_subscriber(newsletter, email="one@example.org")
    target = tmp_path / "out.csv"

    call_command(
        "export_subscribers", newsletter="morning", output=str(target), stderr=io.StringIO()
    )

    assert target.read_text().splitlines()[1].startswith("one@example.org,")


def test_purge_command(newsletter):
    out = io.StringIO()
    call_command("purge_pending_subscribers", stdout=out)
    assert "Deleted 0 never-confirmed signups older than 30 days" in out.getvalue()


def test_other_newsletters_keep_their_own_import(newsletter):
    other = NewsletterFactory(slug="other")
    run(other, "email,consent_date\nshared@example.org,2025-01-01\n")
    report = run(newsletter, "email\nshared@example.org\n")
    assert report.updated == 1  # joins this newsletter, pending until confirmed
    subscriber = Subscriber.objects.get(email="shared@example.org")
    assert subscriber.subscriptions.get(newsletter=newsletter).status == "pending"
    assert subscriber.status == "active"
