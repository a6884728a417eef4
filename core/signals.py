"""Audit entries for what Django's own auth machinery does, wherever it is done from.

Sign-ins, sign-outs and failures come from contrib.auth's signals (the admin's login form, the test
client, any other login view). Role and permission changes are recorded where they reach
the database, so the admin's user and group forms, the shell and a script are all caught:
many-to-many changes as the rows are added or removed, staff and superuser flags on save.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save

from . import audit
from .audit import Action

STAFF_FLAGS = ("is_staff", "is_superuser", "is_active")


def _signed_in(sender, request, user, **kwargs):
    audit.record(action=Action.SIGNED_IN, target=user.get_username(), actor=user, request=request)


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(
            action=Action.SIGNED_OUT, target=user.get_username(), actor=user, request=request
        )


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))[:150]
    audit.record(action=Action.SIGN_IN_FAILED, target=username, request=request)


def _names(model, pks):
    field = "name" if model is Group else "codename"
    if model is Permission:
        rows = model.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    if model is Group:
        return sorted(model.objects.filter(pk__in=pks).values_list(field, flat=True))
    return sorted(model.objects.filter(pk__in=pks).values_list(model.USERNAME_FIELD, flat=True))


def _membership_changed(action_added, action_removed, user_side):
    """A receiver for User.groups / User.user_permissions / Group.permissions changes, from
    either end (user.groups.add(...) or group.user_set.add(...)): one entry per call."""

    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action not in ("post_add", "post_remove") or not pk_set:
            return
        kind = action_added if action == "post_add" else action_removed
        if reverse and user_side:
            # group.user_set.add(alice, bob): the users are the targets.
            for username in _names(model, pk_set):
                audit.record(action=kind, target=username, changed=[str(instance)])
            return
        audit.record(action=kind, target=str(instance), changed=_names(model, pk_set))

    return receiver


_groups_changed = _membership_changed(Action.GROUPS_ADDED, Action.GROUPS_REMOVED, True)
_user_permissions_changed = _membership_changed(
    Action.USER_PERMISSIONS_ADDED, Action.USER_PERMISSIONS_REMOVED, True
)
_group_permissions_changed = _membership_changed(
    Action.GROUP_PERMISSIONS_ADDED, Action.GROUP_PERMISSIONS_REMOVED, False
)


def _remember_staff_flags(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not set(update_fields) & set(STAFF_FLAGS):
        return  # e.g. the last_login stamp on every sign-in
    before = (
        sender.objects.filter(pk=instance.pk).values(*STAFF_FLAGS).first() if instance.pk else None
    )
    instance._audit_flags_before = before or dict.fromkeys(STAFF_FLAGS, False)


def _staff_flags_changed(sender, instance, created, **kwargs):
    before = instance.__dict__.pop("_audit_flags_before", None)
    if before is None:
        return
    changes = {
        flag: getattr(instance, flag)
        for flag in STAFF_FLAGS
        if before[flag] != getattr(instance, flag) and not (created and flag == "is_active")
    }
    if changes:
        audit.record(
            action=Action.STAFF_FLAGS_CHANGED,
            target=instance.get_username(),
            changes=changes,
            created=created,
        )


def connect():
    User = get_user_model()
    user_logged_in.connect(_signed_in, dispatch_uid="core.audit.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="core.audit.signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="core.audit.sign_in_failed")
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="core.audit.groups"
    )
    m2m_changed.connect(
        _user_permissions_changed,
        sender=User.user_permissions.through,
        dispatch_uid="core.audit.user_permissions",
    )
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="core.audit.group_permissions",
    )
    pre_save.connect(_remember_staff_flags, sender=User, dispatch_uid="core.audit.flags_before")
    post_save.connect(_staff_flags_changed, sender=User, dispatch_uid="core.audit.flags_after")
