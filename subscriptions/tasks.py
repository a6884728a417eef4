"""Background work for subscriptions (run by `manage.py db_worker`)."""

from django_tasks import task

from .models import Subscriber


@task()
def send_confirmation_email_task(subscriber_id: int | None, force: bool = False) -> bool:
    """Queued by every signup, known address or not (see subscriptions.emails)."""
    from .emails import send_confirmation_email

    if subscriber_id is None:
        return False
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    return send_confirmation_email(subscriber, force=force)


@task()
def purge_pending_subscribers_task() -> int:
    """Delete never-confirmed signups older than PENDING_SUBSCRIBER_PURGE_DAYS (and abandoned
    CSV uploads, which hold personal data too)."""
    from .admin_views import remove_stale_uploads
    from .services import purge_pending_subscribers

    purged = purge_pending_subscribers()
    remove_stale_uploads()  # after: an unsafe upload folder raises, and must not stop the purge
    return purged
