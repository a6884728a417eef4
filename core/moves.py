"""Moving a model to another app without losing what points at it.

A model that moves keeps its table (or has it renamed) by SeparateDatabaseAndState; what is
left is the rows that name the model by its app label: its content type, and through that
id its permissions (and every group and user holding them), admin log entries, tagged items
and reversion versions. `move_content_types` renames the content type in place, so all of
those keep pointing at the same id, and rewrites the label inside reversion's stored copies
so old versions still deserialize. On a fresh database there is nothing to rename yet: the
content type is made under the new label after `migrate`.
"""

import json

from django.db import migrations


def _rename(apps, old_app: str, new_app: str, models: list[str]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        old = ContentType.objects.filter(app_label=old_app, model=model).first()
        if old is None:
            continue
        if ContentType.objects.filter(app_label=new_app, model=model).exists():
            raise RuntimeError(
                f"Both {old_app}.{model} and {new_app}.{model} have a content type; "
                f"merge them by hand (permissions, log entries) before migrating again."
            )
        old.app_label = new_app
        old.save(update_fields=["app_label"])
        _relabel_versions(apps, old.pk, f"{old_app}.{model}", f"{new_app}.{model}")


def _relabel_versions(apps, content_type_id: int, old_label: str, new_label: str) -> None:
    try:
        Version = apps.get_model("reversion", "Version")
    except LookupError:
        return
    for version in Version.objects.filter(content_type_id=content_type_id, format="json"):
        data = json.loads(version.serialized_data)
        for obj in data:
            if obj.get("model") == old_label:
                obj["model"] = new_label
        version.serialized_data = json.dumps(data)
        version.save(update_fields=["serialized_data"])


def move_content_types(old_app: str, new_app: str, models: list[str]) -> migrations.RunPython:
    """A data migration renaming the content types of `models` (lower-case names) from
    `old_app` to `new_app`, and back when unapplied."""

    def forwards(apps, schema_editor):
        _rename(apps, old_app, new_app, models)

    def backwards(apps, schema_editor):
        _rename(apps, new_app, old_app, models)

    return migrations.RunPython(forwards, backwards)
