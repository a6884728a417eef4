"""Demo newsletters and their readers: subscriptions, consent history and a draft issue.

The addresses are invented and live on example.org / example.com, which can never receive
mail. A subscriber's whole history (signup, confirmation, perhaps an unsubscribe) is written
once, when the address is first created, and backdated so the admin shows a believable past.
"""

import random
from datetime import timedelta

from articles.models import Article, Section
from newsletters.models import IssueStory, NewsletterIssue
from subscriptions.models import ConsentEvent, Newsletter, Subscriber, Subscription, normalize_email

from . import writing

FIRST_NAMES = [
    "Anna", "Bohdana", "Daria", "Emma", "Hanna", "Ivan", "Kyrylo", "Lev", "Mariana", "Nazar",
    "Oksana", "Pavlo", "Roksolana", "Stepan", "Uliana", "Vasyl", "Yana", "Zakhar", "Alina",
    "Denys",
]  # fmt: skip
LAST_NAMES = [
    "Hrytsenko", "Shevchenko", "Bondarenko", "Tkachuk", "Kravchenko", "Oliinyk", "Melnychuk",
    "Savchenko", "Rudenko", "Marchuk", "Honchar", "Levchenko",
]  # fmt: skip
SUBSCRIBER_COUNT = 40
CONSENT_TEXT = (
    "Yes, send me {newsletters} from {site}. I can unsubscribe at any time with the link in "
    "every email."
)
ISSUE_SUBJECT = "Morning Briefing: trains leave Zelenobrid again, and the fight over rebuilding"


def load_newsletters():
    newsletters, created_count = {}, 0
    for entry in writing.people()["newsletter"]:
        newsletter, created = Newsletter.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "description": entry["description"],
                "frequency": entry["frequency"],
                "is_default": entry.get("is_default", False),
                "position": entry["position"],
            },
        )
        if created and entry.get("sections"):
            newsletter.sections.set(Section.objects.filter(slug__in=entry["sections"]))
        newsletters[newsletter.slug] = newsletter
        created_count += created
    return newsletters, created_count


def _demo_addresses():
    rng = random.Random("demo-readers")
    pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    for index, (first, last) in enumerate(pairs[:SUBSCRIBER_COUNT]):
        domain = "example.org" if index % 3 else "example.com"
        # Mixed case on purpose: what is stored is the normalised spelling.
        yield index, first, normalize_email(f"{first}.{last}@{domain}".title())


def _status_for(index):
    if index % 13 == 5:
        return Subscriber.Status.UNSUBSCRIBED
    if index % 9 == 4:
        return Subscriber.Status.PENDING
    return Subscriber.Status.ACTIVE


def _event(subscriber, newsletter, kind, method, when, ip=None):
    event = ConsentEvent.objects.create(
        subscriber=subscriber, newsletter=newsletter, kind=kind, method=method, ip_address=ip
    )
    # created_at is auto_now_add; the demo history needs it in the past.
    ConsentEvent.objects.filter(pk=event.pk).update(created_at=when)


def _create_subscriber(index, first_name, email, newsletters, now, site_name):
    rng = random.Random(email)
    status = _status_for(index)
    joined = now - timedelta(days=rng.uniform(3, 200), minutes=rng.randint(0, 600))
    chosen = [newsletters["morning-briefing"]] if index % 4 else []
    chosen += [
        n for slug, n in newsletters.items() if slug != "morning-briefing" and rng.random() < 0.4
    ]
    chosen = chosen or [newsletters["morning-briefing"]]
    ip = f"198.51.100.{index + 10}"
    consent = CONSENT_TEXT.format(newsletters=" and ".join(n.name for n in chosen), site=site_name)
    confirmed_at = None if status == Subscriber.Status.PENDING else joined + timedelta(minutes=7)
    subscriber = Subscriber(
        email=email,
        first_name=first_name if index % 5 else "",
        status=status,
        source=Subscriber.Source.SIGNUP_FORM,
        confirmed_at=confirmed_at,
        consent_text=consent,
        consent_ip=ip,
        consent_at=joined,
        last_confirmation_sent_at=joined,
    )
    subscriber.full_clean()
    subscriber.save()
    Subscriber.objects.filter(pk=subscriber.pk).update(created_at=joined)

    left_at = joined + timedelta(days=rng.uniform(1, 2)) if status == "unsubscribed" else None
    subscription_status = {
        Subscriber.Status.ACTIVE: Subscription.Status.ACTIVE,
        Subscriber.Status.PENDING: Subscription.Status.PENDING,
        Subscriber.Status.UNSUBSCRIBED: Subscription.Status.UNSUBSCRIBED,
    }[status]
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=subscriber,
            newsletter=newsletter,
            status=subscription_status,
            subscribed_at=confirmed_at,
            unsubscribed_at=left_at,
        )
        for newsletter in chosen
    )
    for newsletter in chosen:
        _event(subscriber, newsletter, ConsentEvent.Kind.SIGNUP, "web form", joined, ip)
        if confirmed_at:
            _event(
                subscriber, newsletter, ConsentEvent.Kind.CONFIRMATION, "email link", confirmed_at
            )
        if left_at:
            _event(subscriber, newsletter, ConsentEvent.Kind.UNSUBSCRIBE, "one-click", left_at)


def load_subscribers(newsletters, now):
    from django.conf import settings

    addresses = list(_demo_addresses())
    # Addresses are stored normalised, so a plain lookup finds them.
    emails = [email for _, _, email in addresses]
    known = set(Subscriber.objects.filter(email__in=emails).values_list("email", flat=True))
    created = 0
    for index, first_name, email in addresses:
        if email not in known:
            _create_subscriber(index, first_name, email, newsletters, now, settings.SITE_NAME)
            created += 1
    return created, len(addresses)


def load_draft_issue(newsletters):
    """A Morning Briefing waiting to be sent, made of four of the freshest stories."""
    newsletter = newsletters["morning-briefing"]
    issue, created = NewsletterIssue.objects.get_or_create(
        newsletter=newsletter,
        subject=ISSUE_SUBJECT,
        defaults={
            "preheader": "Plus: a kitchen that feeds forty families, and a theatre underground.",
            "intro": "<p>Good morning. Here is what our reporters found overnight.</p>",
            "status": NewsletterIssue.Status.DRAFT,
        },
    )
    if created:
        stories = (
            Article.objects.published()
            .filter(lead_photo__isnull=False)
            .filter(is_featured=True)
            .newest_first()[:4]
        )
        IssueStory.objects.bulk_create(
            IssueStory(issue=issue, article=article, position=position)
            for position, article in enumerate(stories)
        )
    return int(created)


def load_readers(report, now):
    newsletters, created = load_newsletters()
    report.add("newsletters", created, len(newsletters))
    report.add("subscribers", *load_subscribers(newsletters, now))
    report.add("draft newsletter issues", load_draft_issue(newsletters), 1)
