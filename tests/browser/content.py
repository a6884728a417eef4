"""A small, complete newsroom for the browser checks: every block a reader page can show.

Every text is invented for the tests.
"""

from datetime import timedelta

from django.utils import timezone

from articles.models import Byline
from comments.models import Comment
from live.models import LiveUpdate
from pages.models import Page, SupportAppeal
from popularity.models import ArticleDailyViews
from tests.articles.reader_helpers import photo_with_renditions
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, block, place_each
from tests.subscriptions.factories import NewsletterFactory

BODY = "".join(
    f"<p>Paragraph {number}: the night crews worked until the water came back to every "
    "district, and the council promised a full account of what went wrong.</p>"
    for number in range(1, 6)
)


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def build_newsroom():
    """Returns {name: path} of the pages to check."""
    national = SectionFactory(name="National", slug="national", position=1)
    culture = SectionFactory(name="Culture", slug="culture", position=2)
    photo = photo_with_renditions(
        caption="A repair crew lowers a new pump into the station well.",
        credit="Olena Marchenko/Newsroom",
        alt_text="Workers in orange vests around a pump station",
    )
    writer = AuthorFactory(
        name="Olena Marchenko", slug="olena-marchenko", photo=photo, job_title="Correspondent"
    )
    desk = AuthorFactory(name="The Newsroom desk", slug="newsroom-desk", kind="desk")

    def story(headline, section=national, authors=(writer,), **kwargs):
        article = ArticleFactory(headline=headline, section=section, **kwargs)
        for position, author in enumerate(authors):
            Byline.objects.create(article=article, author=author, position=position)
        return article

    target = story("How the city kept the taps running in winter", lead_photo=photo,
                   publish_at=ago(days=2))  # fmt: skip
    main = story(
        "Water returns to the eastern districts after a week of repairs",
        authors=(writer, desk),
        dek="Engineers replaced two pumps and a kilometre of pipe.",
        body=BODY,
        lead_photo=photo,
        is_featured=True,
        featured_position=1,
        in_news_feed=True,
        tag_names=["Water", "Infrastructure"],
        publish_at=ago(hours=2),
    )
    place_each(main, [
        (1, block("story", story=target.pk, headline=target.headline)),
        (2, block("link", url="https://example.org/report", source="Example Review",
                  title="The utility's own repair report")),
        (3, block("media", url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                  title="The repairs in two minutes")),
    ])  # fmt: skip
    for number in range(4):
        story(f"Brief {number}: trains run on time again in the north", in_news_feed=True,
              publish_at=ago(minutes=20 + number * 30), is_editors_pick=number < 2)  # fmt: skip
    story("A theatre in a shelter sells out every night", section=culture, lead_photo=photo,
          is_featured=True, publish_at=ago(hours=5))  # fmt: skip

    live = story(
        "Storm over the coast: live updates",
        is_live=True,
        dek="Ferries stopped, roads closed, power cuts in three regions.",
        body="<p>We are following the storm as it moves along the coast.</p>",
        publish_at=ago(hours=3),
    )
    LiveUpdate.objects.create(
        article=live, headline="Where to find shelter", is_pinned=True, author=writer,
        body="<p>Shelters are open in every school. <a href='https://example.org/map'>Map</a>.</p>",
        published_at=ago(hours=2),
    )  # fmt: skip
    LiveUpdate.objects.create(
        article=live, headline="Waves over the pier", photo=photo, author=desk,
        body="<p>The harbour is closed to all boats.</p>", published_at=ago(minutes=40),
    )  # fmt: skip
    LiveUpdate.objects.create(
        article=live, body="<p>Wind gusts reached 110 km/h at the lighthouse.</p>",
        embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", published_at=ago(minutes=10),
    )  # fmt: skip

    Comment.objects.create(
        article=main, name="Olha", email="olha@example.org", status="approved",
        body="Thank you for explaining this.\n\nThe utility's page https://example.org/outages "
        "had nothing.",
    )  # fmt: skip
    Comment.objects.create(article=main, name="Taras", email="t@example.org", status="approved",
                           body="Our street got water back on Tuesday.")  # fmt: skip
    for views, article in ((120, main), (80, live), (30, target)):
        ArticleDailyViews.objects.create(article=article, day=timezone.localdate(), views=views)

    NewsletterFactory(name="Morning Briefing", slug="morning-briefing", is_public=True)
    Page.objects.create(
        title="About us", slug="about", intro="Who we are and how we work.",
        body="<p>We are an independent newsroom.</p><h2>Our standards</h2>"
        "<p>We correct errors.</p>",
    )  # fmt: skip
    SupportAppeal.objects.create(text="Our reporting is free for everyone.", amounts="5, 10, 25")

    return {
        "home": "/",
        "section": national.get_absolute_url(),
        "story": main.get_absolute_url(),
        "live-story": live.get_absolute_url(),
        "author": writer.get_absolute_url(),
        "news-feed": "/news-feed/",
        "search": "/search/?q=water",
        "newsletters": "/newsletters/",
        "static-page": "/about/",
        "comment-form": f"/comments/{main.slug}/write/",
    }
