from django.apps import AppConfig
from django.db.models.signals import post_delete


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = "Photos"

    def ready(self):
        from . import signals
        from .models import Photo

        post_delete.connect(
            signals.delete_photo_renditions,
            sender=Photo,
            dispatch_uid="photos.delete_photo_renditions",
        )
