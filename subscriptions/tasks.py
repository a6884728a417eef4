"""Background work for subscriptions (run by `manage.py db_worker`)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from core import outbox

from .import_files import remove_stale_uploads
from .models import Subscriber

logger = logging.getLogger(__name__)


@task()
def send_confirmation_email_task(
    subscriber_id: int | None,
    force: bool = False,
    request_id: int | None = None,
    attempt: int = 1,
) -> bool:
    """Queued by every signup, known address or not (see subscriptions.emails).

    `request_id`: the signup's ConfirmationRequest (None: a resend or a signup that asked
    for nothing new). A refused or unreachable mail server queues attempt + 1 after
    CONFIRMATION_RETRY_SECONDS, doubled each time, up to CONFIRMATION_MAX_ATTEMPTS (not after
    a permanent 5xx refusal); an email whose outcome is unknown is never sent again."""
    from .emails import ConfirmationNotSent, ConfirmationUncertain

    try:
        return _send_confirmation(subscriber_id, force, request_id)
    except ConfirmationUncertain:
        return False  # recorded on the subscriber (confirmation_uncertain_at)
    except ConfirmationNotSent as refused:
        if refused.permanent or attempt >= settings.CONFIRMATION_MAX_ATTEMPTS:
            raise
        delay = timedelta(seconds=settings.CONFIRMATION_RETRY_SECONDS * 2 ** (attempt - 1))
        logger.warning(
            "Confirmation email for subscriber %s not sent (%s): attempt %d in %s",
            subscriber_id,
            refused,
            attempt + 1,
            delay,
        )
        # Through the outbox: the retry survives a task queue that is down as well.
        outbox.enqueue_on_commit(
            send_confirmation_email_task,
            subscriber_id,
            force,
            request_id,
            attempt=attempt + 1,
            run_after=timezone.now() + delay,
        )
        return False


def _send_confirmation(subscriber_id, force, request_id) -> bool:
    from .emails import send_confirmation_email

    if subscriber_id is None:
        return False
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    confirmation_request = None
    if request_id is not None:
        confirmation_request = subscriber.confirmation_requests.filter(pk=request_id).first()
        if confirmation_request is None:
            return False
    return send_confirmation_email(
        subscriber, force=force, confirmation_request=confirmation_request
    )


@task()
def purge_pending_subscribers_task() -> int:
    """Delete never-confirmed signups older than PENDING_SUBSCRIBER_PURGE_DAYS (and abandoned
    CSV uploads, which hold personal data too)."""
    from .erasure import purge_pending_subscribers

    purged = purge_pending_subscribers()
    remove_stale_uploads()  # after: an unsafe upload folder raises, and must not stop the purge
    return purged
