"""The audit log: every security-relevant action leaves exactly one entry, and nobody can
change or remove one (the admin offers nothing; on PostgreSQL the database refuses)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from articles import services as story_services
from articles.models import Article
from core import audit
from core.models import AuditEntry
from editorial import preview
from editorial.models import PreviewLink
from editorial.roles import EDITOR, REPORTER
from subscriptions import erasure as subscriber_erasure
from subscriptions import services as subscriber_services
from tests.articles.workflow_helpers import PASSWORD, make_user, role_group
from tests.factories import ArticleFactory, BylineFactory
from tests.subscriptions.factories import NewsletterFactory, active_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(django_user_model, client):
    user = make_user(django_user_model, "chief", is_superuser=True)
    client.force_login(user)
    return user


class NewEntries:
    """The entries written inside the block."""

    def __enter__(self):
        self.after = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return self

    def __exit__(self, *exc):
        self.entries = list(AuditEntry.objects.filter(pk__gt=self.after).order_by("pk"))

    def one(self, action):
        assert [entry.action for entry in self.entries] == [action]
        return self.entries[0]


def test_a_password_sign_in_and_a_failure_each_leave_one_entry(client, django_user_model):
    make_user(django_user_model, "erin", EDITOR)
    with NewEntries() as failed:
        client.post("/admin/login/", {"username": "erin", "password": "wrong"})
    entry = failed.one(audit.Action.SIGN_IN_FAILED)
    assert (entry.target, entry.actor, entry.ip_address) == ("erin", None, "127.0.0.1")

    with NewEntries() as signed_in:
        client.post("/admin/login/", {"username": "erin", "password": PASSWORD})
    assert [e.action for e in signed_in.entries][:1] == [audit.Action.SIGNED_IN]


def test_a_sign_out_leaves_one_entry(client, django_user_model):
    erin = make_user(django_user_model, "erin", EDITOR)
    client.force_login(erin)
    with NewEntries() as signed_out:
        response = client.post("/admin/logout/")
    assert response.status_code == 200
    entry = signed_out.one(audit.Action.SIGNED_OUT)
    assert (entry.target, entry.actor, entry.ip_address) == ("erin", erin, "127.0.0.1")


def test_role_and_permission_changes_each_leave_one_entry(chief, client, django_user_model):
    erin = make_user(django_user_model, "erin")
    editor = role_group(EDITOR)
    with NewEntries() as added:
        erin.groups.add(editor)
    entry = added.one(audit.Action.GROUPS_ADDED)
    assert (entry.target, entry.details["changed"]) == ("erin", [EDITOR])

    with NewEntries() as removed_from_group_side:
        editor.user_set.remove(erin)
    assert removed_from_group_side.one(audit.Action.GROUPS_REMOVED).target == "erin"

    permission = Permission.objects.get(codename="publish_article")
    with NewEntries() as given:
        erin.user_permissions.add(permission)
    assert given.one(audit.Action.USER_PERMISSIONS_ADDED).details["changed"] == [
        "articles.publish_article"
    ]

    with NewEntries() as role_changed:
        role_group(REPORTER).permissions.add(permission)
    entry = role_changed.one(audit.Action.GROUP_PERMISSIONS_ADDED)
    assert (entry.target, entry.details["changed"]) == (REPORTER, ["articles.publish_article"])

    # Through the admin's user form: the superuser flag flips, one entry names who did it.
    erin.refresh_from_db()
    with NewEntries() as flipped:
        erin.is_superuser = True
        erin.save()
    entry = flipped.one(audit.Action.STAFF_FLAGS_CHANGED)
    assert (entry.target, entry.details["changes"]) == ("erin", {"is_superuser": True})


def test_admin_user_form_change_is_attributed_to_the_signed_in_person(
    chief, client, django_user_model
):
    erin = make_user(django_user_model, "erin")
    # Made before the count: a group made again here would log its own permission grants.
    editors = role_group(EDITOR)
    with NewEntries() as changed:
        response = client.post(
            reverse("admin:auth_user_change", args=[erin.pk]),
            {
                "username": "erin",
                "is_active": "on",
                "is_staff": "on",
                "groups": [editors.pk],
                "date_joined_0": "2026-01-01",
                "date_joined_1": "10:00:00",
            },
        )
    assert response.status_code == 302
    entry = changed.one(audit.Action.GROUPS_ADDED)
    assert (entry.actor, entry.actor_username, entry.target) == (chief, "chief", "erin")


def test_publish_schedule_withdraw_each_leave_one_entry(chief):
    story = ArticleFactory(status=Article.Status.DRAFT)
    BylineFactory(article=story)
    with NewEntries() as scheduled:
        story_services.publish(story, by=chief, at=timezone.now() + timedelta(hours=2))
    assert scheduled.one(audit.Action.STORY_SCHEDULED).actor == chief

    with NewEntries() as published:
        story_services.publish(story, by=chief, at=timezone.now())
    assert published.one(audit.Action.STORY_PUBLISHED).details["article_id"] == story.pk

    with NewEntries() as withdrawn:
        story_services.withdraw(story, by=chief, note="Legal")
    assert withdrawn.one(audit.Action.STORY_WITHDRAWN).target == str(story)


def test_preview_link_creation_and_revocation_each_leave_one_entry(chief, client):
    story = ArticleFactory(status=Article.Status.DRAFT)
    with NewEntries() as created:
        client.post(f"/admin/articles/article/{story.pk}/preview-link/", {"hours": "2"})
    assert created.one(audit.Action.PREVIEW_LINK_CREATED).actor == chief

    with NewEntries() as revoked:
        preview.revoke_preview_links(PreviewLink.objects.filter(article=story))
    assert revoked.one(audit.Action.PREVIEW_LINK_REVOKED).target == str(story)


def test_subscriber_import_export_and_erasure_each_leave_one_entry(chief, client):
    newsletter = NewsletterFactory()
    with NewEntries() as imported:
        subscriber_services.import_subscribers(
            rows_or_file=[["email"], ["new@example.org"]], newsletter=newsletter, actor=chief
        )
    assert imported.one(audit.Action.SUBSCRIBERS_IMPORTED).details["added"] == 1

    with NewEntries() as exported:
        response = client.get(reverse("admin:subscriptions_export", args=[newsletter.pk]))
        b"".join(response.streaming_content)
    assert exported.one(audit.Action.SUBSCRIBERS_EXPORTED).actor == chief

    subscriber = active_subscriber(newsletter, email="Forget.Me@example.org")
    with NewEntries() as access:
        client.post(
            reverse("admin:subscriptions_subscriber_changelist"),
            {"action": "export_personal_data", "_selected_action": [subscriber.pk]},
        )
    assert access.one(audit.Action.SUBSCRIBERS_EXPORTED).details["count"] == 1

    with NewEntries() as erased:
        subscriber_erasure.erase_subscriber(subscriber=subscriber, actor=chief)
    entry = erased.one(audit.Action.SUBSCRIBER_ERASED)
    assert entry.details["address_hash"] == audit.salted_hash("forget.me@example.org")
    stored = str(AuditEntry.objects.filter(pk=entry.pk).values().get()).lower()
    assert "forget.me" not in stored and "example.org" not in stored


def test_nobody_adds_changes_or_deletes_entries_in_the_admin(chief, client):
    entry = audit.record(action=audit.Action.SIGN_IN_FAILED, target="mallory")
    before = list(AuditEntry.objects.values())

    changelist = client.get(reverse("admin:core_auditentry_changelist"))
    assert changelist.status_code == 200 and "mallory" in changelist.content.decode()
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:core_auditentry_add"), {"target": "x"}).status_code == 403
    assert (
        client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    ).status_code == 403
    change = client.post(
        reverse("admin:core_auditentry_change", args=[entry.pk]), {"target": "someone else"}
    )
    assert change.status_code == 403
    bulk = client.post(
        reverse("admin:core_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert list(AuditEntry.objects.values()) == before


def test_the_log_filters_by_person_action_and_date(chief, client):
    audit.record(action=audit.Action.SIGN_IN_FAILED, target="mallory")
    url = reverse("admin:core_auditentry_changelist")
    today = timezone.localdate()
    for query in (
        {"action": "sign_in_failed"},
        {"actor__id__exact": chief.pk},
        {"at__year": today.year, "at__month": today.month, "at__day": today.day},
    ):
        assert client.get(url, query).status_code == 200
    response = client.get(url, {"action": "sign_in_failed"})
    assert [e.target for e in response.context["cl"].result_list] == ["mallory"]


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_an_entry():
    entry = audit.record(action=audit.Action.SIGN_IN_FAILED, target="mallory")
    for statement in (
        "UPDATE core_auditentry SET target = 'nobody' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).target == "mallory"
