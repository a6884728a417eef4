# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Every role × every action through the admin with the test client: allowed or refused,
judged by what is in the database afterwards (a refusal must change nothing)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from articles.models import Article
from editorial.roles import ROLE_PERMISSIONS, sync_roles
from tests.articles.admin_forms import ADD_STORY_URL, byline_row, local_split, story_form_data
from tests.articles.workflow_helpers import change_form_data, roles  # noqa: F401
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

CHANGE = "/admin/articles/article/{}/change/"


def _post_change(client, article, **changes):
    url = CHANGE.format(article.pk)
    if client.get(url).status_code != 200:
        # Not shown to this user; a forged POST must be refused all the same.
        return client.post(url, {"headline": "Forged", "status": changes.get("status", "draft")})
    return client.post(url, change_form_data(client, url, **changes))


def act_view(client, ctx):
    return client.get("/admin/articles/article/").status_code == 200


def act_add(client, ctx):
    data = story_form_data(section=ctx["section"], bylines=[byline_row(ctx["author"])])
    client.post(ADD_STORY_URL, data)
    return Article.objects.filter(slug="night-trains-return").exists()


def act_change_own(client, ctx):
    _post_change(client, ctx["own"], headline="Own story, edited")
    ctx["own"].refresh_from_db()
    return ctx["own"].headline == "Own story, edited"


def act_change_others(client, ctx):
    _post_change(client, ctx["others"], headline="Someone else's, edited")
    ctx["others"].refresh_from_db()
    return ctx["others"].headline == "Someone else's, edited"


def act_publish(client, ctx):
    _post_change(client, ctx["own"], status="published")
    ctx["own"].refresh_from_db()
    return ctx["own"].status == Article.Status.PUBLISHED


def act_schedule(client, ctx):
    later = timezone.now() + timedelta(hours=3)
    _post_change(client, ctx["own"], status="scheduled", **local_split(later))
    ctx["own"].refresh_from_db()
    return ctx["own"].status == Article.Status.SCHEDULED


def act_delete_others(client, ctx):
    client.post(f"/admin/articles/article/{ctx['others'].pk}/delete/", {"post": "yes"})
    return not Article.objects.filter(pk=ctx["others"].pk).exists()


def act_manage_subscribers(client, ctx):
    return client.get("/admin/subscriptions/subscriber/").status_code == 200


ACTIONS = {
    "view": act_view,
    "add": act_add,
    "change_own": act_change_own,
    "change_others": act_change_others,
    "publish": act_publish,
    "schedule": act_schedule,
    "delete_others": act_delete_others,
    "manage_subscribers": act_manage_subscribers,
}
ALLOWED = {
    "reporter": {"view", "add", "change_own"},
    "editor": set(ACTIONS) - {"manage_subscribers"},
    "audience": {"manage_subscribers"},
    "superuser": set(ACTIONS),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ALLOWED)
def test_permission_matrix(client, roles, role, action):
    user = roles[role]
    section, author = SectionFactory(), AuthorFactory()
    ctx = {
        "section": section,
        "author": author,
        "own": ArticleFactory(
            section=section,
            status="draft",
            publish_at=None,
            created_by=user,
            headline="Own",
            authors=[author],
        ),
        "others": ArticleFactory(
            section=section,
            status="draft",
            publish_at=None,
            created_by=roles["other_reporter"],
            headline="Theirs",
        ),
    }
    client.force_login(user)

    assert ACTIONS[action](client, ctx) is (action in ALLOWED[role])


def test_reporter_posting_published_by_hand_gets_a_clear_error(client, roles):
    reporter = roles["reporter"]
    story = ArticleFactory(status="draft", publish_at=None, created_by=reporter)
    client.force_login(reporter)
    url = CHANGE.format(story.pk)

    page = client.post(url, change_form_data(client, url, status="published", headline="Out!"))

    assert page.status_code == 200
    assert "Only editors can publish, schedule or unpublish" in page.content.decode()
    story.refresh_from_db()
    assert (story.status, story.headline, story.publish_at) == ("draft", "Own", None) or (
        story.status == "draft" and story.headline != "Out!"
    )


def test_reporter_is_offered_only_draft_and_review(client, roles):
    story = ArticleFactory(status="draft", publish_at=None, created_by=roles["reporter"])
    client.force_login(roles["reporter"])

    page = client.get(CHANGE.format(story.pk)).content.decode()

    # The publish panel: the status is a hidden field, the buttons are the role's moves.
    assert 'name="_save_story"' in page and 'name="_submit_for_review"' in page
    assert 'name="_publish_now"' not in page and 'name="_schedule"' not in page
    assert "Publish now" not in page and "Withdraw from the site" not in page
    assert 'name="publish_at_0"' not in page


def test_reporter_owns_stories_bylined_to_them(client, roles):
    """Filed by an editor, bylined to the reporter's Author: theirs to edit while a draft."""
    author = roles["reporter"].author
    story = ArticleFactory(
        status="draft", publish_at=None, created_by=roles["editor"], authors=[author]
    )
    client.force_login(roles["reporter"])

    _post_change(client, story, headline="Bylined, edited")

    story.refresh_from_db()
    assert story.headline == "Bylined, edited"


def test_reporter_cannot_edit_own_story_once_published(client, roles):
    story = ArticleFactory(created_by=roles["reporter"], headline="Live one")
    client.force_login(roles["reporter"])

    page = client.get(CHANGE.format(story.pk))
    client.post(CHANGE.format(story.pk), {"headline": "Changed", "status": "published"})

    assert page.status_code == 200  # read-only view of a public story
    assert 'name="headline"' not in page.content.decode()
    story.refresh_from_db()
    assert story.headline == "Live one"


def test_admin_index_hides_modules_per_role(client, roles):
    client.force_login(roles["reporter"])
    reporter_index = client.get("/admin/").content.decode()
    client.force_login(roles["audience"])
    audience_index = client.get("/admin/").content.decode()

    assert "/admin/articles/article/" in reporter_index
    assert "/admin/subscriptions/" not in reporter_index
    assert "/admin/articles/article/" not in audience_index
    assert "/admin/subscriptions/" in audience_index


def test_roles_sync_is_idempotent_and_restores_drift(roles):
    editor = Group.objects.get(name="Editor")
    editor.permissions.remove(Permission.objects.get(codename="publish_article"))
    editor.permissions.add(Permission.objects.get(codename="delete_subscriber"))

    sync_roles()
    sync_roles()

    for name, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        held = {
            f"{app}.{code}"
            for app, code in group.permissions.values_list("content_type__app_label", "codename")
        }
        assert held == set(perms)
