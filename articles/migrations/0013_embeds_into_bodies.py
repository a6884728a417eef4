"""Related embeds move into the story bodies (issue 15): each RelatedEmbed row becomes a block
figure at its place (after_paragraph counts the body's top-level parts from 1, 0 before the
first, past the end after the last; rows in (position, pk) order), with every override the
reader could see and a card's story headline and address, and the row goes.

Backwards: the story, link and media blocks come out of the bodies as rows again, placed by
the parts that stay; photos and pull quotes have no row to go to and stay in the body (the
old code does not show them). The RelatedEmbed table itself stays: old revisions hold its
rows (editorial.revisions turns them into blocks when one is restored or compared).

Bodies are written with update(): nothing else of the story changes (not modified_at).
"""

from django.db import migrations
from django.urls import reverse

from articles.body import block_from_embed, place_blocks, take_out_blocks

MOVED_FIELDS = (
    "kind",
    "target_article_id",
    "story_headline",
    "story_url",
    "url",
    "title",
    "excerpt",
    "source_name",
    "author_line",
    "image_id",
)


def embeds_into_bodies(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    RelatedEmbed = apps.get_model("articles", "RelatedEmbed")
    embeds = list(RelatedEmbed.objects.order_by("article_id", "position", "pk"))
    if not embeds:
        return
    target_ids = {embed.target_article_id for embed in embeds if embed.target_article_id}
    targets = Article.objects.only("headline", "slug").in_bulk(target_ids)
    by_story = {}
    for embed in embeds:
        target = targets.get(embed.target_article_id)
        block = block_from_embed(
            {name: getattr(embed, name) for name in MOVED_FIELDS},
            target_headline=target.headline if target else "",
            target_url=reverse("articles:article", kwargs={"slug": target.slug}) if target else "",
        )
        by_story.setdefault(embed.article_id, []).append((embed.after_paragraph, block))
    for story in Article.objects.filter(pk__in=by_story).only("body"):
        body = place_blocks(story.body, by_story[story.pk])
        Article.objects.filter(pk=story.pk).update(body=body)
    RelatedEmbed.objects.all().delete()


def bodies_into_embeds(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    RelatedEmbed = apps.get_model("articles", "RelatedEmbed")
    existing = set(Article.objects.values_list("pk", flat=True))
    rows = []
    for story in Article.objects.filter(body__contains="data-block").only("body"):
        body, taken = take_out_blocks(story.body, {"story", "link", "media"})
        for position, (after, block) in enumerate(taken):
            target = block.number("data-story")
            target = target if target in existing and target != story.pk else None
            # Kept only for a card whose story is gone, as keep_story_reference does.
            kept = block.kind == "story" and target is None
            rows.append(
                RelatedEmbed(
                    article_id=story.pk,
                    kind=block.kind,
                    after_paragraph=after,
                    position=position,
                    target_article_id=target,
                    story_headline=block.get("data-headline")[:250] if kept else "",
                    story_url=block.get("data-url")[:300] if kept else "",
                    url="" if block.kind == "story" else block.get("data-url")[:500],
                    title=block.get("data-title")[:250],
                    excerpt=block.get("data-excerpt"),
                    source_name=block.get("data-source")[:120],
                    author_line=block.get("data-author")[:200],
                    image_id=block.number("data-photo"),
                )
            )
        Article.objects.filter(pk=story.pk).update(body=body)
    photo_model = apps.get_model("photos", "Photo")
    photos = set(photo_model.objects.values_list("pk", flat=True))
    for row in rows:
        if row.image_id not in photos:
            row.image_id = None
    RelatedEmbed.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_desk_records_moved_to_editorial"),
        ("photos", "0001_initial"),
    ]

    operations = [migrations.RunPython(embeds_into_bodies, bodies_into_embeds, elidable=False)]
