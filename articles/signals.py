"""Signal receivers, connected in ArticlesConfig.ready(): file clean-up (cached pages follow
the rows articles.pages declares)."""

from django.db import transaction

from .renditions import delete_renditions


def delete_photo_renditions(sender, instance, **kwargs):
    renditions = dict(instance.renditions or {})
    transaction.on_commit(lambda: delete_renditions(renditions))
