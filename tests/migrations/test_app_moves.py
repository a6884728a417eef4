"""Moving models between apps keeps every row and everything that points at them.

The fixture databases (tests/migrations/fixtures/) were made at commit 76fe186, before any
story model left `articles` (build_fixture.py), together with a snapshot of them. Each test
copies one, runs today's `migrate` on it in a separate process, takes the snapshot again and
compares it per model with the stored one, old labels mapped to new: every row (so counts
and keys), content types (same ids, new app label), permissions and group grants, reversion
versions resolving to their objects (and still readable), admin log entries pointing at the
same objects.

A fresh `migrate` from zero runs in every pass as well: pytest-django builds each test
database (SQLite, then PostgreSQL in CI) by running every migration on an empty database.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SNAPSHOT = Path(__file__).parent / "snapshot.py"

# Models that left their app since the fixture was made: old label -> new label.
MOVED = {
    "articles.Photo": "photos.Photo",
    "articles.StatusChange": "editorial.StatusChange",
    "articles.PreviewLink": "editorial.PreviewLink",
    "articles.AutosaveDraft": "editorial.AutosaveDraft",
    "newsletters.Newsletter": "subscriptions.Newsletter",
}

# Rows other changes may add to (a new model's content type and permissions, a role that
# gains a permission): every stored row must still be there; more is allowed.
GROWING = {"contenttypes.ContentType", "auth.Permission", "auth.Group_permissions"}


def on_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def run(*args, database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def migrated_snapshot(database_url):
    run("manage.py", "migrate", "--noinput", database_url=database_url)
    return json.loads(run(str(SNAPSHOT), database_url=database_url))


def moved_apps():
    """(old app label, model name in lower case) -> new app label."""
    moved = {}
    for old, new in MOVED.items():
        old_app, model = old.split(".")
        moved[(old_app, model.lower())] = new.split(".")[0]
    return moved


def new_label(label):
    return MOVED.get(label, label) if isinstance(label, str) else label


def resolved(found):
    """A [label, pk] pair with its label mapped; an 'unresolved: …' string as it is."""
    return [new_label(found[0]), found[1]] if isinstance(found, list) else found


def expected_after_moves(stored):
    apps = moved_apps()
    content_types = stored["models"]["contenttypes.ContentType"]
    app_of_ct = {pk: apps.get((app, model), app) for pk, app, model in content_types}
    ct_of_perm = {
        (ct_app, codename): ct_pk
        for _, _, ct_pk, codename in stored["models"]["auth.Permission"]
        for pk, ct_app, _ in content_types
        if pk == ct_pk
    }
    models = {new_label(label): rows for label, rows in stored["models"].items()}
    models["contenttypes.ContentType"] = [
        [pk, app_of_ct[pk], model] for pk, _, model in content_types
    ]
    grants = {}
    for group, perms in stored["grants"].items():
        grants[group] = sorted(
            f"{app_of_ct[ct_of_perm[tuple(perm.split('.'))]]}.{perm.split('.')[1]}"
            for perm in perms
        )
    return {
        "models": models,
        "content_types": {pk: new_label(label) for pk, label in stored["content_types"].items()},
        "grants": grants,
        "versions": [[pk, resolved(found), fields] for pk, found, fields in stored["versions"]],
        "log": [[pk, resolved(found), text] for pk, found, text in stored["log"]],
    }


def attnames(label):
    from django.apps import apps

    from tests.migrations.snapshot import SKIPPED_FIELDS

    model = apps.get_model(label)
    return [f.attname for f in model._meta.concrete_fields if f.attname not in SKIPPED_FIELDS]


def check_embeds_moved_into_bodies(expected, actual):
    """Migration 0013: every RelatedEmbed row went into its story's body as a block, at its
    place, and the rest of every story row is as it was. Checked here, then left out of the
    row-for-row comparison; the embeds' old revisions now resolve to nothing."""
    from articles.body import take_out_blocks

    embed_fields, story_fields = attnames("articles.RelatedEmbed"), attnames("articles.Article")
    old_embeds = [dict(zip(embed_fields, row, strict=True))
                  for row in expected["models"].pop("articles.RelatedEmbed")]  # fmt: skip
    assert old_embeds, "the fixture has embeds to move"
    assert actual["models"].pop("articles.RelatedEmbed") == []
    body = story_fields.index("body")
    old_rows, new_rows = expected["models"]["articles.Article"], actual["models"]["articles.Article"]
    assert len(old_rows) == len(new_rows)
    for old, new in zip(old_rows, new_rows, strict=True):
        assert old[:body] + old[body + 1 :] == new[:body] + new[body + 1 :], old[0]
        kept, taken = take_out_blocks(new[body], {"story", "link", "media"})
        assert kept == old[body]
        embeds = sorted((e for e in old_embeds if e["article_id"] == old[0]),
                        key=lambda e: (e["position"], e["id"]))  # fmt: skip
        assert [
            (b.kind, b.get("data-story"), b.get("data-title"), b.get("data-excerpt"))
            for _, b in taken
        ] == [
            (e["kind"], str(e["target_article_id"] or ""), e["title"], e["excerpt"])
            for e in embeds
        ]
        for (_, block), embed in zip(taken, embeds, strict=True):
            if embed["kind"] != "story":
                assert block.get("data-url") == embed["url"]
                assert block.get("data-source") == embed["source_name"]
                assert block.get("data-photo") == str(embed["image_id"] or "")
            else:
                assert block.get("data-headline") and block.get("data-url").startswith("/")
    expected["models"].pop("articles.Article"), actual["models"].pop("articles.Article")
    moved = {e["id"] for e in old_embeds}
    for version in expected["versions"]:
        if version[1] and version[1][0] == "articles.RelatedEmbed" and version[1][1] in moved:
            version[1] = None


def compare(actual, stored):
    expected = expected_after_moves(stored)
    check_embeds_moved_into_bodies(expected, actual)
    for label, rows in expected["models"].items():
        assert label in actual["models"], f"{label} is gone"
        found = actual["models"][label]
        if label in GROWING:
            missing = [row for row in rows if row not in found]
            assert not missing, f"{label}: rows lost or changed: {missing[:5]}"
        else:
            assert len(found) == len(rows), f"{label}: {len(found)} rows, expected {len(rows)}"
            assert found == rows, f"{label}: rows differ"
    for pk, label in expected["content_types"].items():
        assert actual["content_types"].get(pk) == label, f"content type {pk}"
    for group, perms in expected["grants"].items():
        lost = set(perms) - set(actual["grants"].get(group, []))
        assert not lost, f"group {group} lost {sorted(lost)}"
    assert actual["versions"] == expected["versions"]
    assert actual["log"] == expected["log"]


def test_sqlite_fixture_migrates_with_every_row_and_reference(tmp_path):
    if on_postgres():
        pytest.skip("the SQLite fixture runs in the SQLite pass")
    copy = tmp_path / "fixture.sqlite3"
    copy.write_bytes((FIXTURES / "articles-76fe186.sqlite3").read_bytes())
    actual = migrated_snapshot(f"sqlite:///{copy}")
    compare(actual, json.loads((FIXTURES / "expected-sqlite.json").read_text()))


def restore_dump(database_url):
    """Restore the plain-SQL dump into a new database of its own (psycopg, no psql needed)."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    scratch = f"{name}_app_moves_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
    # psql's meta-commands (\restrict) are not SQL; everything else runs as it is.
    dump = "".join(
        line
        for line in (FIXTURES / "articles-76fe186.sql").open()
        if not line.startswith("\\")
    )
    with psycopg.connect(scratch_url, autocommit=True) as connection:
        connection.execute(dump)
    return admin_url, scratch, scratch_url


@pytest.mark.postgres
def test_postgres_dump_migrates_with_every_row_and_reference():
    admin_url, scratch, scratch_url = restore_dump(os.environ["DATABASE_URL"])
    try:
        actual = migrated_snapshot(scratch_url)
    finally:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    compare(actual, json.loads((FIXTURES / "expected-postgres.json").read_text()))


def test_the_mapping_is_applied():
    """The comparison maps what moved: a stored snapshot of a moved model compares equal to
    one taken under its new label, and not to one left under the old."""
    stored = json.loads((FIXTURES / "expected-sqlite.json").read_text())
    expected = expected_after_moves(stored)
    types = {(app, model) for _, app, model in expected["models"]["contenttypes.ContentType"]}
    for old, new in MOVED.items():
        assert new not in stored["models"]
        # The fixture snapshots the rows of articles and live (Newsletter's are not in it);
        # every moved model's content type is, and is expected under its new label.
        if old in stored["models"]:
            assert new in expected["models"]
        new_app, model = new.split(".")
        assert (new_app, model.lower()) in types
        assert (old.split(".")[0], model.lower()) not in types
