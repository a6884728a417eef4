"""pg_trgm for search's "Did you mean …?" (articles/spelling.py): trigram similarity between
a misspelt word and the words readers can find. TrigramExtension does nothing on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_keep_story_reference")]

    operations = [TrigramExtension()]
