"""Newsletter issue test data (all text invented)."""

import factory

from newsletters.models import IssueStory, NewsletterIssue
from tests.subscriptions.factories import NewsletterFactory, active_subscriber


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    newsletter = factory.SubFactory(NewsletterFactory)
    subject = factory.Sequence(lambda n: f"Bridges, budgets and a late frost: briefing {n}")
    preheader = "Plus: why the tram timetable is changing next month."
    intro = (
        "<p>Good morning. The council finally voted on the river crossing, and the "
        '<a href="https://example.org/budget">budget</a> is out.</p>'
    )


def add_stories(issue, articles):
    IssueStory.objects.bulk_create(
        IssueStory(issue=issue, article=article, position=position)
        for position, article in enumerate(articles)
    )
    return articles


def audience(newsletter, count, *, start=0):
    return [
        active_subscriber(newsletter, email=f"reader{start + n}@example.org") for n in range(count)
    ]
