"""The erasure tool also forgets the address on the reader's comments.

A comment keeps its writer's email address (never shown, kept so the newsroom can reach
them); a subscriber erased on request must not stay findable through it.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from subscriptions import erasure
from tests.factories import ArticleFactory
from tests.subscriptions.factories import active_subscriber

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:subscriptions_subscriber_changelist")


@pytest.fixture
def story(db):
    return ArticleFactory(publish_at=timezone.now() - timedelta(days=1))


def comment(story, email, body, status=Comment.Status.APPROVED):
    return Comment.objects.create(
        article=story, name="Mila from Odesa", email=email, body=body, status=status
    )


def comment_rows():
    return sorted(Comment.objects.values_list("pk", "name", "email", "body", "status"))


def test_the_erase_action_forgets_the_address_on_comments(admin_client, newsletter, story):
    subscriber = active_subscriber(newsletter, email="mila@example.org", first_name="Mila")
    hers = [
        comment(story, "mila@example.org", "Thank you for this."),
        comment(story, "Mila@Example.ORG", "Another one.", status=Comment.Status.PENDING),
    ]
    other = comment(story, "someone@example.org", "Not hers.")
    before = comment_rows()

    admin_client.post(
        CHANGELIST,
        {"action": "erase_selected", "_selected_action": [subscriber.pk], "confirm": "yes"},
    )

    assert not Comment.objects.filter(email__icontains="mila@").exists()
    # Only the address goes: the comments, their text and moderation stay as they were.
    assert comment_rows() == [
        (pk, name, "" if pk in {c.pk for c in hers} else email, body, status)
        for pk, name, email, body, status in before
    ]
    other.refresh_from_db()
    assert other.email == "someone@example.org"


def test_erase_subscriber_covers_comments_and_the_page_says_so(admin_client, newsletter, story):
    subscriber = active_subscriber(newsletter, email="ivan@example.org")
    comment(story, "ivan@example.org", "A comment.")

    page = admin_client.post(
        CHANGELIST, {"action": "erase_selected", "_selected_action": [subscriber.pk]}
    )
    assert "comments" in page.content.decode()

    erasure.erase_subscriber(subscriber=subscriber)

    assert Comment.objects.get().email == ""


def test_readers_must_still_give_an_address(client, story):
    from django.core.exceptions import ValidationError

    from comments.services import post_comment

    response = client.post(
        reverse("comments:write", args=[story.slug]),
        {"name": "Olha", "email": "", "body": "Thank you."},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code in (200, 400)
    with pytest.raises(ValidationError):
        post_comment(article=story, name="Olha", email="  ", body="Thank you.")
    assert not Comment.objects.exists()
