"""Media on S3-compatible object storage (MEDIA_STORAGE=s3), against moto's S3 server.

Every app server and worker must see the same files: an upload, its renditions, their URLs
on the story page, and their clean-up all go through `default_storage`, never MEDIA_ROOT.
"""

import json
import os
import subprocess
import sys
import urllib.request

import boto3
import pytest

from photos import services as photo_services
from photos.models import Photo
from photos.renditions import rendition_files
from tests.articles.reader_helpers import start_tags
from tests.factories import ArticleFactory, BylineFactory, uploaded_jpeg
from tests.scaling.conftest import ROOT

pytestmark = pytest.mark.django_db

BUCKET = "newsroom-media-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    # As docs/deploy.md says to set it up: anyone may read (photos are public), only the
    # site's key may write.
    client.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{BUCKET}/*",
                    }
                ],
            }
        ),
    )
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_QUERYSTRING_AUTH = False
    settings.AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    # Changing STORAGES makes Django build default_storage afresh, now an S3Storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_an_upload_and_its_renditions_live_in_the_bucket(
    bucket, s3_endpoint, settings, client, django_capture_on_commit_callbacks
):
    photo = photo_services.save_photo(
        photo=Photo(
            image=uploaded_jpeg(width=1700, height=1000),
            caption="Ferry at the river port",
            credit="Test Photographer/Newsroom",
            alt_text="A white ferry moored at a quay",
        ),
        by=None,
    )

    stored = keys(bucket)
    assert photo.image.name in stored
    renditions = {key for key in stored if key.startswith(f"renditions/{photo.pk}/")}
    # 320, 640, 1024 and 1600 px, each as WebP and JPEG; then the crops (photos.crops): wide
    # at the same four widths, card (1500 px) up to 1024, square (1000 px) up to 640.
    assert len(renditions) == 8 + 8 + 6 + 4
    assert renditions == rendition_files(photo.renditions)
    head = bucket.head_object(Bucket=BUCKET, Key=sorted(renditions)[0])
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert not (settings.MEDIA_ROOT / "renditions").exists()

    story = ArticleFactory(lead_photo=photo)
    BylineFactory(article=story)
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    sources = [s["srcset"] for s in start_tags(page.content, "source")]
    webp = sources[0].split(", ")[0].split(" ")[0]
    assert webp.startswith(f"{s3_endpoint}/{BUCKET}/renditions/{photo.pk}/")
    # The URL needs no signature: readers (and CDNs) fetch it as it is.
    with urllib.request.urlopen(webp, timeout=10) as response:
        assert response.headers["Content-Type"] == "image/webp"
        assert response.read(12)[8:12] == b"WEBP"

    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not any(key.startswith(f"renditions/{photo.pk}/") for key in keys(bucket))


def test_renditions_already_in_the_bucket_are_not_made_again(bucket):
    photo = photo_services.save_photo(
        photo=Photo(
            image=uploaded_jpeg(width=700, height=500),
            caption="Night market",
            credit="Test Photographer/Newsroom",
            alt_text="Stalls lit by lamps",
        ),
        by=None,
    )
    before = {
        key: bucket.head_object(Bucket=BUCKET, Key=key)["LastModified"]
        for key in keys(bucket)
        if key.startswith("renditions/")
    }
    from photos.renditions import ensure_renditions

    ensure_renditions(Photo.objects.get(pk=photo.pk))
    after = {key: bucket.head_object(Bucket=BUCKET, Key=key)["LastModified"] for key in before}
    assert after == before
    # 320 and 640 px (the original is 700 wide), WebP and JPEG; the same for the wide and
    # card crops (700 px wide), and 320 px for the square (500 px).
    assert len(before) == 4 + 4 + 4 + 2


def test_settings_switch_to_the_bucket_from_the_environment():
    """MEDIA_STORAGE=s3 and the AWS_* variables, read by newsroom/settings.py itself."""
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'backend': settings.STORAGES['default']['BACKEND'],"
        " 'media_url': settings.MEDIA_URL, 'bucket': settings.AWS_STORAGE_BUCKET_NAME,"
        " 'endpoint': settings.AWS_S3_ENDPOINT_URL, 'csp': settings.CONTENT_SECURITY_POLICY"
        "['DIRECTIVES']['img-src']}))"
    )
    env = {
        **os.environ,
        **CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
        "AWS_S3_ENDPOINT_URL": "https://objects.example.org",
    }
    output = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(output.strip().splitlines()[-1])
    assert found["backend"] == "storages.backends.s3.S3Storage"
    assert found["media_url"] == "https://objects.example.org/newsroom-media/"
    assert found["bucket"] == "newsroom-media"
    # Photos from the bucket are allowed by the Content-Security-Policy.
    assert "https://objects.example.org" in found["csp"]
