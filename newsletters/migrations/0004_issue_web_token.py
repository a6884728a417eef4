"""Every issue gets its own random token: a private newsletter's issues are read at
/newsletters/read/<token>/ only. Existing issues get one each (a callable default on
AddField would give every row the same value)."""

import secrets

from django.db import migrations, models

import newsletters.models


def give_each_issue_a_token(apps, schema_editor):
    NewsletterIssue = apps.get_model("newsletters", "NewsletterIssue")
    issues = list(NewsletterIssue.objects.filter(web_token__isnull=True).only("pk"))
    for issue in issues:
        issue.web_token = secrets.token_urlsafe(32)
    NewsletterIssue.objects.bulk_update(issues, ["web_token"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0003_issue_progress_and_send_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="newsletterissue",
            name="web_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_issue_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="newsletterissue",
            name="web_token",
            field=models.CharField(
                default=newsletters.models.new_issue_token,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
    ]
