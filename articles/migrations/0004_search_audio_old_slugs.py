# Audio versions, old story addresses (301s after a slug change) and full-text search.
#
# On PostgreSQL the search vector is kept current by triggers (see articles/search.py for
# why): the article trigger computes it from the headline (A), standfirst and tag and author
# names (B) and body (C); bylines, tagged items and renamed tags or authors set it to NULL on
# the stories they touch, which makes the article trigger compute it again. On SQLite the
# column stays empty and search uses plain text matching.

import articles.audio
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


SEARCH_FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION articles_search_document(
    p_article_id bigint, p_headline text, p_dek text, p_body text
) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT
        setweight(to_tsvector('english', coalesce(p_headline, '')), 'A')
        || setweight(to_tsvector('english', coalesce(p_dek, '')), 'B')
        || setweight(to_tsvector('english', concat_ws(' ',
            (SELECT string_agg(tag.name, ' ')
               FROM taggit_taggeditem item
               JOIN taggit_tag tag ON tag.id = item.tag_id
               JOIN django_content_type ct ON ct.id = item.content_type_id
              WHERE item.object_id = p_article_id
                AND ct.app_label = 'articles' AND ct.model = 'article'),
            (SELECT string_agg(author.name, ' ')
               FROM articles_byline byline
               JOIN articles_author author ON author.id = byline.author_id
              WHERE byline.article_id = p_article_id)
        )), 'B')
        -- The body is HTML: the parser reads tags and entities as their own tokens, which
        -- the english configuration drops, so only the words are indexed.
        || setweight(to_tsvector('english', coalesce(p_body, '')), 'C')
$$;

CREATE OR REPLACE FUNCTION articles_article_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := articles_search_document(NEW.id, NEW.headline, NEW.dek, NEW.body);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION articles_byline_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE articles_article SET search_vector = NULL WHERE id = OLD.article_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE articles_article SET search_vector = NULL WHERE id = NEW.article_id;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION articles_taggeditem_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    article_type integer := (
        SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'article'
    );
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.content_type_id = article_type THEN
        UPDATE articles_article SET search_vector = NULL WHERE id = OLD.object_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.content_type_id = article_type THEN
        UPDATE articles_article SET search_vector = NULL WHERE id = NEW.object_id;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION articles_tag_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_article SET search_vector = NULL
     WHERE id IN (
        SELECT item.object_id
          FROM taggit_taggeditem item
          JOIN django_content_type ct ON ct.id = item.content_type_id
         WHERE item.tag_id = NEW.id AND ct.app_label = 'articles' AND ct.model = 'article'
     );
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION articles_author_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_article SET search_vector = NULL
     WHERE id IN (SELECT article_id FROM articles_byline WHERE author_id = NEW.id);
    RETURN NULL;
END $$;

-- Writing search_vector (Django's full save does, and so does "SET search_vector = NULL")
-- or any indexed text recomputes it.
CREATE TRIGGER articles_article_search
    BEFORE INSERT OR UPDATE OF headline, dek, body, search_vector ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_trigger();
CREATE TRIGGER articles_byline_search
    AFTER INSERT OR DELETE OR UPDATE OF article_id, author_id ON articles_byline
    FOR EACH ROW EXECUTE FUNCTION articles_byline_search_trigger();
CREATE TRIGGER articles_taggeditem_search
    AFTER INSERT OR DELETE OR UPDATE OF object_id, content_type_id, tag_id ON taggit_taggeditem
    FOR EACH ROW EXECUTE FUNCTION articles_taggeditem_search_trigger();
CREATE TRIGGER articles_tag_search
    AFTER UPDATE OF name ON taggit_tag
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION articles_tag_search_trigger();
CREATE TRIGGER articles_author_search
    AFTER UPDATE OF name ON articles_author
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION articles_author_search_trigger();

-- Existing stories get their vector now.
UPDATE articles_article SET search_vector = NULL;
"""

DROP_SEARCH_FUNCTIONS_SQL = """
DROP TRIGGER IF EXISTS articles_author_search ON articles_author;
DROP TRIGGER IF EXISTS articles_tag_search ON taggit_tag;
DROP TRIGGER IF EXISTS articles_taggeditem_search ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_byline_search ON articles_byline;
DROP TRIGGER IF EXISTS articles_article_search ON articles_article;
DROP FUNCTION IF EXISTS articles_author_search_trigger();
DROP FUNCTION IF EXISTS articles_tag_search_trigger();
DROP FUNCTION IF EXISTS articles_taggeditem_search_trigger();
DROP FUNCTION IF EXISTS articles_byline_search_trigger();
DROP FUNCTION IF EXISTS articles_article_search_trigger();
DROP FUNCTION IF EXISTS articles_search_document(bigint, text, text, text);
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class AddIndexOnPostgres(migrations.AddIndex):
    """A GIN index exists only on PostgreSQL; the model state records it everywhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0003_curation_live_comments'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleSlugHistory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(max_length=250, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'old story address',
                'verbose_name_plural': 'old story addresses',
            },
        ),
        migrations.AddField(
            model_name='article',
            name='audio',
            field=models.FileField(blank=True, help_text='An MP3, M4A or Ogg recording of the story, played above the body.', max_length=200, upload_to=articles.audio.audio_upload_to, validators=[articles.audio.validate_audio_file], verbose_name='audio version'),
        ),
        migrations.AddField(
            model_name='article',
            name='audio_ai_assisted',
            field=models.BooleanField(default=False, help_text='Readers are told: “This audio is created with AI assistance”.', verbose_name='audio made with AI assistance'),
        ),
        migrations.AddField(
            model_name='article',
            name='audio_transcript',
            field=models.TextField(blank=True, help_text='Or paste the transcript here: it gets its own page linked under the player.', verbose_name='transcript'),
        ),
        migrations.AddField(
            model_name='article',
            name='audio_transcript_url',
            field=models.URLField(blank=True, help_text='Where the transcript lives, if it is published elsewhere.', max_length=500, verbose_name='transcript address'),
        ),
        migrations.AddField(
            model_name='article',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        AddIndexOnPostgres(
            model_name='article',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='article_search_vector_gin'),
        ),
        migrations.AddField(
            model_name='articleslughistory',
            name='article',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='old_slugs', to='articles.article'),
        ),
        migrations.RunPython(
            _on_postgres(SEARCH_FUNCTIONS_SQL), _on_postgres(DROP_SEARCH_FUNCTIONS_SQL)
        ),
    ]
