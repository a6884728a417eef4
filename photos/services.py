"""Saving a photo: checks, the uploader, and the resized copies readers get."""

import errno

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import rules
from .models import Photo
from .renditions import delete_renditions, ensure_renditions, stale_files

User = AbstractBaseUser | AnonymousUser | None


class PhotoNotStored(Exception):
    """Storage refused the photo's files (a full disk, mostly); nothing was saved."""

    def __init__(self, error: OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            reason = "the media storage is full"
        else:
            reason = f"the media storage failed ({error.strerror or error})"
        super().__init__(
            f"The photo could not be stored: {reason}. Nothing was saved. Upload it again "
            "once an administrator has made room."
        )


def _staff(user: User):
    """The user to record, or None for anonymous callers (scripts pass None)."""
    return user if user is not None and user.is_authenticated else None


def _checked(user: User) -> bool:
    """Whether rules apply: scripts and commands pass no user and act as the system."""
    return _staff(user) is not None


@transaction.atomic
def save_photo(*, photo: Photo, by: User) -> Photo:
    """Validate and save a photo, then make its resized renditions.

    The renditions are written inside the request: an editor who uploads a photo and
    publishes a minute later must never send the original to readers' phones.
    """
    stored = None
    if photo.pk is None:
        photo.uploaded_by = photo.uploaded_by or _staff(by)
    else:
        stored = Photo.objects.filter(pk=photo.pk).values("image", "renditions").first()
        refusal = rules.refusal(by, photo) if _checked(by) else None
        if refusal:
            raise PermissionDenied(refusal)
    # A file already in storage was checked when it was uploaded; reading it back on every
    # caption edit would fetch the whole original (from S3 in production) for nothing.
    unchanged_image = stored is not None and stored["image"] == photo.image.name
    photo.full_clean(exclude=["image"] if unchanged_image else None)
    try:
        photo.save()
        ensure_renditions(photo)
    except OSError as error:
        # Nothing of this save is kept: the transaction rolls back, and the new original
        # goes too (a half-written one was removed by the storage, core/storage.py).
        if not unchanged_image and photo.image.name and photo.image._committed:
            photo.image.storage.delete(photo.image.name)
        raise PhotoNotStored(error) from error
    old_renditions = (stored or {}).get("renditions") or {}
    current = dict(photo.renditions or {})
    if stale_files(old_renditions, current):
        # A replaced image, or a crop cut elsewhere: the copies no longer listed anywhere go
        # once the new ones are committed (a page cached until then still finds them).
        transaction.on_commit(lambda: delete_renditions(old_renditions, keep=current))
    return photo
