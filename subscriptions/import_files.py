"""The folder where uploaded subscriber lists wait between the admin's upload and import steps.

What it guarantees: an upload is readable by this server's user only, and is never written
through a name someone else prepared. The default folder lives in the shared system temp
directory, where any local user can create `newsroom-imports` first, or a symlink of that
name to a folder they can read. So the folder is created 0700 and, created or found, used
only if it is a real directory (not a symlink) owned by this process's user with no access
for group or others; otherwise `ImportFolderError` names the problem and nothing is written
or read. Each upload is created with O_EXCL | O_NOFOLLOW and mode 0600, whatever the umask.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.conf import settings
from django.utils import timezone

# An upload nobody has finished importing a day later is abandoned: its link (signed with
# this age) no longer works and remove_stale_uploads deletes it.
IMPORT_FILE_MAX_AGE = 24 * 3600


class ImportFolderError(Exception):
    """SUBSCRIBER_IMPORT_DIR is not private; the message says what to change."""


def check_private_folder(directory: Path) -> Path:
    """`directory` itself, or ImportFolderError saying why it is not private."""
    info = os.lstat(directory)
    if stat.S_ISLNK(info.st_mode):
        raise ImportFolderError(
            f"The subscriber import folder {directory} is a symbolic link. Point "
            "SUBSCRIBER_IMPORT_DIR at a real folder that only this server's user can open."
        )
    if not stat.S_ISDIR(info.st_mode):
        raise ImportFolderError(f"The subscriber import folder {directory} is not a folder.")
    if info.st_uid != os.geteuid():
        raise ImportFolderError(
            f"The subscriber import folder {directory} is owned by user id {info.st_uid}, not "
            f"by this server's user (id {os.geteuid()}). Someone else may have created it to "
            "read uploaded lists: set SUBSCRIBER_IMPORT_DIR to a folder of this user's own."
        )
    if info.st_mode & 0o077:
        raise ImportFolderError(
            f"The subscriber import folder {directory} is open to other users (mode "
            f"{stat.S_IMODE(info.st_mode):o}). Uploaded lists hold personal data: run "
            f"`chmod 700 {directory}` or point SUBSCRIBER_IMPORT_DIR elsewhere."
        )
    return directory


def import_dir() -> Path:
    """SUBSCRIBER_IMPORT_DIR, created if missing; raises ImportFolderError unless private."""
    directory = Path(settings.SUBSCRIBER_IMPORT_DIR)
    directory.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The mode is masked by the umask, which can only narrow 0700; a folder that already
        # exists keeps its own mode and is judged by check_private_folder.
        directory.mkdir(mode=0o700)
    except FileExistsError:
        pass
    return check_private_folder(directory)


def create_private_file(path: Path):
    """A new file at `path`, open for binary writing, mode 0600. Raises FileExistsError if
    anything (a file, a symlink) already has that name: nothing is replaced or followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # the umask cannot widen it, but be explicit
        return os.fdopen(descriptor, "wb")
    except BaseException:
        os.close(descriptor)
        raise


def remove_stale_uploads(max_age_seconds: int = IMPORT_FILE_MAX_AGE) -> int:
    """Delete uploads nobody finished importing (they hold personal data)."""
    cutoff = timezone.now().timestamp() - max_age_seconds
    removed = 0
    if Path(settings.SUBSCRIBER_IMPORT_DIR).is_dir():
        for path in import_dir().glob("*.csv"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
