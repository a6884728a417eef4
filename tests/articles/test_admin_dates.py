"""One date format in the admin, "7 Dec 2026, 18:32", always in the outlet's time zone:
list columns, read-only fields, status history, revisions and the audit log alike."""

import re
from datetime import UTC, datetime

import pytest
import reversion
from django.utils import timezone

from articles import services
from core.models import AuditEntry
from tests.articles.workflow_helpers import roles  # noqa: F401  (fixture)
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

# 16:32 UTC is 18:32 in Kyiv in December.
AT = datetime(2026, 12, 7, 16, 32, tzinfo=UTC)
KYIV = "7 Dec 2026, 18:32"
# Django's English defaults and the formats the admin used before.
OTHER_FORMATS = re.compile(r"Dec\.? 7, 2026|2026-12-07 16:32|\b[ap]\.m\.|16:32")


def test_story_list_and_form_show_kyiv_time_in_one_format(client, roles):  # noqa: F811
    editor = roles["editor"]
    editor.first_name, editor.last_name = "Erin", "Editor"
    editor.save()
    story = ArticleFactory(
        headline="Dated story", status="in_review", publish_at=None, authors=[AuthorFactory()]
    )
    services.publish(story, by=editor, at=AT)
    with reversion.create_revision():
        reversion.set_user(editor)
        story.save()
    client.force_login(editor)

    listing = client.get("/admin/articles/article/").content.decode()
    assert KYIV in listing
    assert not OTHER_FORMATS.search(listing)

    form = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    local_now = timezone.localtime().strftime("%-d %b %Y, %H:")
    assert local_now in form  # the status history and the Record fields
    assert not OTHER_FORMATS.search(form)
    assert "Erin Editor" in form and ">erin<" not in form

    revisions = client.get(f"/admin/articles/article/{story.pk}/revisions/").content.decode()
    assert local_now in revisions and "Erin Editor" in revisions


def test_audit_entries_read_in_kyiv_time():
    entry = AuditEntry.objects.create(action=AuditEntry.Action.SIGNED_IN, target="erin")
    entry.at = AT
    assert str(entry).startswith(f"{KYIV} system: Signed in")
