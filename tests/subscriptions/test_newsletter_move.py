"""The Newsletter model moved from newsletters to subscriptions (subscriptions 0005,
newsletters 0007 and 0008): a database migrated across the move keeps every newsletter, what
points at it, its content type id and the permissions granted on it."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("newsletters", "0006_issue_watched_at"), ("subscriptions", "0004_subscriber_links")]
AFTER = [("newsletters", "0008_newsletter_moved_to_subscriptions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """The next tests on this worker find every migration applied, whatever this one left."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def world_before_the_move(old):
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    User = old.get_model("auth", "User")
    Section = old.get_model("articles", "Section")
    Newsletter = old.get_model("newsletters", "Newsletter")
    Issue = old.get_model("newsletters", "NewsletterIssue")
    Subscriber = old.get_model("subscriptions", "Subscriber")
    Subscription = old.get_model("subscriptions", "Subscription")
    ConfirmationRequest = old.get_model("subscriptions", "ConfirmationRequest")

    ContentType.objects.filter(app_label="newsletters", model="newsletter").delete()
    old_type = ContentType.objects.create(app_label="newsletters", model="newsletter")
    change = Permission.objects.create(
        content_type=old_type, codename="change_newsletter", name="Can change newsletter"
    )
    editors = Group.objects.create(name="List keepers")
    editors.permissions.add(change)
    keeper = User.objects.create(username="keeper")
    keeper.user_permissions.add(change)
    # The new label's content type exists too, with a grant, as on a database that a newer
    # checkout's post_migrate touched before this one migrated.
    made, _ = ContentType.objects.get_or_create(app_label="subscriptions", model="newsletter")
    late_view, _ = Permission.objects.get_or_create(
        content_type=made, codename="view_newsletter", defaults={"name": "View"}
    )
    Group.objects.create(name="Granted after the move").permissions.add(late_view)
    Permission.objects.create(content_type=old_type, codename="view_newsletter", name="View")

    section = Section.objects.create(name="Harbour", slug="harbour")
    weekly = Newsletter.objects.create(
        name="Harbour weekly", slug="harbour-weekly", description="d", frequency="Fridays"
    )
    weekly.sections.add(section)
    issue = Issue.objects.create(newsletter=weekly, subject="Tides")
    reader = Subscriber.objects.create(email="pilot@example.org", email_hash="x" * 64)
    Subscription.objects.create(subscriber=reader, newsletter=weekly, status="active")
    ConfirmationRequest.objects.create(subscriber=reader).newsletters.add(weekly)
    # The admin app is not in the migrated apps' state: its model itself, by ids.
    LogEntry.objects.create(
        user_id=keeper.pk,
        content_type_id=old_type.pk,
        object_id=str(weekly.pk),
        object_repr="Harbour weekly",
        action_flag=2,
        change_message="[]",
    )
    return {"type": old_type.pk, "newsletter": weekly.pk, "issue": issue.pk, "section": section.pk}


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_rows_content_type_and_grants(back_to_the_latest_schema):
    before = world_before_the_move(migrate(BEFORE))

    new = migrate(AFTER)
    ContentType.objects.clear_cache()
    Newsletter = new.get_model("subscriptions", "Newsletter")
    weekly = Newsletter.objects.get(pk=before["newsletter"])
    assert weekly.slug == "harbour-weekly"
    assert list(weekly.sections.values_list("pk", flat=True)) == [before["section"]]
    assert new.get_model("newsletters", "NewsletterIssue").objects.get().newsletter_id == weekly.pk
    assert new.get_model("subscriptions", "Subscription").objects.get().newsletter_id == weekly.pk
    request = new.get_model("subscriptions", "ConfirmationRequest").objects.get()
    assert list(request.newsletters.values_list("pk", flat=True)) == [weekly.pk]

    content_type = ContentType.objects.get(pk=before["type"])
    assert (content_type.app_label, content_type.model) == ("subscriptions", "newsletter")
    assert not ContentType.objects.filter(app_label="newsletters", model="newsletter").exists()
    assert LogEntry.objects.get().content_type_id == before["type"]

    from django.contrib.auth.models import Group, User

    keeper = User.objects.get(username="keeper")
    assert keeper.has_perm("subscriptions.change_newsletter")
    assert (
        Group.objects.get(name="List keepers")
        .permissions.filter(codename="change_newsletter", content_type_id=before["type"])
        .exists()
    )
    assert (
        Group.objects.get(name="Granted after the move")
        .permissions.filter(codename="view_newsletter", content_type_id=before["type"])
        .exists()
    )


@pytest.mark.django_db(transaction=True)
def test_the_move_runs_backwards(back_to_the_latest_schema):
    migrate(AFTER)
    newsletter_type = ContentType.objects.get(app_label="subscriptions", model="newsletter").pk
    old = migrate(BEFORE)
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=newsletter_type).app_label == "newsletters"
    Newsletter = old.get_model("newsletters", "Newsletter")
    Newsletter.objects.create(name="Back", slug="back", description="d", frequency="daily")
    assert Newsletter.objects.count() == 1
