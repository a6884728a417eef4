"""Signal receivers, connected in PhotosConfig.ready(): file clean-up."""

from django.db import transaction

from .renditions import delete_renditions


def delete_photo_renditions(sender, instance, **kwargs):
    renditions = dict(instance.renditions or {})
    transaction.on_commit(lambda: delete_renditions(renditions))
