"""StatusChange, PreviewLink and AutosaveDraft move here from articles. Their tables stay
`articles_statuschange`, `articles_previewlink` and `articles_autosavedraft` (Meta.db_table):
no table, index, constraint or foreign key changes, so the move takes no lock and rolls back
by unapplying; the content types are renamed in place so permissions, group grants, admin log
entries and reversion history keep their ids (core.moves)."""

import django.db.models.deletion
import django.utils.timezone
import editorial.models
from django.conf import settings
from django.db import migrations, models

from core.moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0011_photo_moved_to_photos'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PreviewLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(default=editorial.models.new_preview_token, editable=False, max_length=64, unique=True)),
                        ('label', models.CharField(blank=True, help_text='Who the link is for, e.g. “Legal review”.', max_length=120, verbose_name='for')),
                        ('expires_at', models.DateTimeField(default=editorial.models.default_preview_expiry)),
                        ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='preview_links', to='articles.article')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'preview link',
                        'db_table': 'articles_previewlink',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='StatusChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(blank=True, max_length=20, verbose_name='from')),
                        ('to_status', models.CharField(max_length=20, verbose_name='to')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('note', models.CharField(blank=True, max_length=300)),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='articles.article')),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'status change',
                        'db_table': 'articles_statuschange',
                        'ordering': ['-at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AutosaveDraft',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('story_key', models.CharField(max_length=20)),
                        ('data', models.JSONField(default=dict)),
                        ('saved_at', models.DateTimeField()),
                        ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='autosave_drafts', to='articles.article')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='autosave_drafts', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'autosaved recovery copy',
                        'db_table': 'articles_autosavedraft',
                        'constraints': [models.UniqueConstraint(fields=('user', 'story_key'), name='autosave_one_per_story')],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types('articles', 'editorial', ['statuschange', 'previewlink', 'autosavedraft']),
    ]
