"""Photo moved to the photos app (photos/migrations/0001_initial.py): the live update's
foreign key follows it. State only: the table and its constraint are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0002_live_story_label"),
        ("photos", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="liveupdate",
                    name="photo",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="photos.photo",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
