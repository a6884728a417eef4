"""Live coverage test data (every text invented for the tests)."""

from datetime import timedelta

import factory
from django.utils import timezone

from live.models import LiveUpdate
from tests.factories import ArticleFactory


class LiveStoryFactory(ArticleFactory):
    headline = factory.Sequence(lambda n: f"Storm over the coast: live updates, day {n}")
    is_live = True
    in_news_feed = False
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=3))


class LiveUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveUpdate

    article = factory.SubFactory(LiveStoryFactory)
    headline = factory.Sequence(lambda n: f"Ferries suspended at port number {n}")
    body = "<p>The harbour master says crossings resume once the wind drops below gale force.</p>"
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=5))
