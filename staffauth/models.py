from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


class StaffSession(models.Model):
    """A session someone signed in to, so they can see where they are signed in and end it.

    Sessions live in the cache and the database keyed only by a random key; this row ties a
    key to its person. Written at sign-in, touched at most once a minute while in use
    (staffauth.middleware), deleted at sign-out or when ended from the sessions page.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self):
        since = date_format(timezone.localtime(self.signed_in_at), "DATETIME_FORMAT")
        return f"{self.user} since {since}"
