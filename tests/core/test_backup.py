"""A backup of the demo site restored into a fresh database and media folder serves the same
pages and sends to the same subscribers (PostgreSQL pass: pg_dump and pg_restore)."""

import json
import os
import re
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from articles.models import Article
from demo import images
from newsletters.models import Newsletter
from subscriptions.services import active_recipients

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def snapshot() -> dict:
    """What readers and the sender see: each page's status, title, headline and images, and
    each newsletter's recipients. Run here and, against the restored copy, in a subprocess."""
    client = Client()
    urls = ["/", *[story.get_absolute_url() for story in Article.objects.published()[:6]]]
    urls += [story.section.get_absolute_url() for story in Article.objects.published()[:2]]
    pages = {}
    for url in urls:
        response = client.get(url)
        html = response.content.decode()
        pages[url] = {
            "status": response.status_code,
            "title": re.findall(r"<title>(.*?)</title>", html, re.S),
            "h1": re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S),
            "images": sorted(set(re.findall(r'src="(/media/[^"]+)"', html))),
        }
    recipients = {
        newsletter.slug: sorted(active_recipients(newsletter).values_list("email", flat=True))
        for newsletter in Newsletter.objects.all()
    }
    return {"pages": pages, "recipients": recipients}


def fresh_database(name):
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST']}:{db['PORT']}/{name}"


def in_restored_site(env, *command):
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_restored_backup_serves_the_same_pages_to_the_same_subscribers(
    tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(images, "PHOTO_SIZE", (480, 320))
    monkeypatch.setattr(images, "PORTRAIT_SIZE", (320, 320))
    call_command("load_demo", verbosity=0)
    before = snapshot()
    assert any(page["images"] for page in before["pages"].values())
    assert any(before["recipients"].values())

    call_command("backup_site", str(tmp_path / "backup"), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_site", str(tmp_path / "backup"), verbosity=0)

    restored_db = fresh_database(f"{connection.settings_dict['NAME']}_restored")
    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "DATABASE_URL": restored_db, "MEDIA_ROOT": str(restored_media)}
    in_restored_site(env, "restore_site", str(tmp_path / "backup"))
    script = (
        "import json; from tests.core.test_backup import snapshot; print(json.dumps(snapshot()))"
    )
    after = json.loads(in_restored_site(env, "shell", "-c", script).strip().splitlines()[-1])

    assert after == json.loads(json.dumps(before))
    for page in after["pages"].values():
        for src in page["images"]:
            relative = src.removeprefix(settings.MEDIA_URL)
            assert (restored_media / relative).is_file(), src
            assert (restored_media / relative).read_bytes() == (
                settings.MEDIA_ROOT / relative
            ).read_bytes()

    # A second restore into the now full database is refused, and loses nothing.
    with pytest.raises(AssertionError, match="not empty"):
        in_restored_site(env, "restore_site", str(tmp_path / "backup"))
