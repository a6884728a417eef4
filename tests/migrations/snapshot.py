"""What the app-move test compares: every row of the story apps and of what points at them.

Run as a script against the database in DATABASE_URL (`python tests/migrations/snapshot.py`),
it prints one JSON document: per model (by its current label) every row in primary-key order,
plus what the rows resolve to through content types (permissions, group grants, reversion
versions, admin log entries). `build_fixture.py` stored its output next to the fixture
databases when they were made; the test runs it again after `migrate` and compares, with the
labels of moved models mapped from old to new.
"""

import json
import os
import sys
from pathlib import Path

# The apps whose models moved or may move, and those that point at them by content type.
WATCHED_APPS = (
    "articles",
    "photos",
    "editorial",
    "taggit",
    "reversion",
    "admin",
    "auth",
    "contenttypes",
    "live",
)
# Filled by the database from other columns; compared through the columns it is made of.
SKIPPED_FIELDS = {"search_vector"}
# Columns added since the fixture was made (rows stored then have no value for them); a
# fresh `migrate` of every test database checks the migrations that add them.
ADDED_FIELDS = {"crop_overrides"}  # photos 0002_crop_overrides


def label(model):
    return f"{model._meta.app_label}.{model._meta.object_name}"


def rows(model):
    fields = [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname not in SKIPPED_FIELDS | ADDED_FIELDS
    ]
    return list(model._base_manager.order_by("pk").values_list(*fields))


def resolved(find):
    """What an object found through a content type is: its model's label and its key, or
    why it cannot be found."""
    try:
        obj = find()
    except Exception as error:  # noqa: BLE001 - the failure is what gets compared
        return f"unresolved: {type(error).__name__}"
    return None if obj is None else [label(type(obj)), obj.pk]


def take() -> dict:
    from django.apps import apps
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from reversion.models import Version

    models = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in WATCHED_APPS:
            models[label(model)] = rows(model)
    content_types = {
        ct.pk: label(ct.model_class()) if ct.model_class() else None
        for ct in ContentType.objects.order_by("pk")
    }
    grants = {
        group.name: sorted(
            f"{perm.content_type.app_label}.{perm.codename}"
            for perm in group.permissions.select_related("content_type")
        )
        for group in Group.objects.order_by("name")
    }
    versions = []
    for version in Version.objects.order_by("pk"):
        # field_dict deserializes the stored copy with today's model: a label it cannot
        # find, or a field that went missing, fails here.
        fields = sorted(version.field_dict)
        versions.append([version.pk, resolved(lambda: version.object), fields])
    log = [
        [entry.pk, resolved(entry.get_edited_object), entry.object_repr]
        for entry in LogEntry.objects.order_by("pk")
    ]
    return {
        "models": models,
        "content_types": content_types,
        "grants": grants,
        "versions": versions,
        "log": log,
    }


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django
    from django.core.serializers.json import DjangoJSONEncoder

    django.setup()
    # Through JSON and back, so lists and tuples, dates and strings compare alike.
    json.dump(json.loads(json.dumps(take(), cls=DjangoJSONEncoder)), sys.stdout, indent=1)


if __name__ == "__main__":
    main()
