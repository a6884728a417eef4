"""Step 3 of 3 of the Newsletter model's move to subscriptions (see subscriptions 0005): issues
point at subscriptions.Newsletter, and the model leaves this app's state. State only: the
table stays, now subscriptions.Newsletter's."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0007_newsletter_sections_move_to_subscriptions"),
        ("subscriptions", "0005_newsletter_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="newsletterissue",
                    name="newsletter",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="issues",
                        to="subscriptions.newsletter",
                    ),
                ),
                migrations.DeleteModel(name="Newsletter"),
            ],
        ),
    ]
