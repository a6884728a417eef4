"""pg_trgm for search's "Did you mean …?" (articles/spelling.py): trigram similarity between
a misspelt word and the words readers can find. Nothing on SQLite, either way: Django's
TrigramExtension skips other databases going forwards but not backwards (it looks for the
extension in pg_extension), hence the subclass."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class TrigramExtensionOnPostgres(TrigramExtension):
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_keep_story_reference")]

    operations = [TrigramExtensionOnPostgres()]
