"""StatusChange, PreviewLink and AutosaveDraft moved to the editorial app
(editorial/migrations/0001_initial.py): articles forgets them. State only: the tables and
every constraint on them are unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_photo_moved_to_photos"),
        ("editorial", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel("AutosaveDraft"),
                migrations.DeleteModel("PreviewLink"),
                migrations.DeleteModel("StatusChange"),
            ],
            database_operations=[],
        ),
    ]
