"""An editor's own crop per ratio (photos.crops), and the focal point kept within 0–1."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="crop_overrides",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="photo",
            name="focal_x",
            field=models.FloatField(
                default=0.5,
                help_text="Horizontal focal point, 0 (left) to 1 (right), kept when cropping.",
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(1),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="photo",
            name="focal_y",
            field=models.FloatField(
                default=0.5,
                help_text="Vertical focal point, 0 (top) to 1 (bottom), kept when cropping.",
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(1),
                ],
            ),
        ),
    ]
