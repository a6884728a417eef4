"""Steps of the worker-crash tests, run in their own process against a scratch database.

    python -m tests.newsletters.crash_scenario setup 14
    python -m tests.newsletters.crash_scenario unsubscribe reader11@example.org
    python -m tests.newsletters.crash_scenario state ISSUE_ID
    python -m tests.newsletters.crash_scenario resolve ISSUE_ID resend|skip

The test process cannot share pytest-django's test database with a worker it starts (an
in-memory SQLite database, or rows hidden in an open transaction), so the crash tests build
their own database and drive it through this script, exactly as an editor and a worker would.
Each step prints one JSON object.
"""

import json
import os
import sys


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    command, *args = argv
    print(json.dumps(COMMANDS[command](*args)))


def setup(count):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.models import Article, Section
    from newsletters import services
    from newsletters.models import IssueStory, NewsletterIssue
    from subscriptions.models import Newsletter, Subscriber, Subscription, email_hash

    now = timezone.now()
    section = Section.objects.create(name="National", slug="national")
    article = Article.objects.create(
        headline="Night trains return to the western line",
        slug="night-trains-return",
        dek="The first sleeper leaves on Friday.",
        body="<p>The railway confirmed the timetable on Monday.</p>",
        section=section,
        status=Article.Status.PUBLISHED,
        publish_at=now,
    )
    newsletter = Newsletter.objects.create(
        name="Morning Briefing",
        slug="morning",
        description="The five stories you need before breakfast.",
        frequency="Every weekday morning",
    )
    emails = [f"reader{n:02d}@example.org" for n in range(int(count))]
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(
            email=email,
            email_hash=email_hash(email),
            status=Subscriber.Status.ACTIVE,
            confirmed_at=now,
        )
        for email in emails
    )
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=subscriber,
            newsletter=newsletter,
            status=Subscription.Status.ACTIVE,
            subscribed_at=now,
        )
        for subscriber in subscribers
    )
    issue = NewsletterIssue.objects.create(
        newsletter=newsletter, subject="Night trains are back", intro="<p>Good morning.</p>"
    )
    IssueStory.objects.create(issue=issue, article=article, position=0)
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "x")
    services.send_now(issue=issue, by=editor)
    return {"issue": issue.pk, "emails": emails}


def unsubscribe(email):
    from subscriptions.models import Subscriber
    from subscriptions.services import unsubscribe

    subscriber = Subscriber.objects.with_email(email).get()
    left = unsubscribe(subscriber=subscriber, method="one-click")
    return {"left": [newsletter.slug for newsletter in left]}


def state(issue_id):
    from newsletters.models import Delivery, NewsletterIssue

    issue = NewsletterIssue.objects.get(pk=issue_id)
    rows = Delivery.objects.filter(issue=issue).select_related("subscriber")
    return {
        "status": issue.status,
        "deliveries": {row.subscriber.email: row.status for row in rows},
        "workers": sorted({row.claimed_by.rsplit(":", 1)[0] for row in rows if row.claimed_by}),
    }


def resolve(issue_id, choice):
    from newsletters import services
    from newsletters.models import NewsletterIssue

    issue = NewsletterIssue.objects.get(pk=issue_id)
    settled = services.resolve_uncertain(issue=issue, resend=choice == "resend")
    return {"settled": settled}


COMMANDS = {"setup": setup, "unsubscribe": unsubscribe, "state": state, "resolve": resolve}

if __name__ == "__main__":
    main(sys.argv[1:])
