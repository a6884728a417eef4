"""Signal receivers, connected in ArticlesConfig.ready(): cache invalidation and file clean-up."""

from django.core.cache import cache
from django.db import transaction

from newsroom.context_processors import NAV_SECTIONS_CACHE_KEY

from .renditions import delete_renditions


def forget_navigation_sections(sender, **kwargs):
    # After commit: a rolled-back rename must not leave readers with a stale menu, and a
    # request racing the transaction must not re-cache the old list after we delete it.
    transaction.on_commit(lambda: cache.delete(NAV_SECTIONS_CACHE_KEY))


def delete_photo_renditions(sender, instance, **kwargs):
    renditions = dict(instance.renditions or {})
    transaction.on_commit(lambda: delete_renditions(renditions))
