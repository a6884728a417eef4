"""The Newsletter model moves here from newsletters (step 2 of 3; step 3 is newsletters 0008).

No row moves: the model keeps its table, newsletters_newsletter (Meta.db_table), and its
sections table, so every foreign key in the database already points where it should and only
Django's picture of them changes (state operations). What names the model by its app label in
the database follows it: its content type is renamed from newsletters.newsletter to
subscriptions.newsletter, keeping its id, so its permissions (same codenames), the groups and
people granted them and admin log entries all come along. Reversible."""

import django.db.models.deletion
from django.db import migrations, models

OLD, NEW = "newsletters", "subscriptions"


def relabel(source, target):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        db = schema_editor.connection.alias
        types = ContentType.objects.using(db)
        moving = types.filter(app_label=source, model="newsletter").first()
        if moving is not None:
            # A content type made for the target label meanwhile (post_migrate on a database
            # that ran a newer checkout) gives its grants to the moving one's same codenames,
            # then goes: the older one keeps its id, which log entries point at.
            made = types.filter(app_label=target, model="newsletter").first()
            if made is not None:
                for permission in Permission.objects.using(db).filter(content_type=made):
                    kept = Permission.objects.using(db).filter(
                        content_type=moving, codename=permission.codename
                    ).first()
                    if kept is not None:
                        kept.group_set.add(*permission.group_set.all())
                        kept.user_set.add(*permission.user_set.all())
                made.delete()
            moving.app_label = target
            moving.save(update_fields=["app_label"])
        ContentType.objects.clear_cache()

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_pg_trgm"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("newsletters", "0007_newsletter_sections_move_to_subscriptions"),
        ("subscriptions", "0004_subscriber_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Newsletter",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=120, unique=True)),
                        ("slug", models.SlugField(max_length=120, unique=True)),
                        ("description", models.TextField(help_text="One line on what readers get.")),
                        ("frequency", models.CharField(help_text='e.g. "Every weekday morning".', max_length=80)),
                        ("sender_name", models.CharField(blank=True, help_text="Defaults to the site name.", max_length=120)),
                        ("sender_email", models.EmailField(blank=True, help_text="Defaults to DEFAULT_FROM_EMAIL.", max_length=254)),
                        ("reply_to", models.EmailField(blank=True, max_length=254)),
                        ("is_public", models.BooleanField(default=True, help_text="Listed on the site and offered at signup.")),
                        ("is_default", models.BooleanField(default=False, help_text="The site's main newsletter, offered where no section has one.")),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("sections", models.ManyToManyField(blank=True, help_text="Offered in the signup box on these sections' stories.", related_name="newsletters", to="articles.section")),
                    ],
                    options={"db_table": "newsletters_newsletter", "ordering": ["position", "name"]},
                ),
                migrations.AlterField(
                    model_name="confirmationrequest",
                    name="newsletters",
                    field=models.ManyToManyField(related_name="+", to="subscriptions.newsletter"),
                ),
                migrations.AlterField(
                    model_name="consentevent",
                    name="newsletter",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="subscriptions.newsletter"),
                ),
                migrations.AlterField(
                    model_name="subscription",
                    name="newsletter",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="subscriptions", to="subscriptions.newsletter"),
                ),
            ],
        ),
        migrations.RunPython(relabel(OLD, NEW), relabel(NEW, OLD)),
    ]  # fmt: skip
