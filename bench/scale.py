"""Scale the demo outlet up to a given number of published stories, fast and idempotently.

Run after `load_demo`: the extra stories reuse its sections, authors, photos (with their
renditions), tags and story bodies, so they look like the demo's and cost no image work.
They are written with `bulk_create` in batches; each is found again by its slug
("bench-000001"...), so running it twice creates nothing the second time.

    bench/run.py calls scale_demo(10_000) before it starts the servers.
"""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.body import Block, place_blocks
from articles.models import Article, Author, Byline, Section
from photos.models import Photo

SLUG_PREFIX = "bench-"
BATCH = 1000
# Over two years: section and author pages page through a realistic archive.
SPREAD = timedelta(days=730)
# Headline openers that make one demo headline into many different-looking ones.
FOLLOW_UPS = [
    "Update",
    "Explainer",
    "What we know",
    "Analysis",
    "Day two",
    "Reaction",
    "In pictures",
    "Timeline",
]


def bench_slug(number):
    return f"{SLUG_PREFIX}{number:06d}"


def scale_demo(total, *, log=print):
    """Make sure at least `total` stories are published; returns how many were created."""
    now = timezone.now()
    published = Article.objects.published().count()
    existing = set(
        Article.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
    )
    wanted = max(0, total - (published - len(existing)))
    missing = [n for n in range(1, wanted + 1) if bench_slug(n) not in existing]
    if not missing:
        return 0

    templates = list(
        Article.objects.published()
        .exclude(slug__startswith=SLUG_PREFIX)
        .exclude(body="")
        .values("headline", "dek", "body", "kind", "section_id", "reading_minutes")
    )
    if not templates:
        raise SystemExit("Load the demo first (manage.py load_demo): nothing to scale from.")
    photos = list(Photo.objects.exclude(renditions={}).filter(width__gte=1000))
    authors = list(Author.objects.filter(kind=Author.Kind.PERSON))
    desks = list(Author.objects.filter(kind=Author.Kind.DESK)) or authors
    sections = {section.pk for section in Section.objects.all()}
    tags = list(Tag.objects.all())
    card_targets = list(
        Article.objects.published()
        .exclude(slug__startswith=SLUG_PREFIX)
        .values_list("pk", flat=True)
    )
    article_type = ContentType.objects.get_for_model(Article)

    for start in range(0, len(missing), BATCH):
        numbers = missing[start : start + BATCH]
        with transaction.atomic():
            _create_batch(
                numbers, now, templates, photos, authors, desks, sections, tags,
                card_targets, article_type,
            )  # fmt: skip
        log(f"  {start + len(numbers)}/{len(missing)} stories written")
    return len(missing)


def _create_batch(
    numbers, now, templates, photos, authors, desks, sections, tags, card_targets, article_type
):
    articles = []
    for number in numbers:
        rng = random.Random(f"bench-{number}")
        template = rng.choice(templates)
        publish_at = now - timedelta(seconds=rng.uniform(600, SPREAD.total_seconds()))
        articles.append(
            Article(
                slug=bench_slug(number),
                headline=f"{rng.choice(FOLLOW_UPS)}: {template['headline']}"[:250],
                dek=template["dek"],
                body=template["body"],
                kind=template["kind"],
                section_id=template["section_id"]
                if template["section_id"] in sections
                else rng.choice(sorted(sections)),
                lead_photo=rng.choice(photos) if photos and rng.random() < 0.9 else None,
                status=Article.Status.PUBLISHED,
                publish_at=publish_at,
                in_news_feed=rng.random() < 0.2,
                reading_minutes=template["reading_minutes"],
            )
        )
    created = Article.objects.bulk_create(articles)
    if not all(article.pk for article in created):
        # SQLite before 3.35 and some backends return no ids: read them back by slug.
        ids = dict(
            Article.objects.filter(slug__in=[a.slug for a in created]).values_list("slug", "pk")
        )
        for article in created:
            article.pk = ids[article.slug]

    bylines, tagged, with_cards = [], [], []
    for article in created:
        rng = random.Random(f"bench-parts-{article.slug}")
        writers = rng.sample(authors, k=min(len(authors), rng.choice([1, 1, 1, 2])))
        if rng.random() < 0.3:
            writers.append(rng.choice(desks))
        for position, author in enumerate(dict.fromkeys(writers)):
            bylines.append(Byline(article=article, author=author, position=position))
        for tag in rng.sample(tags, k=min(len(tags), rng.randint(1, 3))):
            tagged.append(TaggedItem(tag=tag, content_type=article_type, object_id=article.pk))
        if card_targets and rng.random() < 0.5:
            # A story card after the second paragraph, stored as the editor stores it.
            card = Block.from_attrs(
                [("data-block", "story"), ("data-story", str(rng.choice(card_targets)))]
            )
            article.body = place_blocks(article.body, [(2, card)])
            with_cards.append(article)
    Byline.objects.bulk_create(bylines)
    TaggedItem.objects.bulk_create(tagged)
    Article.objects.bulk_update(with_cards, ["body"])
