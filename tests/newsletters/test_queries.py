"""Query counts: a batch reads a fixed number of times; per recipient it only writes status.

Pinned with django_assert_num_queries so an N+1 (say, a subscriber or subscription lookup
per message) fails loudly.
"""

import pytest

from newsletters import sending, services
from tests.factories import PhotoFactory
from tests.newsletters.factories import audience

pytestmark = pytest.mark.django_db

# claim (savepoint, select ids, update, release) + the rows with their subscribers + which
# of those still want the newsletter + the stories + closing (savepoint, last outcome, release).
BATCH_QUERIES = 10
# per message, one transaction: savepoint, previous outcome, mark sending, release
# (the first message has no previous outcome: hence the -1 below).
QUERIES_PER_RECIPIENT = 4


@pytest.mark.parametrize("count", [10, 100])
def test_a_batch_costs_the_same_reads_for_10_or_100_recipients(
    issue, newsletter, count, django_assert_num_queries
):
    audience(newsletter, count)
    services.send_issue(issue, enqueue=False)
    with django_assert_num_queries(BATCH_QUERIES - 1 + QUERIES_PER_RECIPIENT * count) as captured:
        outcome = sending.deliver_batch(issue, token="worker-1", size=count)
    assert outcome.sent == count
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 4  # claim, claimed rows (with subscriber), still wanted, stories
    writes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert all('"newsletters_delivery"' in sql for sql in writes)
    assert len(writes) == 1 + 2 * count  # the claim, then "sending" and the outcome per message


def test_photos_do_not_add_queries(issue, newsletter, django_assert_num_queries):
    for story in issue.articles.all():
        story.lead_photo = PhotoFactory()
        story.save(update_fields=["lead_photo"])
    audience(newsletter, 10)
    services.send_issue(issue, enqueue=False)
    with django_assert_num_queries(BATCH_QUERIES - 1 + QUERIES_PER_RECIPIENT * 10):
        sending.deliver_batch(issue, token="worker-1", size=10)
