""" "Did you mean …?" on signup: the suggester, and the form that asks once and loses nothing."""

import pytest
from django.core import mail

from subscriptions.address_typos import suggest_address
from subscriptions.models import Subscriber

SIGNUP = "/subscriptions/signup/"


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("nina@gmial.con", "nina@gmail.com"),
        ("nina@gmail.con", "nina@gmail.com"),
        ("Nina.K@Hotmial.com", "Nina.K@hotmail.com"),
        ("nina@yaho.com", "nina@yahoo.com"),
        ("nina@outlok.com", "nina@outlook.com"),
        ("nina@ukr.nte", "nina@ukr.net"),
        ("nina@example.cmo", "nina@example.com"),
        ("nina@newsroom.ogr", "nina@newsroom.org"),
    ],
)
def test_a_mistyped_domain_gets_the_common_one(typed, suggested):
    assert suggest_address(typed) == suggested


@pytest.mark.parametrize(
    "typed",
    [
        "nina@gmail.com",
        "nina@GMAIL.COM",
        "nina@example.org",
        "nina@a.ua",  # not i.ua: a different short domain
        "nina@mail.ru",  # not mail.com
        "nina@example.co",  # .co is a real top-level domain
        "nina@gmx.net",
        "no-at-sign",
    ],
)
def test_a_domain_as_meant_gets_no_suggestion(typed):
    assert suggest_address(typed) is None


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP, data, **extra)

    return send


def test_signup_asks_once_and_keeps_everything_typed(post, newsletter, weekly):
    typed = {"email": "nina@gmial.con", "newsletters": ["weekend"], "first_name": "Nina"}
    response = post(typed)

    assert response.status_code == 400
    content = response.content.decode()
    assert "Did you mean nina@gmail.com?" in content
    assert 'name="email_suggested" value="nina@gmail.com"' in content
    assert "or press Sign up to keep nina@gmial.con." in content
    assert 'value="nina@gmial.con"' in content  # the field still holds what was typed
    assert 'value="Nina"' in content
    assert 'value="weekend" checked' in content
    assert 'value="morning" checked' not in content
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_the_suggestion_button_signs_up_the_suggested_address(post, newsletter, weekly):
    response = post(
        {
            "email": "nina@gmial.con",
            "email_kept": "nina@gmial.con",
            "email_suggested": "nina@gmail.com",
            "newsletters": ["weekend"],
            "first_name": "Nina",
        }
    )

    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.first_name) == ("nina@gmail.com", "Nina")
    assert [s.newsletter.slug for s in subscriber.subscriptions.all()] == ["weekend"]
    assert mail.outbox[0].to == ["nina@gmail.com"]


def test_sending_the_address_again_keeps_it(post, newsletter):
    response = post(
        {"email": "nina@gmial.con", "email_kept": "nina@gmial.con", "newsletters": "morning"}
    )

    assert response.status_code == 302
    assert Subscriber.objects.get().email == "nina@gmial.con"


def test_an_address_edited_after_the_suggestion_wins_over_it(post, newsletter):
    response = post(
        {
            "email": "nina.k@ukr.net",
            "email_kept": "nina@gmial.con",
            "email_suggested": "nina@gmail.com",
            "newsletters": "morning",
        }
    )

    assert response.status_code == 302
    assert Subscriber.objects.get().email == "nina.k@ukr.net"


def test_a_new_typo_after_keeping_another_address_is_asked_about(post, newsletter):
    response = post(
        {"email": "nina@hotmial.com", "email_kept": "nina@gmial.con", "newsletters": "morning"}
    )

    assert response.status_code == 400
    assert "Did you mean nina@hotmail.com?" in response.content.decode()


def test_a_kept_address_stays_kept_when_another_field_needs_fixing(post, newsletter):
    response = post({"email": "nina@gmial.con", "email_kept": "nina@gmial.con"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Please choose at least one newsletter." in content
    assert "Did you mean" not in content
    assert '<input type="hidden" name="email_kept" value="nina@gmial.con">' in content


def test_the_in_place_form_gets_the_suggestion_as_json(post, newsletter):
    response = post(
        {"email": "nina@gmial.con", "newsletters": "morning"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "errors": {"email": ["Did you mean nina@gmail.com?"]},
        "suggestion": "nina@gmail.com",
    }
