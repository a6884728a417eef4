from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


class AuditEntry(models.Model):
    """One security-relevant thing a person (or the system) did: never changed afterwards.

    The admin offers no way to add, change or delete an entry, and on PostgreSQL a trigger
    refuses UPDATE and DELETE on the table (migration 0002). Who did it is kept twice: a
    reference for filtering, and the username as it was, so the entry still reads after the
    account is renamed or deleted (the reference is not a database constraint: deleting a
    user must not have to touch the log).
    """

    class Action(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in (password)"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGNED_OUT = "signed_out", "Signed out"
        SECOND_FACTOR_PASSED = "second_factor_passed", "Second factor passed"
        SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor failed"
        SECOND_FACTOR_ADDED = "second_factor_added", "Second factor added"
        SECOND_FACTOR_REMOVED = "second_factor_removed", "Second factor removed"
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Recovery codes issued"
        SESSION_ENDED = "session_ended", "Session ended"
        GROUPS_ADDED = "groups_added", "Added to roles"
        GROUPS_REMOVED = "groups_removed", "Removed from roles"
        USER_PERMISSIONS_ADDED = "user_permissions_added", "Permissions given"
        USER_PERMISSIONS_REMOVED = "user_permissions_removed", "Permissions taken away"
        STAFF_FLAGS_CHANGED = "staff_flags_changed", "Staff/superuser status changed"
        STAFF_INVITED = "staff_invited", "Staff member invited"
        GROUP_PERMISSIONS_ADDED = "group_permissions_added", "Role gained permissions"
        GROUP_PERMISSIONS_REMOVED = "group_permissions_removed", "Role lost permissions"
        STORY_PUBLISHED = "story_published", "Story published"
        STORY_SCHEDULED = "story_scheduled", "Story scheduled"
        STORY_WITHDRAWN = "story_withdrawn", "Story withdrawn"
        PREVIEW_LINK_CREATED = "preview_link_created", "Preview link created"
        PREVIEW_LINK_REVOKED = "preview_link_revoked", "Preview link revoked"
        SUBSCRIBERS_IMPORTED = "subscribers_imported", "Subscribers imported"
        SUBSCRIBERS_EXPORTED = "subscribers_exported", "Subscribers exported"
        SUBSCRIBER_ERASED = "subscriber_erased", "Subscriber erased"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="person",
    )
    actor_username = models.CharField("username", max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    target = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["actor", "-at"])]

    def __str__(self):
        who = self.actor_username or "system"
        when = date_format(timezone.localtime(self.at), "DATETIME_FORMAT")
        return f"{when} {who}: {self.get_action_display()} {self.target}".strip()


class WorkerHeartbeat(models.Model):
    """A running task worker (`manage.py db_worker`, core.tasklease): renewed every few
    seconds while it lives. A task left "running" by a worker whose heartbeat stopped is
    re-queued by the next worker's sweep; tasks are idempotent, so a re-run is safe."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.worker_id} ({self.host}, pid {self.pid})"


class OutboxTask(models.Model):
    """A task to enqueue, written in the transaction that asked for it (core.outbox).

    The queue may live outside the database (RQ on Redis): enqueueing after commit can fail
    while the work it stands for is already committed. The row survives that failure and is
    deleted once the task is on the queue; the on-commit hook, the task workers and
    `manage.py relay_outbox` retry what is left."""

    task_path = models.CharField(max_length=255)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # A deferred task (Task.using(run_after=...)): the queue holds it back until then.
    run_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task_path} (queued {self.created_at:%Y-%m-%d %H:%M:%S})"
