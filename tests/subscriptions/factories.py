"""Subscriber test data (invented addresses on example domains)."""

import factory
from django.utils import timezone

from subscriptions.models import Newsletter, Subscriber, Subscription


class NewsletterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Newsletter
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Morning Briefing {n}")
    slug = factory.Sequence(lambda n: f"morning-briefing-{n}")
    description = "The five stories you need before breakfast."
    frequency = "Every weekday morning"


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    status = Subscriber.Status.ACTIVE
    confirmed_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyFunction(timezone.now)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    newsletter = factory.SubFactory(NewsletterFactory)
    status = Subscription.Status.ACTIVE
    subscribed_at = factory.LazyFunction(timezone.now)


def active_subscriber(newsletter, **kwargs):
    subscriber = SubscriberFactory(**kwargs)
    SubscriptionFactory(subscriber=subscriber, newsletter=newsletter)
    return subscriber
