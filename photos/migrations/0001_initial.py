"""Photo moves here from articles. Its table stays `articles_photo` (Meta.db_table): no table,
index, constraint or foreign key changes, so the move takes no lock and rolls back by
unapplying; the content type is renamed in place so permissions, group grants, admin log
entries and reversion history keep their ids (core.moves)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import photos.models
import photos.validators
from core.moves import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0010_pg_trgm"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Photo",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "image",
                            models.ImageField(
                                height_field="height",
                                help_text="JPEG, PNG or WebP. Resized copies for phones and "
                                "desktops are made for you.",
                                upload_to=photos.models.photo_upload_to,
                                validators=[photos.validators.validate_photo_file],
                                width_field="width",
                            ),
                        ),
                        ("width", models.PositiveIntegerField(default=0, editable=False)),
                        ("height", models.PositiveIntegerField(default=0, editable=False)),
                        (
                            "caption",
                            models.CharField(
                                help_text="What the picture shows, for readers.", max_length=500
                            ),
                        ),
                        (
                            "credit",
                            models.CharField(
                                help_text='Who made it, e.g. "Olena Marchenko/Newsroom" or '
                                '"Agency via Wire".',
                                max_length=200,
                            ),
                        ),
                        (
                            "alt_text",
                            models.CharField(
                                help_text="A short description for readers who cannot see "
                                "the image.",
                                max_length=300,
                            ),
                        ),
                        (
                            "focal_x",
                            models.FloatField(
                                default=0.5,
                                help_text="Horizontal focal point, 0 (left) to 1 (right), "
                                "kept when cropping.",
                            ),
                        ),
                        (
                            "focal_y",
                            models.FloatField(
                                default=0.5,
                                help_text="Vertical focal point, 0 (top) to 1 (bottom), kept "
                                "when cropping.",
                            ),
                        ),
                        ("renditions", models.JSONField(blank=True, default=dict, editable=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "articles_photo", "ordering": ["-created_at"]},
                ),
            ],
            database_operations=[],
        ),
        move_content_types("articles", "photos", ["photo"]),
    ]
