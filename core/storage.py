"""Local media storage that leaves no half-written file behind.

Django's FileSystemStorage writes an upload chunk by chunk; when the disk fills up (ENOSPC)
or any other write error stops it, the part already written stays on disk under a name no
row refers to. This storage removes it before the error goes on to the caller (object stores
such as S3 never publish a partial object, so only local media needs this).
"""

import os

from django.core.files.storage import FileSystemStorage


class MediaStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError:
            # `name` came from get_available_name, so a file there now is this write's part.
            if not existed and os.path.lexists(full_path):
                os.remove(full_path)
            raise
