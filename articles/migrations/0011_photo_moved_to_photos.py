"""Photo moved to the photos app (photos/migrations/0001_initial.py): the foreign keys of
authors, stories and embeds follow it, and articles forgets the model. State only: the
table `articles_photo` and every constraint on it are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


def photo_key(related_name):
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name=related_name,
        to="photos.photo",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_pg_trgm"),
        ("photos", "0001_initial"),
        # Every other app's key to the photo follows it first.
        ("live", "0003_photo_in_photos"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("author", "photo", photo_key("+")),
                migrations.AlterField("article", "lead_photo", photo_key("lead_for")),
                migrations.AlterField("relatedembed", "image", photo_key("+")),
                migrations.DeleteModel("Photo"),
            ],
            database_operations=[],
        ),
    ]
