"""Reader comments: the form outside the cached page, moderation, honeypot, limits, closing."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from comments import services
from comments.models import Comment
from tests.articles.test_queries import BLOCKS_ON, STORY_PAGE_QUERIES
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

READER = {"name": "Olha from Lviv", "email": "olha@example.org", "body": "Thank you for this."}


@pytest.fixture
def story():
    return ArticleFactory(publish_at=timezone.now() - timedelta(days=1))


@pytest.fixture
def moderator(db):
    return get_user_model().objects.create_superuser("mod", "mod@example.org", "pw-long-enough")


def write_url(story):
    return reverse("comments:write", args=[story.slug])


def post(client, story, *, ip="198.51.100.20", fragment=False, **data):
    headers = {"REMOTE_ADDR": ip}
    if fragment:
        headers["HTTP_X_FRAGMENT"] = "1"
    return client.post(write_url(story), {**READER, **data}, **headers)


def story_html(client, story):
    return client.get(story.get_absolute_url()).content.decode()


def test_story_page_links_to_the_form_and_carries_no_token(client, story):
    html = story_html(client, story)

    assert f'href="{write_url(story)}" data-comment-open>Write a comment</a>' in html
    assert "csrfmiddlewaretoken" not in html and "<form" not in html.split('id="comments"')[1]
    assert "No comments yet." in html


def test_the_form_page_and_fragment_carry_the_token_and_are_never_cached(client, story):
    page = client.get(write_url(story))
    fragment = client.get(write_url(story), {"fragment": "1"})

    for response in (page, fragment):
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    assert "<html" in page.content.decode() and "<html" not in fragment.content.decode()
    assert 'for="id_email"' in fragment.content.decode()  # labelled fields


def test_a_new_comment_waits_for_moderation(client, story):
    response = post(client, story)

    assert response.status_code == 200
    assert "Your comment will appear under the story once an editor has read it" in (
        response.content.decode()
    )
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.email == "olha@example.org"
    assert "Thank you for this." not in story_html(client, story)


def test_approved_comments_appear_with_a_count_and_without_email(client, story, moderator):
    post(client, story)
    post(client, story, name="Taras", body="Second view.")

    services.approve(Comment.objects.all(), by=moderator)
    html = story_html(client, story)

    assert 'Comments <span class="comments__count">(2)</span>' in html
    assert html.index("Olha from Lviv") < html.index("Taras")
    assert "olha@example.org" not in html
    assert Comment.objects.filter(moderated_by=moderator).count() == 2


def test_removed_comments_disappear(client, story, moderator):
    post(client, story)
    services.approve(Comment.objects.all(), by=moderator)
    services.remove(Comment.objects.all(), by=moderator)

    assert "Thank you for this." not in story_html(client, story)
    assert Comment.objects.get().status == Comment.Status.REMOVED


def test_comment_text_is_escaped_and_links_are_nofollow_ugc(client, story, moderator):
    post(
        client,
        story,
        body='<script>alert("x")</script> <b>bold</b>\nsee https://example.org/report ok\n\nbye',
    )
    services.approve(Comment.objects.all(), by=moderator)

    html = story_html(client, story)

    assert '<script>alert("x")' not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert (
        '<a href="https://example.org/report" rel="nofollow ugc noopener">'
        "https://example.org/report</a>" in html
    )
    assert "<br>see" in html and "<p>bye</p>" in html


def test_the_honeypot_looks_like_success_but_stores_nothing(client, story):
    response = post(client, story, website="http://spam.example")

    assert response.status_code == 200 and "Thank you." in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_are_rate_limited_per_ip(client, story, settings):
    settings.COMMENT_RATE_LIMIT_PER_IP = "2/d"  # a day: no window boundary mid-test

    statuses = [post(client, story, body=f"Comment {n}").status_code for n in range(3)]
    other = post(client, story, ip="198.51.100.21")

    assert statuses == [200, 200, 429] and other.status_code == 200
    assert Comment.objects.count() == 3


def test_invalid_forms_show_errors_in_place(client, story):
    response = post(client, story, fragment=True, email="not-an-address", body="")

    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and "Enter a valid email address." in html
    assert not Comment.objects.exists()


def test_comments_close_after_the_configured_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 3
    story = ArticleFactory(publish_at=timezone.now())

    with freeze_time(timezone.now() + timedelta(days=3, minutes=1)):
        html = story_html(client, story)
        response = post(client, story)

    assert "Comments on this story are closed." in html and "Write a comment" not in html
    assert response.status_code == 403 and not Comment.objects.exists()
    with freeze_time(timezone.now() + timedelta(days=30)), pytest.raises(ValidationError):
        services.post_comment(article=story, **READER)


def test_editors_can_switch_comments_off(client, moderator):
    story = ArticleFactory(comments_enabled=False)

    assert 'id="comments"' not in story_html(client, story)
    assert post(client, story).status_code == 403

    # Comments approved before the switch stay visible, without a form.
    Comment.objects.create(article=story, status=Comment.Status.APPROVED, **READER)
    html = story_html(client, story)
    assert "Thank you for this." in html and "Comments are switched off for this story." in html


def test_drafts_take_no_comments(client):
    draft = ArticleFactory(status="draft")

    assert client.get(write_url(draft)).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_story_page_costs_the_same_whatever_the_number_of_comments(
    client, django_assert_num_queries, story, count, shared_blocks
):
    for number in range(count):
        Comment.objects.create(article=story, status="approved", **{**READER, "name": f"R{number}"})
    client.get(story.get_absolute_url())

    # tests/articles/test_queries.py's story page: its own queries, comments among them
    with django_assert_num_queries(STORY_PAGE_QUERIES[BLOCKS_ON]):
        html = story_html(client, story)
    assert html.count('class="comment"') == count


def test_moderation_queue_lists_pending_first_and_acts_in_bulk(client, story, moderator):
    pending = Comment.objects.create(article=story, **READER)
    Comment.objects.create(article=story, status="approved", **{**READER, "body": "Old, fine."})
    client.force_login(moderator)
    url = reverse("admin:comments_comment_changelist")

    queue = client.get(url).content.decode()
    assert "Thank you for this." in queue and "Old, fine." not in queue

    client.post(url, {"action": "approve_comments", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED and pending.moderated_by == moderator

    client.post(url, {"action": "remove_comments", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == Comment.Status.REMOVED


def test_approving_retires_cached_story_pages(
    client, story, moderator, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    post(client, story)
    client.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.approve(Comment.objects.all(), by=moderator)
    response = client.get(story.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "Thank you for this." in response.content.decode()


def test_a_new_pending_comment_keeps_cached_pages(
    client, story, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = True
    client.get(story.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        post(client, story)

    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"
