"""Demo photos: drawn once into storage under stable names, then saved as Photo rows.

A demo photo is known by its file name (`photos/demo/<key>.jpg`), not by a database id, so a
second run finds both the file and the row and draws nothing; a fresh database over an old
media folder reuses the files. Drawing and resizing run in a few threads, because Pillow
releases the GIL while it blurs, resizes and encodes.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections

from photos.models import Photo

from . import images

PHOTO_DIR = "photos/demo"


@dataclass(frozen=True)
class PhotoSpec:
    key: str
    caption: str
    credit: str
    alt_text: str
    portrait: bool = False

    @property
    def name(self):
        return f"{PHOTO_DIR}/{self.key}.jpg"


def _workers():
    return min(4, os.cpu_count() or 1)


def _draw_and_store(spec):
    image = images.draw_portrait(spec.key) if spec.portrait else images.draw_scene(spec.key)
    default_storage.save(spec.name, ContentFile(images.jpeg_bytes(image)))


def store_missing_images(specs):
    """Draw the JPEGs that storage does not have yet; returns how many were drawn."""
    missing = [spec for spec in specs if not default_storage.exists(spec.name)]
    if missing:
        with ThreadPoolExecutor(max_workers=_workers()) as pool:
            # list() re-raises the first error a worker hit.
            list(pool.map(_draw_and_store, missing))
    return len(missing)


def ensure_photo_rows(specs):
    """A Photo for every spec, keyed by spec key; existing rows are returned untouched."""
    by_name = {photo.image.name: photo for photo in Photo.objects.filter(
        image__in=[spec.name for spec in specs]
    )}  # fmt: skip
    photos, created = {}, 0
    for spec in specs:
        photo = by_name.get(spec.name)
        if photo is None:
            # Width and height are read from the stored file by the ImageField itself.
            photo = Photo(
                image=spec.name, caption=spec.caption, credit=spec.credit, alt_text=spec.alt_text
            )
            # The upload validator reads the file it is given, so hand it an open one.
            with photo.image.open("rb"):
                photo.full_clean()
            photo.save()
            created += 1
        photos[spec.key] = photo
    return photos, created


def ensure_all_renditions(photos):
    """Resized copies for every demo photo; a no-op for photos that already have them.

    Outside a transaction the work is shared among threads, each with its own database
    connection (closed when it is done). Inside one (as in the tests) other connections could
    not see the photo rows yet, so everything happens in this thread.
    """
    from photos.renditions import ensure_renditions

    photos = list(photos)
    if connection.in_atomic_block:
        for photo in photos:
            ensure_renditions(photo)
        return

    def make(photo):
        try:
            ensure_renditions(photo)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=_workers()) as pool:
        list(pool.map(make, photos))
