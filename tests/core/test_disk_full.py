"""A full media disk during a photo upload (ENOSPC, injected at the file write): the editor
gets a form error, not a 500; no half-written original and no rendition is left; nothing is
saved. Injected by wrapping the file FileSystemStorage writes into, which accepts a few bytes
and then fails the way a full disk does."""

import errno
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.storage import filesystem as filesystem_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article
from core.storage import MediaStorage
from photos import services as photo_services
from photos.models import Photo
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


class FullDisk:
    """Lets `room` bytes through in all, then every write raises ENOSPC; with `files`, the
    disk fills half-way through the file after the first `files` ones."""

    def __init__(self, monkeypatch, room=None, files=None):
        self.room = float("inf") if room is None else room
        self.files = files
        real_fdopen = os.fdopen
        disk = self

        class Writer:
            def __init__(self, fd, mode):
                self.file = real_fdopen(fd, mode)
                if disk.files is not None:
                    if disk.files == 0:
                        disk.room = 10
                    disk.files -= 1

            def write(self, data):
                if len(data) > disk.room:
                    self.file.write(data[: disk.room])
                    self.file.flush()
                    disk.room = 0
                    raise OSError(errno.ENOSPC, "No space left on device")
                disk.room -= len(data)
                return self.file.write(data)

            def close(self):
                self.file.close()

        monkeypatch.setattr(filesystem_storage.os, "fdopen", Writer)


def files_under(root):
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def new_photo(content):
    return Photo(
        image=SimpleUploadedFile("harbour.jpg", content, content_type="image/jpeg"),
        caption="Boats tied up in the harbour",
        credit="Invented Photographer/Newsroom",
        alt_text="Small boats along a stone quay",
    )


def test_the_storage_removes_what_a_failed_write_left(monkeypatch, settings):
    FullDisk(monkeypatch, room=100)
    storage = MediaStorage()
    with pytest.raises(OSError) as error:
        storage.save("photos/half.jpg", ContentFile(b"x" * 5000))
    assert error.value.errno == errno.ENOSPC
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_full_disk_while_writing_the_original_saves_nothing(monkeypatch, settings):
    content = jpeg_bytes(1300, 866)
    FullDisk(monkeypatch, room=len(content) // 2)
    with pytest.raises(photo_services.PhotoNotStored, match="media storage is full"):
        photo_services.save_photo(photo=new_photo(content), by=None)
    assert not Photo.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_full_disk_while_writing_renditions_leaves_none_and_no_original(monkeypatch, settings):
    content = jpeg_bytes(1300, 866)
    # The original and three renditions fit; the fourth fills the disk.
    FullDisk(monkeypatch, files=4)
    with pytest.raises(photo_services.PhotoNotStored):
        photo_services.save_photo(photo=new_photo(content), by=None)
    assert not Photo.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_the_editor_gets_a_form_error_and_keeps_what_they_typed(
    admin_client, monkeypatch, settings
):
    story = Article.objects.first()
    before = list(Article.objects.values()) if story else []
    content = jpeg_bytes(1300, 866)
    FullDisk(monkeypatch, files=4)
    response = admin_client.post(
        "/admin/photos/photo/add/",
        {
            "image": SimpleUploadedFile("harbour.jpg", content, content_type="image/jpeg"),
            "caption": "Boats tied up in the harbour",
            "credit": "Invented Photographer/Newsroom",
            "alt_text": "Small boats along a stone quay",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "media storage is full" in " ".join(form.errors["image"])
    assert form["caption"].value() == "Boats tied up in the harbour"
    assert b"media storage is full" in response.content
    assert not Photo.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []
    assert list(Article.objects.values()) == before


def test_with_room_again_the_same_upload_works(admin_client, settings):
    content = jpeg_bytes(1300, 866)
    response = admin_client.post(
        "/admin/photos/photo/add/",
        {
            "image": SimpleUploadedFile("harbour.jpg", content, content_type="image/jpeg"),
            "caption": "Boats tied up in the harbour",
            "credit": "Invented Photographer/Newsroom",
            "alt_text": "Small boats along a stone quay",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert default_storage.exists(photo.image.name)
    assert default_storage.exists(f"{photo.renditions['base']}-320.jpg")
