"""One cache for what readers see, retired on commit: whole pages, shared blocks and data,
all kept on one generation. docs/caching.md explains the design.

What other apps use (pagecache imports none of them):
- `shown_on_pages(model, public=None)` in their ready(): which rows change public pages;
- `schedule_from(next_public_at)` in their ready(): when rows become public by their clock;
- `cached(name, build, request=...)`: data many pages show, built once per generation;
- `{% shared_block %}` (pagecache_tags) or `pagecache.blocks.render_block`: HTML likewise;
- `invalidate_pages()`: for a change no registered row reports (a bulk `update()`);
- `pagecache.private.private_view` / `mark_private`: a view whose pages are its own.
"""

from .registry import shown_on_pages
from .state import invalidate_pages, schedule_from
from .store import cached

__all__ = ["cached", "invalidate_pages", "schedule_from", "shown_on_pages"]
