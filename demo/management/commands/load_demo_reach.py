"""Demo content for what readers do: a live story with updates, comments, a week of reads.

Every text is invented. Safe to run again: it adds only what is missing.
"""

import zlib
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Author, Byline, Section
from comments.models import Comment
from live.models import LiveUpdate
from popularity.models import ArticleDailyViews

LIVE_SLUG = "storm-on-the-southern-coast-live-updates"
UPDATES = [
    # (minutes ago, headline, body, pinned)
    (170, "Where to find shelter", "Schools and metro stations are open as shelters "
     "all night. Bring water, documents and a charged phone.", True),
    (150, "Ferries stay in port", "The harbour master has stopped all crossings until the "
     "wind drops below gale force.", False),
    (95, "Power cut in three districts", "The grid operator says crews are on their way "
     "and expects power back within four hours.", False),
    (40, "", "Gusts of 110 km/h were measured at the lighthouse this evening.", False),
    (12, "Coastal road closed", "Police have closed the coastal road between the two "
     "ports after a landslide. Use the inland route.", False),
]  # fmt: skip
# Reader comments by story slug, each about the story it sits under (the last of each list
# waits in the moderation queue). A story the demo did not load is skipped.
COMMENTS = {
    LIVE_SLUG: [
        ("Olha", "Thank you for keeping this updated. Our street lost power an hour ago."),
        ("Taras", "The inland route is slow but open, we just drove it."),
        ("Iryna", "Is there a list of shelters for the northern districts?"),
    ],
    "evacuation-trains-resume-from-zelenobrid-after-three-day-pause": [
        ("Mykola", "My parents were on the first train. Thank you to the rail crews."),
        ("Svitlana", "Does the train stop anywhere before the regional centre?"),
    ],
    "overnight-drone-attack-leaves-kamianyi-brid-without-heating": [
        ("Andrii", "The heating point at the school on our street is warm and well run."),
        ("Larysa", "Any news on when the radiators in the northern blocks come back?"),
    ],
}


class Command(BaseCommand):
    help = "Demo live coverage, reader comments and a week of reads for Most popular."

    @transaction.atomic
    def handle(self, *args, **options):
        live = self.live_story()
        comments = self.comments()
        reads = self.reads()
        self.stdout.write(
            f"Demo reach: live story with {live.live_updates.count()} updates, "
            f"{comments} new comments, {reads} new daily read counts."
        )

    def live_story(self):
        now = timezone.now()
        section = Section.objects.filter(shown_in_navigation=True).order_by("position").first()
        story, created = Article.objects.get_or_create(
            slug=LIVE_SLUG,
            defaults={
                # No "live updates" in the headline: the Live badge beside it says so.
                "headline": "Storm on the southern coast",
                "dek": "Ferries stopped, roads closed and power cuts as the storm moves east.",
                "body": "<p>We are following the storm as it moves along the coast. The newest "
                "updates are at the top; the pinned one tells you where to find shelter.</p>",
                "section": section,
                "status": Article.Status.PUBLISHED,
                "publish_at": now - timedelta(hours=3),
                "is_live": True,
                "in_news_feed": False,
                "is_featured": True,
            },
        )
        desk = Author.objects.filter(kind=Author.Kind.DESK).first()
        if created and desk is not None:
            Byline.objects.create(article=story, author=desk, position=0)
        if not story.live_updates.exists():
            person = Author.objects.filter(kind=Author.Kind.PERSON).first()
            for minutes, headline, text, pinned in UPDATES:
                LiveUpdate.objects.create(
                    article=story,
                    headline=headline,
                    body=f"<p>{text}</p>",
                    is_pinned=pinned,
                    author=person if headline else desk,
                    published_at=now - timedelta(minutes=minutes),
                )
        return story

    def comments(self):
        """Each story's own comments: never one story's readers under another story."""
        added = 0
        stories = Article.objects.filter(slug__in=COMMENTS).only("pk", "slug")
        for story in stories:
            comments = COMMENTS[story.slug]
            for number, (name, body) in enumerate(comments):
                _, created = Comment.objects.get_or_create(
                    article=story,
                    name=name,
                    defaults={
                        "email": f"{name.lower()}@example.org",
                        "body": body,
                        "status": "pending" if number == len(comments) - 1 else "approved",
                    },
                )
                added += created
        return added

    def reads(self):
        today = timezone.localdate()
        rows = []
        existing = set(ArticleDailyViews.objects.values_list("article_id", "day"))
        for story in Article.objects.published().only("pk", "publish_at"):
            for offset in range(7):
                day = today - timedelta(days=offset)
                if (story.pk, day) in existing or day < timezone.localdate(story.publish_at):
                    continue
                # Stable made-up numbers: the same demo ranks the same way every time.
                views = zlib.crc32(f"{story.pk}-{offset}".encode()) % 400 + 20
                rows.append(ArticleDailyViews(article=story, day=day, views=views))
        ArticleDailyViews.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)
