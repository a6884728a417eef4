"""Audio versions of stories: where uploads are stored and what is accepted.

An upload must carry an allowed extension *and* start like that kind of file: a renamed
script or document is refused even when it is called "story.mp3".
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.uploads import from_the_start, refuse_oversized

# Extension → MIME type served in <source type> and feed enclosures.
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg"}
ALLOWED_AUDIO_NAMES = "MP3, M4A or Ogg"
# ISO BMFF brands an M4A (or an MP4 holding only audio) may declare in its "ftyp" box.
M4A_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"dash", b"MSNV"}


def audio_upload_to(instance, filename):
    # A generated name: nothing the uploader typed becomes part of a path.
    suffix = PurePath(filename).suffix.lower()
    return f"audio/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def audio_mime_type(name: str) -> str:
    return AUDIO_TYPES.get(PurePath(name or "").suffix.lower(), "application/octet-stream")


def _looks_like(suffix: str, head: bytes) -> bool:
    if suffix == ".mp3":
        # An ID3v2 tag, or straight into an MPEG audio frame (11 sync bits set).
        return head.startswith(b"ID3") or (
            len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
        )
    if suffix == ".m4a":
        return head[4:8] == b"ftyp" and head[8:12] in M4A_BRANDS
    if suffix == ".ogg":
        return head.startswith(b"OggS")
    return False


def validate_audio_file(file):
    """Refuse files that are too large, have another extension or do not start as they claim."""
    if getattr(file, "_committed", False):
        # Already in storage, checked when it was uploaded: re-reading it on every story save
        # would fetch it (from S3 in production) for nothing.
        return
    suffix = PurePath(getattr(file, "name", "") or "").suffix.lower()
    if suffix not in AUDIO_TYPES:
        raise ValidationError(
            f"Upload an {ALLOWED_AUDIO_NAMES} file (.mp3, .m4a or .ogg).", code="invalid_extension"
        )
    refuse_oversized(file, limit_bytes=settings.AUDIO_MAX_UPLOAD_BYTES, upload_an="audio")
    with from_the_start(file):
        head = file.read(16)
    if not _looks_like(suffix, head):
        raise ValidationError(
            f"This file is not {suffix[1:].upper()} audio. Export the recording as "
            f"{ALLOWED_AUDIO_NAMES} and upload it again.",
            code="invalid_audio",
        )
