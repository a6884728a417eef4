"""Demo photos made outside a transaction, as `manage.py load_demo` makes them.

Kept apart from test_demo.py, whose module-wide demo lives inside one open transaction.
"""

import pytest

from demo import images
from demo.photos import (
    PhotoSpec,
    ensure_all_renditions,
    ensure_photo_rows,
    store_missing_images,
)
from photos.models import Photo


@pytest.mark.django_db(transaction=True)
def test_renditions_are_made_in_threads_outside_a_transaction():
    specs = [
        PhotoSpec(key=f"thread-{n}", caption="A field", credit="Test/Newsroom", alt_text="Field")
        for n in range(4)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "PHOTO_SIZE", (700, 466))
        assert store_missing_images(specs) == 4
    photos, created = ensure_photo_rows(specs)
    assert created == 4

    ensure_all_renditions(photos.values())

    assert Photo.objects.count() == 4
    for photo in Photo.objects.all():
        assert photo.renditions["widths"] == [320, 640], photo
    # A second pass finds every file and row in place.
    assert store_missing_images(specs) == 0
    assert ensure_photo_rows(specs)[1] == 0
