"""The demo's newsletters as the signup box shows them: the schedule said once."""

import re

import pytest
from django.urls import reverse

from demo.readers import load_newsletters

pytestmark = pytest.mark.django_db


def schedule_words(newsletter, shortest=4):
    words = re.findall(r"[a-z]+", newsletter.frequency.lower())
    return [word for word in words if len(word) >= shortest]


def test_demo_descriptions_leave_the_schedule_to_the_frequency():
    newsletters, _ = load_newsletters()

    for newsletter in newsletters.values():
        description = newsletter.description.lower()
        assert not [word for word in schedule_words(newsletter) if word in description], (
            newsletter.slug
        )


def test_the_home_signup_box_says_the_schedule_once(client):
    newsletters, _ = load_newsletters()
    default = newsletters["morning-briefing"]

    html = client.get(reverse("articles:home")).content.decode()
    box = html.split('class="box signup-box"', 1)[1].split("</section>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", box).lower()
    # "weekday": not "every" (the consent line says "every email") nor "morning" (the name).
    words = set(schedule_words(default, shortest=6)) - set(default.name.lower().split())
    assert words
    for word in words:
        assert text.count(word) == 1, (word, text)
