"""An issue's row for a story no longer goes when the story is deleted once the issue has
started sending: it keeps the story's headline and address (the record of what readers got;
articles.models.keep_story_reference). Existing rows get them filled in from their stories."""

from django.db import migrations, models
from django.urls import reverse

import articles.models
import newsletters.models


def fill_story_references(apps, schema_editor):
    IssueStory = apps.get_model("newsletters", "IssueStory")
    rows = list(IssueStory.objects.filter(article__isnull=False).select_related("article"))
    for row in rows:
        row.story_headline = row.article.headline
        row.story_url = reverse("articles:article", kwargs={"slug": row.article.slug})
    IssueStory.objects.bulk_update(rows, ["story_headline", "story_url"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_keep_story_reference"),
        ("newsletters", "0004_issue_web_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuestory",
            name="story_headline",
            field=models.CharField(blank=True, editable=False, max_length=250),
        ),
        migrations.AddField(
            model_name="issuestory",
            name="story_url",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AlterField(
            model_name="issuestory",
            name="article",
            field=models.ForeignKey(
                help_text="Only published stories can go into a newsletter.",
                limit_choices_to=newsletters.models.published_article_choices,
                null=True,
                on_delete=articles.models.keep_story_reference,
                related_name="+",
                to="articles.article",
            ),
        ),
        migrations.RunPython(fill_story_references, migrations.RunPython.noop),
    ]
