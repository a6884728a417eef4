"""Users in each newsroom role, and the admin story form posted back as a browser would."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group

from editorial.roles import AUDIENCE, EDITOR, REPORTER, sync_roles
from tests.factories import AuthorFactory

PASSWORD = "desk-password-1"


def role_group(name):
    """The role's group. A transactional test run earlier on the same database (another file
    on this pytest-xdist worker) may have flushed the groups the migration made: then they
    are made again, exactly as the migration does."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        sync_roles()
        group = Group.objects.get(name=name)
    return group


def make_user(django_user_model, username, role=None, **extra):
    user = django_user_model.objects.create_user(
        username, email=f"{username}@newsroom.test", password=PASSWORD, is_staff=True, **extra
    )
    if role:
        user.groups.add(role_group(role))
    return user


@pytest.fixture
def roles(db, django_user_model):
    reporter = make_user(django_user_model, "rita", REPORTER)
    AuthorFactory(name="Rita Reporter", slug="rita-reporter", user=reporter)
    return {
        "reporter": reporter,
        "other_reporter": make_user(django_user_model, "oleh", REPORTER),
        "editor": make_user(django_user_model, "erin", EDITOR),
        "audience": make_user(django_user_model, "ada", AUDIENCE),
        "superuser": make_user(django_user_model, "root", is_superuser=True),
    }


class _FormReader(HTMLParser):
    """Field values of the page's main form (#article_form, or the admin's form of another
    model: #<model_name>_form), as a browser would submit them."""

    def __init__(self, form_id="article_form"):
        super().__init__()
        self.form_id = form_id
        self.data, self.in_form, self.select, self.textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def change_form_data(client, url, form_id="article_form", **changes):
    """GET the story form (or another admin form), keep every value it shows, apply
    `changes`, ready to POST."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    reader = _FormReader(form_id)
    reader.feed(page.content.decode())
    data = {key: value for key, value in reader.data.items() if "__prefix__" not in key}
    data.pop("csrfmiddlewaretoken", None)
    data["_save"] = "Save"
    data.update(changes)
    return data
