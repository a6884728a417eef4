"""The Newsletter model moves to subscriptions (the audience: lists and who is on them), so
that subscriptions never imports newsletters. Step 1 of 3: the model's many-to-many field to
sections leaves this app's state first, so that the two models never both claim the reverse
name `Section.newsletters`. State only: its table (newsletters_newsletter_sections) stays and
becomes the moved model's, rows included."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0006_issue_watched_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="newsletter", name="sections")],
            database_operations=[],
        ),
    ]
