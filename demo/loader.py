"""Load the demo outlet into the database: run it as often as you like.

Every row is found by a stable key (a slug, a photo file name, an email address) and only
created when it is missing; rows that exist are left exactly as they are, including any edits
made in the admin. Publish times are set relative to the moment a row is first created, so
a fresh demo always looks current and a second run changes nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.body import block_from_embed, place_blocks
from articles.models import Article, Author, Byline, Section

from . import audio, images, readers, writing
from .photos import PhotoSpec, ensure_all_renditions, ensure_photo_rows, store_missing_images

FEED_WINDOW_HOURS = 70
ARCHIVE_WINDOW_HOURS = 21 * 24


@dataclass
class DemoReport:
    counts: dict = field(default_factory=dict)

    def add(self, label, created, total):
        self.counts[label] = (created, total)

    def summary(self):
        parts = [
            f"{total} {label} ({created} new)" for label, (created, total) in self.counts.items()
        ]
        return "Demo content: " + ", ".join(parts) + "."


def _photo_specs(seeds):
    specs = []
    for author in writing.people()["author"]:
        if author.get("photo"):
            specs.append(
                PhotoSpec(
                    key=f"author-{author['slug']}",
                    caption=f"{author['name']}, {author['job_title']}",
                    credit="Oleksandr Kravets/Newsroom",
                    alt_text=f"Portrait of {author['name']}",
                    portrait=True,
                )
            )
    for seed in seeds:
        key = f"story-{seed.slug[:60]}"
        scene, light = images.scene_of(key)
        caption, credit, alt_text = writing.photo_texts(seed, scene, light)
        specs.append(PhotoSpec(key=key, caption=caption, credit=credit, alt_text=alt_text))
    return specs


def load_sections(report):
    sections, created = {}, 0
    for entry in writing.people()["section"]:
        section, was_created = Section.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "description": entry["description"],
                "position": entry["position"],
                "shown_in_navigation": entry.get("shown_in_navigation", True),
            },
        )
        sections[section.slug] = section
        created += was_created
    report.add("sections", created, len(sections))
    return sections


def load_authors(photos, report):
    authors, created = {}, 0
    for entry in writing.people()["author"]:
        author = Author.objects.filter(slug=entry["slug"]).first()
        if author is None:
            author = Author(
                slug=entry["slug"],
                name=entry["name"],
                kind=entry.get("kind", Author.Kind.PERSON),
                job_title=entry["job_title"],
                bio=entry["bio"],
                email=entry.get("email", ""),
                x_handle=entry.get("x_handle", ""),
                photo=photos.get(f"author-{entry['slug']}"),
            )
            author.full_clean()
            author.save()
            created += 1
        authors[author.slug] = author
    report.add("authors", created, len(authors))
    return authors


def _minute(moment):
    return moment.replace(second=0, microsecond=0)


def publish_times(seeds, now):
    """Featured and feed stories within the last three days, the rest over three weeks."""
    rng = random.Random("demo-schedule")
    fresh = sorted(
        (s for s in seeds if s.featured or s.feed), key=lambda s: (not s.featured, s.slug)
    )
    archive = sorted((s for s in seeds if not (s.featured or s.feed)), key=lambda s: s.slug)
    rng.shuffle(archive)
    times = {}
    for index, seed in enumerate(fresh):
        hours = 1.5 + index * FEED_WINDOW_HOURS / max(1, len(fresh)) + rng.uniform(0, 1.5)
        times[seed.slug] = _minute(now - timedelta(hours=hours))
    for index, seed in enumerate(archive):
        hours = 5 + index * ARCHIVE_WINDOW_HOURS / max(1, len(archive)) + rng.uniform(0, 4)
        times[seed.slug] = _minute(now - timedelta(hours=hours))
    return times


def _create_article(*, slug, section, authors, tags, **fields):
    article = Article(slug=slug, section=section, **fields)
    article.full_clean()
    article.save()
    Byline.objects.bulk_create(
        Byline(article=article, author=author, position=position)
        for position, author in enumerate(authors)
    )
    if tags:
        article.tags.add(*tags)
    return article


def load_stories(seeds, sections, authors, photos, now, existing):
    """The sixty full stories; returns {slug: (article, paragraph count)} of those created."""
    created = {}
    times = publish_times(seeds, now)
    for seed in seeds:
        if seed.slug in existing:
            continue
        paragraphs = writing.body_paragraphs(seed)
        publish_at = times[seed.slug]
        updated_at = None
        if seed.updated:
            updated_at = min(publish_at + timedelta(hours=seed.updated), now - timedelta(minutes=5))
        pull_quote = seed.kind in {"feature", "interview"}
        created[seed.slug] = (
            _create_article(
                slug=seed.slug,
                section=sections[seed.section],
                authors=[authors[slug] for slug in writing.byline_slugs(seed)],
                tags=seed.tags,
                headline=seed.headline,
                dek=seed.dek,
                body=writing.body_html(paragraphs, pull_quote=pull_quote),
                kind=seed.kind,
                lead_photo=photos[f"story-{seed.slug[:60]}"],
                lead_photo_caption=seed.caption,
                status=Article.Status.PUBLISHED,
                publish_at=publish_at,
                updated_at=updated_at,
                is_featured=seed.featured,
                is_editors_pick=seed.pick,
                in_news_feed=seed.feed,
            ),
            len(paragraphs),
        )
    return created


def load_briefs(sections, authors, now, existing):
    """Short news-feed items over the last three days: a headline and one paragraph."""
    rng = random.Random("demo-briefs")
    briefs = writing.extras()["brief"]
    created = 0
    for index, entry in enumerate(briefs):
        slug = writing.slug_for(entry["headline"])
        hours = 0.4 + index * FEED_WINDOW_HOURS / len(briefs) + rng.uniform(0, 1)
        if slug in existing:
            continue
        byline = [authors[writing.DESK]]
        if rng.random() < 0.3:
            byline.insert(0, authors[writing.SECTION_WRITERS[entry["section"]][0]])
        _create_article(
            slug=slug,
            section=sections[entry["section"]],
            authors=byline,
            tags=entry["tags"],
            headline=entry["headline"],
            body=writing.body_html([entry["body"]]),
            kind=Article.Kind.NEWS,
            status=Article.Status.PUBLISHED,
            publish_at=_minute(now - timedelta(hours=hours)),
            in_news_feed=True,
        )
        created += 1
    return created, len(briefs)


def load_drafts(seeds, sections, authors, photos, now, existing):
    """Stories readers must not see yet: drafts, one in review, one scheduled for later."""
    created = 0
    for seed in seeds:
        if seed.slug in existing:
            continue
        scheduled = seed.status == Article.Status.SCHEDULED
        _create_article(
            slug=seed.slug,
            section=sections[seed.section],
            authors=[authors[slug] for slug in writing.byline_slugs(seed)],
            tags=seed.tags,
            headline=seed.headline,
            dek=seed.dek,
            body=writing.body_html(writing.body_paragraphs(seed)),
            kind=seed.kind,
            lead_photo=photos[f"story-{seed.slug[:60]}"],
            status=seed.status,
            publish_at=_minute(now + timedelta(hours=seed.hours_ahead)) if scheduled else None,
        )
        created += 1
    return created


def _link_values(link):
    return {
        "url": link["url"],
        "title": link["title"],
        "source_name": link["source"],
        "author_line": link["author_line"],
        "excerpt": link["excerpt"],
    }


def _planned_embeds(seed, paragraph_count, *, card_targets, videos, posts, links):
    """(after paragraph, kind, field values) for one story: video for video stories, a
    social post now and then, usually a card for a story from the same section, sometimes
    an outside link near the end."""
    rng = seed.rng("embeds")
    planned = []
    if seed.section == "video":
        planned.append((1, "media", {"url": rng.choice(videos)}))
    elif rng.random() < 0.25:
        after = min(3, paragraph_count - 1)
        planned.append((after, "media", {"url": rng.choice(posts)}))
    if card_targets and rng.random() < 0.75:
        target_id = rng.choice(card_targets)
        planned.append((2, "story", {"target_article_id": target_id}))
    if rng.random() < 0.35:
        after = max(1, paragraph_count - 2)
        planned.append((after, "link", _link_values(rng.choice(links))))
    return sorted(planned, key=lambda item: item[0])


def load_blocks(created, seeds):
    """Blocks in the bodies of stories created in this run: story cards, links and media,
    placed after a paragraph as the editor would. Returns how many stories got some."""
    extras = writing.extras()
    media = [entry["url"] for entry in extras["media"]]
    videos = [url for url in media if "youtu" in url or "vimeo" in url]
    posts = [url for url in media if url not in videos]
    # Cards point to other full stories, preferably of the same section.
    stories = Article.objects.published().filter(slug__in=[s.slug for s in seeds])
    by_section = {}
    for pk, slug, section_slug in stories.values_list("pk", "slug", "section__slug"):
        by_section.setdefault(section_slug, []).append((slug, pk))
    titles = dict(stories.values_list("pk", "headline"))
    addresses = {
        pk: reverse("articles:article", kwargs={"slug": slug})
        for pairs in by_section.values()
        for slug, pk in pairs
    }
    given = 0
    for seed in seeds:
        if seed.slug not in created:
            continue
        article, paragraph_count = created[seed.slug]
        same_section = by_section.get(seed.section, [])
        card_targets = sorted(pk for slug, pk in same_section if slug != seed.slug)
        planned = _planned_embeds(
            seed,
            paragraph_count,
            card_targets=card_targets,
            videos=videos,
            posts=posts,
            links=extras["link"],
        )
        placed = []
        for after, kind, values in planned:
            target = values.get("target_article_id")
            block = block_from_embed(
                {"kind": kind, **values},
                target_headline=titles.get(target, ""),
                target_url=addresses.get(target, ""),
            )
            placed.append((after, block))
        if placed:
            article.body = place_blocks(article.body, placed)
            article.save(update_fields=["body"])
            given += 1
    return given


def load_demo(*, log=print):
    """Load everything; returns a DemoReport of what was created and what already existed."""
    report = DemoReport()
    now = timezone.now()
    seeds, drafts = writing.story_seeds(), writing.draft_seeds()

    # Files first and outside the transaction: storage is not transactional, and a failed
    # run should keep what it drew so the next one has less to do.
    specs = _photo_specs(seeds + drafts)
    drawn = store_missing_images(specs)
    if drawn:
        log(f"Drew {drawn} demo photos.")
    photos, photos_created = ensure_photo_rows(specs)
    ensure_all_renditions(photos.values())
    report.add("photos", photos_created, len(photos))

    with transaction.atomic():
        sections = load_sections(report)
        authors = load_authors(photos, report)
        all_slugs = [s.slug for s in seeds + drafts] + [
            writing.slug_for(entry["headline"]) for entry in writing.extras()["brief"]
        ]
        existing = set(Article.objects.filter(slug__in=all_slugs).values_list("slug", flat=True))
        created = load_stories(seeds, sections, authors, photos, now, existing)
        report.add("stories", len(created), len(seeds))
        report.add("news-feed briefs", *load_briefs(sections, authors, now, existing))
        report.add(
            "unpublished stories",
            load_drafts(drafts, sections, authors, photos, now, existing),
            len(drafts),
        )
        report.add(
            "stories with cards and embeds",
            load_blocks(created, seeds),
            Article.objects.filter(body__contains="data-block").count(),
        )
        report.add(
            "audio versions",
            audio.attach_audio(created, seeds),
            Article.objects.exclude(audio="").count(),
        )
        readers.load_readers(report, now)
    return report
