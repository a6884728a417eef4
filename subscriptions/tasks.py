"""Background work for subscriptions (run by `manage.py db_worker`)."""

from django_tasks import task

from .import_files import remove_stale_uploads
from .models import Subscriber


@task()
def send_confirmation_email_task(
    subscriber_id: int | None, force: bool = False, request_id: int | None = None
) -> bool:
    """Queued by every signup, known address or not (see subscriptions.emails).

    `request_id`: the signup's ConfirmationRequest (None: a resend or a signup that asked
    for nothing new)."""
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
