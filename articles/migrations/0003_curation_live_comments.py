# Curation order (Featured, Editors' Picks), live coverage and per-story comments switch.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_article_published_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="featured_position",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="1 comes first among featured stories; unnumbered ones follow, newest first.",
                null=True,
                verbose_name="featured order",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="editors_pick_position",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="1 comes first among editors' picks; unnumbered ones follow, newest first.",
                null=True,
                verbose_name="editors' pick order",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="is_live",
            field=models.BooleanField(
                default=False,
                help_text="Readers see timestamped updates under the story, newest first.",
                verbose_name="live coverage",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="coverage_start_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Empty: the publish time.",
                null=True,
                verbose_name="coverage started",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="coverage_end_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Set when the coverage is over: the Live label goes and pages stop updating.",
                null=True,
                verbose_name="coverage ended",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="comments_enabled",
            field=models.BooleanField(
                default=True,
                help_text="Readers may comment (under moderation) until comments close after some days.",
                verbose_name="comments open",
            ),
        ),
    ]
