"""Checks every upload field shares: the size limit and reading a file's start.

Photo and audio validators both refuse a file over its setting's limit before reading any of
it, and both peek at its first bytes without moving the position Django's storage later
reads from; this is the one copy of each.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError


def refuse_oversized(file, *, limit_bytes: int, upload_an: str) -> None:
    """ValidationError (code "file_too_large") when `file` is over `limit_bytes`.

    `upload_an` finishes "Upload … of at most N MB." ("an image", "audio"). A file whose
    size is unknown passes: the other checks still read it.
    """
    size = getattr(file, "size", None)
    if size is not None and size > limit_bytes:
        limit_mb = limit_bytes // (1024 * 1024)
        raise ValidationError(
            f"This file is too large. Upload {upload_an} of at most {limit_mb} MB.",
            code="file_too_large",
        )


@contextmanager
def from_the_start(file) -> Iterator:
    """`file` rewound to its first byte, put back where it was afterwards (even on errors)."""
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        yield file
    finally:
        if position is not None:
            file.seek(position)
