"""Erasing a subscriber (subscriptions.erasure) also forgets what newsletters keeps about
them: newsletters registers that in its ready(), since subscriptions may not import it."""

from newsletters.models import Delivery
from subscriptions import erasure
from tests.newsletters.factories import audience


def test_erasure_clears_delivery_errors_that_quote_the_address(issue, newsletter):
    reader, other = audience(newsletter, 2)
    bounced = Delivery.objects.create(
        issue=issue, subscriber=reader, status=Delivery.Status.FAILED,
        error=f"550 <{reader.email}> unknown user",
    )  # fmt: skip
    kept = Delivery.objects.create(
        issue=issue, subscriber=other, status=Delivery.Status.FAILED, error="421 try later"
    )
    erasure.erase_subscriber(subscriber=reader)
    bounced.refresh_from_db()
    kept.refresh_from_db()
    assert bounced.error == "" and bounced.subscriber_id == reader.pk
    assert kept.error == "421 try later"


def test_newsletters_registered_its_part_of_the_erasure():
    assert "newsletters.delivery_errors" in erasure._ALSO_ERASED
