"""Search finds the words of a body's blocks (issue 15): a card's headline, title and excerpt,
a photo's caption, a pull quote and its attribution. They are attribute values of the block
figures, which PostgreSQL's text parser reads as part of a tag and drops, so the search
document adds them to the body's words (weight C). PostgreSQL only; every vector is
computed again. (SQLite searches the raw body with LIKE, which sees them already.)"""

from importlib import import_module

from django.db import migrations

BLOCK_TEXT_SEARCH_SQL = """
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
        -- the english configuration drops, so only the words are indexed; the blocks' words
        -- sit in attributes (data-title="…", values HTML-escaped) and are added here.
        || setweight(to_tsvector('english', concat_ws(' ', coalesce(p_body, ''),
            (SELECT string_agg(match[1], ' ')
               FROM regexp_matches(
                    coalesce(p_body, ''),
                    'data-(?:headline|title|excerpt|caption|text|attribution)="([^"]*)"',
                    'g'
               ) AS match)
        )), 'C')
$$;

UPDATE articles_article SET search_vector = NULL;
"""


def _old_function_sql():
    sql = import_module("articles.migrations.0004_search_audio_old_slugs").SEARCH_FUNCTIONS_SQL
    start = sql.index("CREATE OR REPLACE FUNCTION articles_search_document(")
    end = sql.index("CREATE OR REPLACE FUNCTION articles_article_search_trigger()")
    return sql[start:end] + "\nUPDATE articles_article SET search_vector = NULL;\n"


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql() if callable(sql) else sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_embeds_into_bodies")]

    operations = [
        migrations.RunPython(_on_postgres(BLOCK_TEXT_SEARCH_SQL), _on_postgres(_old_function_sql))
    ]
