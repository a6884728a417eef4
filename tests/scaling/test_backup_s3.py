"""Media on S3 backed up into the tarball and restored into an empty bucket (moto's S3
server on port 8301, this helper's range, else any free port)."""

import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.backup import backup_media, restore_media
from tests.scaling.conftest import port_is_free, stop, wait_for_port

BUCKET = "newsroom-backup-test"


@pytest.fixture
def s3_bucket(settings):
    port = 8301 if port_is_free(8301) else 0
    if not port:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_bucket(Bucket=BUCKET)
        settings.MEDIA_STORAGE = "s3"
        settings.AWS_STORAGE_BUCKET_NAME = BUCKET
        settings.AWS_S3_ENDPOINT_URL = endpoint
        settings.AWS_S3_REGION_NAME = "us-east-1"
        settings.AWS_ACCESS_KEY_ID = "testing"
        settings.AWS_SECRET_ACCESS_KEY = "testing"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        }
        yield client
    finally:
        stop(process)


def keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_bucket_media_round_trips_through_a_backup(s3_bucket, tmp_path):
    files = {
        "photos/2026/12/harbour.jpg": b"\xff\xd8 not really a photo",
        "renditions/ab/cd/harbour-640.webp": b"RIFF a rendition",
        "audio/reading.mp3": b"ID3 a reading",
    }
    for name, data in files.items():
        default_storage.save(name, ContentFile(data))
    assert backup_media(tmp_path) == 3

    for name in files:
        s3_bucket.delete_object(Bucket=BUCKET, Key=name)
    assert keys(s3_bucket) == set()

    assert restore_media(tmp_path) == 3
    assert keys(s3_bucket) == set(files)
    for name, data in files.items():
        body = s3_bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()
        assert body == data
