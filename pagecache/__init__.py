"""Full-page and fragment caching for anonymous readers, invalidated on publish.

docs/caching.md explains the design; `invalidate_pages()` is the one call other apps need
when something they own changes what readers see.
"""

from .state import invalidate_pages

__all__ = ["invalidate_pages"]
