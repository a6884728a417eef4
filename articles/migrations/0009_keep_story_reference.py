"""A card pointing to another story no longer goes when that story is deleted: it keeps the
story's headline and address (articles.models.keep_story_reference). Existing cards get
them filled in from the stories they point to now."""

from django.db import migrations, models
from django.urls import reverse

import articles.models


def fill_story_references(apps, schema_editor):
    RelatedEmbed = apps.get_model("articles", "RelatedEmbed")
    cards = list(
        RelatedEmbed.objects.filter(target_article__isnull=False).select_related("target_article")
    )
    for card in cards:
        card.story_headline = card.target_article.headline
        card.story_url = reverse("articles:article", kwargs={"slug": card.target_article.slug})
    RelatedEmbed.objects.bulk_update(cards, ["story_headline", "story_url"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_editor_notes_autosave"),
    ]

    operations = [
        migrations.AddField(
            model_name="relatedembed",
            name="story_headline",
            field=models.CharField(blank=True, editable=False, max_length=250),
        ),
        migrations.AddField(
            model_name="relatedembed",
            name="story_url",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AlterField(
            model_name="relatedembed",
            name="target_article",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "For a story card: its headline, excerpt, section and authors are taken "
                    "from it."
                ),
                null=True,
                on_delete=articles.models.keep_story_reference,
                related_name="embedded_in",
                to="articles.article",
            ),
        ),
        migrations.RunPython(fill_story_references, migrations.RunPython.noop),
    ]
