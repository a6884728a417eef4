"""What happens to records that point at a story when the story is deleted: the ones that
must outlive it keep its headline and address (`keep_story_reference`), and the admin's
confirmation page says which (`records_kept_on_delete`)."""

from django.db import models


def keep_story_reference(collector, field, sub_objs, using):
    """`on_delete` for a record that must outlive the story it points to (another story's
    card, a sent newsletter issue's list of stories): the link is cleared and the story's
    headline and address at that moment are kept on the record, in `story_headline` and
    `story_url`. Any delete path goes through here (admin, shell, a queryset's delete()).

    A model may name the records that are still work in progress and simply go with the
    story (a draft issue's row) by a `dropped_with_story(queryset)` classmethod; those
    cascade. Nothing is written until the delete runs: the admin's confirmation page
    collects without deleting.
    """
    dropped_with_story = getattr(field.model, "dropped_with_story", None)
    if dropped_with_story is not None:
        dropped = list(dropped_with_story(sub_objs).values_list("pk", flat=True))
        if dropped:
            models.CASCADE(collector, field, sub_objs.filter(pk__in=dropped), using)
            sub_objs = sub_objs.exclude(pk__in=dropped)
    rows_by_story = {}
    for pk, story_pk in sub_objs.values_list("pk", field.attname):
        rows_by_story.setdefault(story_pk, []).append(pk)
    if not rows_by_story:
        return
    stories = (
        field.related_model._base_manager.using(using)
        .only("headline", "slug")
        .in_bulk(rows_by_story)
    )
    kept_manager = field.model._base_manager.using(using)
    headline_field = field.model._meta.get_field("story_headline")
    url_field = field.model._meta.get_field("story_url")
    for story_pk, pks in rows_by_story.items():
        story, kept = stories[story_pk], kept_manager.filter(pk__in=pks)
        collector.add_field_update(headline_field, story.headline, kept)
        collector.add_field_update(url_field, story.get_absolute_url(), kept)
    every_kept = [pk for pks in rows_by_story.values() for pk in pks]
    collector.add_field_update(field, None, kept_manager.filter(pk__in=every_kept))


class CardInBody:
    """A story card in another story's body: it keeps the headline and address it stores
    (readers no longer see it, the editor does)."""

    def __init__(self, host):
        self.host = host

    def kept_record_label(self):
        return f"A card in the story “{self.host.headline}”"


def records_kept_on_delete(stories) -> list:
    """What deleting these stories keeps (keep_story_reference), for the confirmation page:
    rows of every relation that keeps its story's headline and address, less the ones that
    go with the story, and the cards in other stories' bodies that point to them."""
    from .blocks import story_cards_holding
    from .models import Article

    pks = [story.pk for story in stories]
    kept = [CardInBody(host) for host in story_cards_holding(pks)]
    # Hidden relations too: an issue's stories point here with related_name="+".
    for relation in Article._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel):
            continue
        field = relation.field
        if relation.on_delete is not keep_story_reference:
            continue
        rows = field.model._base_manager.filter(**{f"{field.name}__in": stories})
        dropped_with_story = getattr(field.model, "dropped_with_story", None)
        if dropped_with_story is not None:
            rows = rows.exclude(pk__in=dropped_with_story(rows).values("pk"))
        kept += list(rows.order_by("pk"))
    return kept
