# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""The story form's publish panel: each button's effect and message per role, refusals that
change nothing, a schedule in the past, the outlet's zone named, and a read-only story's body
rendered as readers see it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services import NO_BYLINE_MESSAGE, NOT_PUBLISHER_MESSAGE, NOT_WITHDRAWER_MESSAGE
from editorial.admin.panel import local_moment, panel_actions, zone_name
from editorial.models import StatusChange
from tests.articles.admin_forms import ADD_STORY_URL, byline_row, local_split, story_form_data
from tests.articles.workflow_helpers import change_form_data, roles  # noqa: F401
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

CHANGE = "/admin/articles/article/{}/change/"


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def press(client, story, button, **changes):
    """Open the story form, change what `changes` says, press a panel button (no script)."""
    url = CHANGE.format(story.pk)
    data = change_form_data(client, url, **changes)
    data.pop("_save")
    data[button] = "pressed"
    return client.post(url, data, follow=True)


def stored(story):
    return Article.objects.get(pk=story.pk)


def names(actions):
    return [name for name, _ in actions]


@pytest.fixture
def own_draft(roles):
    reporter = roles["reporter"]
    return ArticleFactory(
        status="draft",
        publish_at=None,
        created_by=reporter,
        headline="Ferry timetable",
        authors=[reporter.author],
    )


# --- the outlet's zone ---


def test_times_are_said_in_the_outlets_zone_by_name(settings):
    assert settings.TIME_ZONE == "Europe/Kyiv"
    assert zone_name() == "Kyiv time"
    year = timezone.localtime().year
    at = datetime(year, 12, 2, 18, 32, tzinfo=ZoneInfo("Europe/Kyiv"))
    assert local_moment(at) == "2 December, 18:32 Kyiv time"
    assert local_moment(at.replace(year=year + 1)) == f"2 December {year + 1}, 18:32 Kyiv time"

    settings.TIME_ZONE = "America/New_York"
    assert zone_name() == "New York time"
    assert local_moment(at).endswith("11:32 New York time")


# --- which buttons each role gets ---


def test_buttons_per_role_and_status(roles, own_draft):
    reporter, editor = roles["reporter"], roles["editor"]
    scheduled = ArticleFactory(status="scheduled", publish_at=timezone.now() + timedelta(days=1))
    live = ArticleFactory(created_by=reporter)
    in_review = ArticleFactory(status="in_review", publish_at=None, created_by=reporter)

    assert names(panel_actions(reporter, None)) == ["_save_story", "_submit_for_review"]
    assert panel_actions(reporter, own_draft) == [
        ("_save_story", "Save draft"),
        ("_submit_for_review", "Submit for review"),
    ]
    assert panel_actions(reporter, in_review) == [("_save_story", "Save changes")]
    assert panel_actions(reporter, live) == []  # published: read only for a reporter
    assert panel_actions(roles["other_reporter"], own_draft) == []

    assert panel_actions(editor, own_draft) == [
        ("_save_story", "Save draft"),
        ("_submit_for_review", "Submit for review"),
        ("_publish_now", "Publish now"),
        ("_schedule", "Schedule"),
    ]
    assert names(panel_actions(editor, in_review)) == [
        "_save_story",
        "_publish_now",
        "_schedule",
    ]
    assert panel_actions(editor, scheduled) == [
        ("_save_story", "Save changes"),
        ("_publish_now", "Publish now"),
        ("_schedule", "Reschedule"),
        ("_unpublish", "Unpublish (back to draft)"),
        ("_withdraw", "Withdraw from the site"),
    ]
    assert names(panel_actions(editor, live)) == ["_save_story", "_unpublish", "_withdraw"]


def test_the_panel_shows_the_reporter_only_their_moves(client, roles, own_draft):
    client.force_login(roles["reporter"])
    page = client.get(CHANGE.format(own_draft.pk)).content.decode()

    panel = page[
        page.index('class="publish-panel') : page.index(
            "</section>", page.index('class="publish-panel')
        )
    ]
    assert 'name="_save_story"' in panel and ">Save draft</button>" in panel
    assert ">Submit for review</button>" in panel
    for refused in ("_publish_now", "_schedule", "_unpublish", "_withdraw", "publish_at_0"):
        assert refused not in page
    assert 'type="hidden" name="status" value="draft"' in panel
    assert 'name="status"' not in page.replace(panel, "")  # no second status field below


def test_the_panel_shows_the_editor_every_move_and_the_time_input(client, roles, own_draft):
    client.force_login(roles["editor"])
    page = client.get(CHANGE.format(own_draft.pk)).content.decode()

    for label in ("Save draft", "Submit for review", "Publish now", "Schedule"):
        assert f">{label}</button>" in page
    assert 'name="publish_at_0"' in page and 'name="publish_at_1"' in page
    assert "Publish time <span" in page and "(Kyiv time)" in page
    assert page.count('name="publish_at_0"') == 1  # moved, not copied


def test_the_panel_says_where_the_story_stands_and_who_saved_it(client, roles):
    editor = roles["editor"]
    editor.first_name, editor.last_name = "Erin", "Editor"
    editor.save()
    at = timezone.now() + timedelta(days=2)
    story = ArticleFactory(status="draft", publish_at=None, authors=[roles["reporter"].author])
    client.force_login(editor)
    press(client, story, "_schedule", **local_split(at))

    page = client.get(CHANGE.format(story.pk)).content.decode()

    assert f"Goes live {local_moment(at.replace(second=0))}" in page
    assert "Last saved by Erin Editor, " in page


# --- each button: its effect and its message ---


def test_reporter_saves_a_draft(client, roles, own_draft):
    client.force_login(roles["reporter"])
    response = press(client, own_draft, "_save_story", headline="Ferry timetable, summer")

    assert response.redirect_chain[-1][0] == CHANGE.format(own_draft.pk)
    assert messages_of(response) == ["Draft saved."]
    assert (stored(own_draft).status, stored(own_draft).headline) == (
        "draft",
        "Ferry timetable, summer",
    )


def test_reporter_files_a_new_story_with_save_draft(client, roles):
    client.force_login(roles["reporter"])
    data = story_form_data(section=SectionFactory(), bylines=[byline_row(roles["reporter"].author)])
    data.pop("_save")
    data["_save_story"] = "Save draft"

    response = client.post(ADD_STORY_URL, data, follow=True)

    story = Article.objects.get(slug="night-trains-return")
    assert response.redirect_chain[-1][0] == CHANGE.format(story.pk)
    assert messages_of(response) == ["Draft saved."]
    assert story.status == "draft" and story.created_by == roles["reporter"]


def test_reporter_submits_for_review(client, roles, own_draft):
    client.force_login(roles["reporter"])
    response = press(client, own_draft, "_submit_for_review")

    assert messages_of(response) == ["Submitted for review: the editors have been told."]
    assert stored(own_draft).status == "in_review"
    assert StatusChange.objects.filter(article=own_draft, to_status="in_review").exists()


def test_editor_publishes_now(client, roles, own_draft):
    client.force_login(roles["editor"])
    before = timezone.now()
    response = press(client, own_draft, "_publish_now", dek="Sailings resume in June.")

    story = stored(own_draft)
    assert messages_of(response) == ["Published: readers see it now."]
    assert (story.status, story.dek, story.published_by) == (
        "published",
        "Sailings resume in June.",
        roles["editor"],
    )
    assert story.publish_at >= before.replace(microsecond=0) - timedelta(seconds=1)
    assert Article.objects.published().filter(pk=story.pk).exists()


def test_editor_schedules_and_reads_the_time_in_kyiv(client, roles, own_draft):
    client.force_login(roles["editor"])
    at = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    response = press(client, own_draft, "_schedule", **local_split(at))

    story = stored(own_draft)
    assert (story.status, story.publish_at) == ("scheduled", at)
    local = timezone.localtime(at)
    year = "" if local.year == timezone.localtime().year else f" {local.year}"
    expected = f"Scheduled for {local.day} {local:%B}{year}, {local:%H:%M} Kyiv time."
    assert messages_of(response) == [expected]


def test_editor_unpublishes_and_withdraws(client, roles):
    client.force_login(roles["editor"])
    author = roles["reporter"].author
    live, other = ArticleFactory(authors=[author]), ArticleFactory(authors=[author])

    unpublished = press(client, live, "_unpublish")
    withdrawn = press(client, other, "_withdraw")

    assert messages_of(unpublished) == [
        "Unpublished: the story is a draft again and readers no longer see it."
    ]
    assert messages_of(withdrawn) == ["Withdrawn from the site: readers no longer see it."]
    assert (stored(live).status, stored(other).status) == ("draft", "withdrawn")


def test_editor_saves_changes_to_a_live_story(client, roles):
    client.force_login(roles["editor"])
    live = ArticleFactory(authors=[roles["reporter"].author])
    response = press(client, live, "_save_story", dek="A sharper standfirst.")

    assert messages_of(response) == ["Changes saved: readers see them now."]
    assert (stored(live).status, stored(live).dek) == ("published", "A sharper standfirst.")


# --- refusals change nothing ---


@pytest.mark.parametrize(
    ("button", "reason"),
    [
        ("_publish_now", NOT_PUBLISHER_MESSAGE),
        ("_schedule", NOT_PUBLISHER_MESSAGE),
        ("_unpublish", NOT_PUBLISHER_MESSAGE),
        ("_withdraw", NOT_WITHDRAWER_MESSAGE),
    ],
)
def test_a_reporters_forged_editor_button_changes_nothing(client, roles, own_draft, button, reason):
    client.force_login(roles["reporter"])
    later = timezone.now() + timedelta(days=1)
    url = CHANGE.format(own_draft.pk)
    data = change_form_data(client, url, headline="Out now!", **local_split(later))
    data.pop("_save")
    data[button] = "pressed"

    response = client.post(url, data)

    assert response.status_code == 200
    assert reason in response.content.decode()
    story = stored(own_draft)
    assert (story.status, story.headline, story.publish_at) == ("draft", "Ferry timetable", None)
    assert not Article.objects.published().filter(pk=own_draft.pk).exists()
    assert not StatusChange.objects.filter(article=own_draft).exists()


def test_a_reporter_cannot_press_anything_on_a_published_story(client, roles):
    live = ArticleFactory(created_by=roles["reporter"], headline="Live one")
    client.force_login(roles["reporter"])

    response = client.post(
        CHANGE.format(live.pk), {"headline": "Changed", "status": "draft", "_unpublish": "1"}
    )

    assert response.status_code == 403
    assert (stored(live).status, stored(live).headline) == ("published", "Live one")


def test_submitting_a_story_already_in_review_is_refused(client, roles):
    story = ArticleFactory(status="in_review", publish_at=None, created_by=roles["reporter"])
    client.force_login(roles["reporter"])

    response = press(client, story, "_submit_for_review", headline="Again")

    assert "Only a draft you may edit can be submitted for review." in response.content.decode()
    assert (stored(story).status, stored(story).headline) == ("in_review", story.headline)


def test_schedule_in_the_past_is_a_form_error_that_keeps_the_typing(client, roles, own_draft):
    client.force_login(roles["editor"])
    past = timezone.localtime(timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    response = press(client, own_draft, "_schedule", headline="Typed headline", **local_split(past))

    page = response.content.decode()
    assert response.status_code == 200
    assert f"{local_moment(past)} has passed: choose a time in the future" in page
    assert 'value="Typed headline"' in page
    assert f'value="{past:%Y-%m-%d}"' in page and f'value="{past:%H:%M:%S}"' in page
    story = stored(own_draft)
    assert (story.status, story.headline, story.publish_at) == ("draft", "Ferry timetable", None)


def test_schedule_without_a_time_asks_for_one(client, roles, own_draft):
    client.force_login(roles["editor"])
    response = press(client, own_draft, "_schedule", publish_at_0="", publish_at_1="")

    assert "Choose the date and time to publish at." in response.content.decode()
    assert stored(own_draft).status == "draft"


def test_publish_now_without_a_byline_is_a_form_error(client, roles):
    story = ArticleFactory(status="draft", publish_at=None, headline="Nobody's story")
    client.force_login(roles["editor"])

    response = press(client, story, "_publish_now")

    assert NO_BYLINE_MESSAGE in response.content.decode()
    assert stored(story).status == "draft"


# --- a read-only story shows its body as readers see it ---


def test_read_only_story_shows_the_rendered_body(client, roles):
    card_target = ArticleFactory(headline="The first bridge, fifty years on")
    live = ArticleFactory(
        body="<p>The first tram crossed at <strong>dawn</strong>.</p>"
        f'<figure data-block="story" data-story="{card_target.pk}"></figure><h2>What next</h2>',
    )
    client.force_login(roles["reporter"])

    page = client.get(CHANGE.format(live.pk)).content.decode()

    assert "&lt;p&gt;" not in page and "&lt;strong&gt;" not in page
    assert "<p>The first tram crossed at <strong>dawn</strong>.</p>" in page
    assert "<h2>What next</h2>" in page
    assert "Read also" in page and "The first bridge, fifty years on" in page
    assert 'name="_save_story"' not in page and 'name="body"' not in page
    assert "Live since " in page  # the panel still says where it stands


def _new_story_data(button, **fields):
    data = story_form_data(section=SectionFactory(), **fields)
    data.pop("_save")
    data[button] = "pressed"
    return data


def test_editor_publishes_a_new_story_straight_from_the_add_form(client, roles):
    client.force_login(roles["editor"])
    data = _new_story_data("_publish_now", bylines=[byline_row(roles["reporter"].author)])

    response = client.post(ADD_STORY_URL, data, follow=True)

    story = Article.objects.get(slug="night-trains-return")
    assert messages_of(response) == ["Published: readers see it now."]
    assert story.is_published and story.published_by == roles["editor"]


def test_a_new_story_without_a_byline_is_not_published_nor_filed(client, roles):
    client.force_login(roles["editor"])
    response = client.post(ADD_STORY_URL, _new_story_data("_publish_now"))

    assert response.status_code == 200
    assert NO_BYLINE_MESSAGE in response.content.decode()
    assert not Article.objects.filter(slug="night-trains-return").exists()


def test_a_reporters_forged_publish_on_the_add_form_files_nothing(client, roles):
    client.force_login(roles["reporter"])
    data = _new_story_data("_publish_now", bylines=[byline_row(roles["reporter"].author)])

    response = client.post(ADD_STORY_URL, data)

    assert response.status_code == 200
    assert NOT_PUBLISHER_MESSAGE in response.content.decode()
    assert not Article.objects.filter(slug="night-trains-return").exists()


def test_reporter_saves_changes_to_a_story_in_review(client, roles):
    story = ArticleFactory(status="in_review", publish_at=None, created_by=roles["reporter"])
    client.force_login(roles["reporter"])

    response = press(client, story, "_save_story", dek="Tightened.")

    assert messages_of(response) == ["Changes saved. The story stays in review."]
    assert (stored(story).status, stored(story).dek) == ("in_review", "Tightened.")
