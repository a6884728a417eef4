"""Reporter, Editor and Audience groups with their permissions (editorial/roles.py now).

Creates the permissions first: on a fresh database Django only adds them after the whole
migrate run, too late for a group to be given them here.
"""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from editorial.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_workflow_status_previews_corrections"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("subscriptions", "0002_subscriber_email_hash"),
        ("newsletters", "0003_issue_progress_and_send_permission"),
        ("live", "0002_live_story_label"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
