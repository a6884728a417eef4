"""Query counts: a batch reads a fixed number of times; per recipient it only writes status.

Pinned with django_assert_num_queries so an N+1 (say, a subscriber or subscription lookup
per message) fails loudly.
"""

import pytest
from django.db import connection

from newsletters import sending, services
from tests.factories import PhotoFactory
from tests.newsletters.factories import audience

pytestmark = pytest.mark.django_db

# Reads: claim (savepoint, select ids, update, release), the rows with their subscribers, which
# of those still want the newsletter, the stories. Then the first message's "sending" mark, and
# the closing write of the last outcome (savepoint, update, release).
BATCH_QUERIES = 7 + 1 + 3


def per_recipient():
    """Each later message records the previous outcome and marks itself, atomically: in one
    round trip on PostgreSQL, as savepoint + two updates + release elsewhere."""
    return 1 if connection.vendor == "postgresql" else 4


def expected(count):
    return BATCH_QUERIES + per_recipient() * (count - 1)


@pytest.mark.parametrize("count", [10, 100])
def test_a_batch_costs_the_same_reads_for_10_or_100_recipients(
    issue, newsletter, count, django_assert_num_queries
):
    audience(newsletter, count)
    services.send_issue(issue)
    with django_assert_num_queries(expected(count)) as captured:
        outcome = sending.deliver_batch(issue, token="worker-1", size=count)
    assert outcome.sent == count
    sql = [query["sql"] for query in captured.captured_queries]
    selects = [q for q in sql if q.startswith("SELECT")]
    assert len(selects) == 4  # claim, claimed rows (with subscriber), still wanted, stories
    updates = sum(q.count('UPDATE "') for q in sql)  # not the claim's FOR UPDATE
    assert updates == sum(q.count('UPDATE "newsletters_delivery"') for q in sql)
    assert updates == 1 + 2 * count  # the claim, then "sending" and the outcome per message


def test_photos_do_not_add_queries(issue, newsletter, django_assert_num_queries):
    for story in issue.articles.all():
        story.lead_photo = PhotoFactory()
        story.save(update_fields=["lead_photo"])
    audience(newsletter, 10)
    services.send_issue(issue)
    with django_assert_num_queries(expected(10)):
        sending.deliver_batch(issue, token="worker-1", size=10)
