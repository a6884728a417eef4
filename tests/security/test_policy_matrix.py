"""Every admin URL pattern and bulk action, for every role, against an object in every state,
by GET and by POST, answers as the policy table (editorial/policy.py) says; every refusal
changes nothing (row counts of every table, the target rows, the mail outbox).

The URLs come from the resolver (admin.site.get_urls() and each ModelAdmin's get_urls()), so
a new admin view is tested as soon as it exists: a pattern whose arguments this module cannot
fill, a view or action the policy does not name, fails the test. The data is built once for
the module; each request runs in a savepoint rolled back afterwards, so an allowed delete or
publish leaves the next request the same world.
"""

import functools
import logging
import re
import time
import uuid
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.template.response import SimpleTemplateResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from reversion.models import Version

from articles.models import Article, ArticleSlugHistory
from comments.models import Comment
from core.models import AuditEntry
from editorial import policy
from editorial.models import PreviewLink
from editorial.policy import ANY, ROLES, STORY_STATES
from editorial.roles import EDITOR, REPORTER
from newsletters.models import Delivery
from pages.models import Page, SupportAppeal
from popularity.models import ArticleDailyViews
from subscriptions.admin_views import IMPORT_SALT
from subscriptions.models import Subscription, Suppression
from subscriptions.tasks import send_confirmation_email_task
from tests.articles.admin_forms import story_form_data
from tests.articles.workflow_helpers import change_form_data, role_group
from tests.factories import ArticleFactory, AuthorFactory, PhotoFactory, SectionFactory
from tests.live.factories import LiveUpdateFactory
from tests.newsletters.factories import IssueFactory, add_stories
from tests.subscriptions.factories import NewsletterFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
STATE_STATUS = {
    policy.OWN_DRAFT: ("draft", None),
    policy.OTHERS_DRAFT: ("draft", None),
    policy.IN_REVIEW: ("in_review", None),
    policy.SCHEDULED: ("scheduled", timedelta(days=2)),
    policy.PUBLISHED: ("published", -timedelta(hours=2)),
    policy.WITHDRAWN: ("withdrawn", -timedelta(days=2)),
}
# Fields a change form POST alters, so a wrongly allowed POST shows in the database.
CHANGED_FIELDS = ("headline", "caption", "name", "subject", "label", "text", "first_name",
                  "title", "heading", "body", "slug")  # fmt: skip
REFUSAL_MESSAGES = ("doesn’t exist", "No action selected", "Items must be selected")


# --- the world: one object per model, one per story state for story models ---------------


class World:
    """Users, objects and the form data harvested from the superuser's pages."""

    def __init__(self, media_root, import_dir):
        self.media_root, self.import_dir = media_root, import_dir
        self.users = _users()
        self.objects = {}  # model label -> {state: object}
        self.versions = {}  # article pk -> [version ids]
        self.forms = {}  # change URL -> POST data of the superuser's change form
        self.add_forms = {}  # add URL -> POST data


def _users():
    from django.contrib.auth import get_user_model

    User = get_user_model()

    def make(username, *, group=None, **extra):
        # No password: the clients sign in with force_login, and hashing six would take seconds.
        user = User.objects.create_user(
            username, email=f"{username}@newsroom.test", is_staff=True, **extra
        )
        if group:
            user.groups.add(role_group(group))
        return user

    users = {
        policy.REPORTER: make("matrix-rita", group=REPORTER),
        "other reporter": make("matrix-oleh", group=REPORTER),
        policy.EDITOR: make("matrix-erin", group=EDITOR),
        policy.AUDIENCE: make("matrix-ada", group="Audience"),
        policy.VIEWER: make("matrix-vic"),
        "superuser": make("matrix-root", is_superuser=True),
    }
    wanted = [perm.split(".", 1) for perm in policy.VIEWER_PERMISSIONS]
    users[policy.VIEWER].user_permissions.set(
        [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in wanted]
    )
    AuthorFactory(name="Rita Matrix", slug="rita-matrix", user=users[policy.REPORTER])
    return users


def _story(world, state, number, section, author):
    status, offset = STATE_STATUS[state]
    owner = world.users[policy.REPORTER if state == policy.OWN_DRAFT else "other reporter"]
    article = ArticleFactory(
        headline=f"Matrix story {number} zqx{number}",
        slug=f"matrix-story-{number}",
        section=section,
        status=status,
        publish_at=timezone.now() + offset if offset is not None else None,
        created_by=owner,
        authors=[author],
        lead_photo=PhotoFactory(caption=f"Matrix photo {number}"),
        tag_names=[f"matrix-tag-{number}"],
    )
    # Two revisions, to compare and restore.
    versions = []
    for headline in (f"{article.headline} (first)", article.headline):
        with reversion.create_revision():
            article.headline = headline
            article.save()
        versions.append(Version.objects.get_for_object(article).first().pk)
    world.versions[article.pk] = versions
    return article


def build_world(world):
    section, author = SectionFactory(name="Matrix desk", slug="matrix-desk"), AuthorFactory()
    stories = {}
    for number, state in enumerate(STORY_STATES):
        article = _story(world, state, number, section, author)
        stories[state] = article
        _set(world, "articles.article", state, article)
        _set(world, "photos.photo", state, article.lead_photo)
        # What hangs off a story sits on a twin in the same state: deleting the story itself
        # then asks only for the rights the story needs, not those of every related row.
        article = ArticleFactory(
            headline=f"Matrix twin {number}",
            slug=f"matrix-twin-{number}",
            section=section,
            status=article.status,
            publish_at=article.publish_at,
            created_by=article.created_by,
            authors=[author],
        )
        _set(world, "editorial.previewlink", state, PreviewLink.objects.create(article=article))
        _set(
            world,
            "articles.articleslughistory",
            state,
            ArticleSlugHistory.objects.create(article=article, slug=f"old-matrix-{number}"),
        )
        _set(world, "live.liveupdate", state, LiveUpdateFactory(article=article))
        _set(
            world,
            "comments.comment",
            state,
            Comment.objects.create(
                article=article, name="A reader", email="reader@example.org", body="Thanks."
            ),
        )
        _set(
            world,
            "popularity.articledailyviews",
            state,
            ArticleDailyViews.objects.create(article=article, day=timezone.localdate(), views=5),
        )
    newsletter = NewsletterFactory()
    subscriber = SubscriberFactory()
    Subscription.objects.create(subscriber=subscriber, newsletter=newsletter, status="active")
    issue = IssueFactory(newsletter=newsletter)
    add_stories(issue, [stories[policy.PUBLISHED]])
    from taggit.models import Tag

    stateless = {
        "articles.section": section,
        "articles.author": author,
        "taggit.tag": Tag.objects.get(name="matrix-tag-0"),
        "subscriptions.subscriber": subscriber,
        "subscriptions.suppression": Suppression.objects.create(
            email_hash="0" * 64, reason="bounce"
        ),
        "subscriptions.newsletter": newsletter,
        "newsletters.newsletterissue": issue,
        "newsletters.delivery": Delivery.objects.create(
            issue=IssueFactory(newsletter=newsletter), subscriber=subscriber
        ),
        "pages.page": Page.objects.create(title="About us", slug="matrix-about", body="<p>Hi</p>"),
        "pages.supportappeal": SupportAppeal.objects.create(
            heading="Support us", text="Keep us going."
        ),
        "auth.user": world.users["other reporter"],
        "auth.group": Group.objects.get(name=REPORTER),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="x", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="x"
        ),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="x"
        ),
        "django_tasks_database.dbtaskresult": _task_result(subscriber),
        "otp_totp.totpdevice": TOTPDevice.objects.create(
            user=world.users["other reporter"], name="phone", confirmed=True
        ),
        "otp_static.staticdevice": StaticDevice.objects.create(
            user=world.users["other reporter"], name="recovery codes", confirmed=True
        ),
        "core.auditentry": AuditEntry.objects.create(
            action=AuditEntry.Action.SIGNED_IN, actor_username="someone", target="someone"
        ),
    }
    for label, obj in stateless.items():
        _set(world, label, ANY, obj)
    world.import_key = _stored_import(world)


def _task_result(subscriber):
    from django_tasks_db.models import DBTaskResult

    send_confirmation_email_task.enqueue(subscriber.pk, True)
    return DBTaskResult.objects.latest("enqueued_at")


def _stored_import(world):
    file_id = uuid.uuid4().hex
    Path(world.import_dir, f"{file_id}.csv").write_text("email,first_name\nnew@example.org,Nia\n")
    return signing.dumps({"f": file_id, "n": "people.csv"}, salt=IMPORT_SALT)


def _set(world, label, state, obj):
    world.objects.setdefault(label, {})[state] = obj


def harvest_forms(world):
    """The superuser's change and add forms, as a browser would post them, with one text
    field altered: a POST that would change the row if it were wrongly allowed."""
    client = Client()
    client.force_login(world.users["superuser"])
    for label, by_state in world.objects.items():
        model_admin = admin.site._registry[_model(label)]
        form_id = f"{model_admin.opts.model_name}_form"
        if not model_admin.has_change_permission(_as_superuser(world)):
            continue
        for obj in by_state.values():
            url = f"{ADMIN}{label.replace('.', '/')}/{obj.pk}/change/"
            data = change_form_data(client, url, form_id=form_id)
            for name in CHANGED_FIELDS:
                if data.get(name):
                    data[name] = f"{data[name]}-matrix" if name == "slug" else f"{data[name]} ✎"
                    break
            world.forms[url] = data
            add_url = f"{ADMIN}{label.replace('.', '/')}/add/"
            world.add_forms.setdefault(add_url, {**data})
    section = world.objects["articles.section"][ANY]
    world.add_forms[f"{ADMIN}articles/article/add/"] = story_form_data(section=section)


def _as_superuser(world):
    request = RequestFactory().get(ADMIN)
    request.user = world.users["superuser"]
    return request


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("matrix-media")
    import_dir = tmp_path_factory.mktemp("matrix-imports")
    started = time.monotonic()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, SUBSCRIBER_IMPORT_DIR=import_dir),
        transaction.atomic(),
    ):
        built = World(media_root, import_dir)
        build_world(built)
        built_at = time.monotonic()
        harvest_forms(built)
        took = (built_at - started, time.monotonic() - built_at)
        print("world built in {:.1f} s, forms read in {:.1f} s".format(*took))  # noqa: T201
        yield built
        transaction.set_rollback(True)


# --- the URL patterns, from the resolver -------------------------------------------------


def admin_patterns():
    """(model label or None, route prefix, URLPattern) for every admin URL pattern."""
    prefixes = {
        f"{model._meta.app_label}/{model._meta.model_name}/": model._meta.label_lower
        for model in admin.site._registry
    }

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefixes.get(prefix), prefix, pattern

    return list(walk(admin.site.get_urls(), ""))


STANDARD = {
    "changelist": ("view list", "view list"),
    "add": ("add", "add"),
    "history": ("view", "view"),
    "delete": ("delete", "delete"),
    "change": ("view", "change"),
}


class Request:
    """One request of the matrix: where, how, and what the policy expects."""

    def __init__(self, label, action, state, method, url, data=None, target=None, kind="view"):
        self.label, self.action, self.state = label, action, state
        self.method, self.url, self.data, self.target, self.kind = method, url, data, target, kind

    def describe(self, role):
        return f"{role} {self.method} {self.url} [{self.label} · {self.action} · {self.state}]"


def _route(prefix, pattern, values):
    """The pattern's address with its arguments filled; KeyError names an unknown one."""
    route = str(pattern.pattern)
    filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), route)
    return f"{ADMIN}{prefix}{filled}"


def _arguments(pattern):
    return re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


def plan(world):
    """Every request of the matrix, and the patterns it could not fill (a failure)."""
    requests, unfilled = [], []
    for label, prefix, pattern in admin_patterns():
        name = pattern.name
        if label is None:
            requests += _site_requests(world, pattern, unfilled)
            continue
        suffix = name[len(label.replace(".", "_")) + 1 :] if name else None
        if name in policy.VIEWS:
            model, get_action, post_action = policy.VIEWS[name]
        elif name is None and str(pattern.pattern) == "<path:object_id>/":
            model, get_action, post_action = "admin", "old change address", "old change address"
        elif suffix in STANDARD:
            model, (get_action, post_action) = label, STANDARD[suffix]
        else:
            unfilled.append(f"{prefix}{pattern.pattern} ({name}): not in editorial.policy.VIEWS")
            continue
        requests += _model_requests(world, label, model, prefix, pattern, get_action, post_action,
                                    unfilled)  # fmt: skip
    requests += _action_requests(world, unfilled)
    return requests, unfilled


def _site_requests(world, pattern, unfilled):
    name = pattern.name
    if name in policy.VIEWS:
        _, get_action, post_action = policy.VIEWS[name]
        url = f"{ADMIN}{pattern.pattern}"
        data = {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}
        return [
            Request("admin", get_action, ANY, "get", url),
            Request("admin", post_action, ANY, "post", url, data=data),
        ]
    if name == "app_list":
        return [
            Request("admin", f"app {label}", ANY, method, f"{ADMIN}{label}/")
            for label in {model._meta.app_label for model in admin.site._registry}
            for method in ("get", "post")
        ]
    if name == "view_on_site":
        return _view_on_site_requests(world)
    if name == "autocomplete":
        return _autocomplete_requests(world)
    if name is None and "url" in pattern.pattern.regex.groupindex:
        url = f"{ADMIN}no-such-page/"
        return [Request("admin", "unknown address", ANY, m, url) for m in ("get", "post")]
    unfilled.append(f"{pattern.pattern} ({name}): no way to fill it")
    return []


def _view_on_site_requests(world):
    requests = []
    for label, by_state in world.objects.items():
        model = _model(label)
        content_type = ContentType.objects.get_for_model(model)
        has_page = hasattr(model, "get_absolute_url")
        for state, obj in by_state.items():
            url = f"{ADMIN}r/{content_type.pk}/{obj.pk}/"
            action = "view" if has_page else None
            for method in ("get", "post"):
                requests.append(Request(label, action, state, method, url, target=obj))
    return requests


# Foreign keys to stories without limit_choices_to (which would narrow the answer further).
AUTOCOMPLETE_SOURCES = [
    ("articles", "relatedembed", "target_article"),
    ("comments", "comment", "article"),
    ("editorial", "previewlink", "article"),
]


def _autocomplete_requests(world):
    requests = []
    for app_label, model_name, field in AUTOCOMPLETE_SOURCES:
        for state, article in world.objects["articles.article"].items():
            term = article.headline.rsplit(" ", 1)[-1]
            url = (
                f"{ADMIN}autocomplete/?app_label={app_label}&model_name={model_name}"
                f"&field_name={field}&term={term}"
            )
            requests.append(
                Request(
                    "articles.article",
                    "view",
                    state,
                    "get",
                    url,
                    target=article,
                    kind="autocomplete",
                )  # fmt: skip
            )
    return requests


def _model_requests(world, label, model, prefix, pattern, get_action, post_action, unfilled):
    arguments = _arguments(pattern)
    object_level = bool(arguments) or pattern.name in OBJECT_IN_QUERY
    if not object_level:
        url = _route(prefix, pattern, {})
        post = POST_DATA.get(pattern.name, lambda w, o: {})(world, None)
        post = world.add_forms.get(url, post)
        return [
            Request(model, get_action, ANY, "get", url),
            Request(model, post_action, ANY, "post", url, data=post),
        ]
    requests = []
    objects = world.objects.get(label, {})
    if not objects:
        unfilled.append(f"{prefix}{pattern.pattern}: no {label} object to fill it with")
    for state, obj in objects.items():
        values = {"object_id": obj.pk, "pk": obj.pk, "id": obj.pk, "key": obj.pk}
        if "version_id" in arguments:
            values["version_id"] = world.versions[obj.pk][0]
        if "newsletter_id" in arguments:
            values["newsletter_id"] = world.objects["subscriptions.newsletter"][ANY].pk
        if pattern.name == "subscriptions_import_run":
            values["key"] = world.import_key
        try:
            url = _route(prefix, pattern, values)
        except KeyError as missing:
            unfilled.append(f"{prefix}{pattern.pattern}: cannot fill {missing}")
            return requests
        query, post = OBJECT_IN_QUERY.get(pattern.name, lambda w, o: ("", None))(world, obj)
        if post is None:
            post = world.forms.get(url) or POST_DATA.get(pattern.name, lambda w, o: {})(world, obj)
        url += query
        if model == "admin":
            state = ANY  # the same answer whatever the object
        requests += [
            Request(model, get_action, state, "get", url, target=obj),
            Request(model, post_action, state, "post", url, data=post, target=obj),
        ]
    return requests


def _versions_query(world, article):
    first, second = world.versions[article.pk]
    return f"?version={first}&version={second}"


OBJECT_IN_QUERY = {
    "articles_article_autosave": lambda w, o: ("", {"story": o.pk, "headline": "Autosaved"}),
    "photos_photo_thumbnail": lambda w, o: (f"?id={o.pk}", {}),
    "articles_article_revision_compare": lambda w, o: (_versions_query(w, o), {}),
}
POST_DATA = {
    "articles_article_preview_link": lambda w, o: {"hours": "2", "label": "Forged"},
    "articles_article_delete": lambda w, o: {"post": "yes"},
    "taggit_tag_merge_tags": lambda w, o: {"new_tag_name": "merged-by-matrix"},
    "subscriptions_import": lambda w, o: {
        "file": SimpleUploadedFile("people.csv", b"email\nnew@example.org\n"),
        "newsletter": w.objects["subscriptions.newsletter"][ANY].pk,
    },
    "subscriptions_import_run": lambda w, o: {
        "email": "email",
        "first_name": "first_name",
        "consent_date": "",
        "newsletter": w.objects["subscriptions.newsletter"][ANY].pk,
    },
    "subscriptions_dashboard": lambda w, o: {"purge": "1"},
    "newsletters_issue_send": lambda w, o: {"action": "now"},
    "newsletters_issue_fill": lambda w, o: {"fill-limit": "5"},
    "newsletters_issue_uncertain": lambda w, o: {"action": "skip", "scope": "all"},
    "auth_user_password_change": lambda w, o: {"password1": "N3w-pa!x7", "password2": "N3w-pa!x7"},
    "auth_user_invite": lambda w, o: {
        "name": "Forged Hire",
        "email": "forged@example.org",
        "role": REPORTER,
    },
}


def _action_requests(world, unfilled):
    """Each bulk action of each model's list, on the object in each state."""
    requests = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        url = f"{ADMIN}{label.replace('.', '/')}/"
        for _func, name, _description in model_admin._get_base_actions():
            action = policy.ACTIONS.get((label, name), policy.ACTIONS.get(name))
            if action is None:
                unfilled.append(f"{url} action {name}: not in editorial.policy.ACTIONS")
                continue
            for state, obj in world.objects.get(label, {}).items():
                data = {"action": name, "index": "0", "_selected_action": [obj.pk], "post": "yes",
                        "confirm": "yes"}  # fmt: skip
                requests.append(Request(label, action, state, "post", url, data=data, target=obj,
                                        kind="action"))  # fmt: skip
    return requests


# --- running it ---------------------------------------------------------------------------


def _story_of(obj):
    if isinstance(obj, Article):
        return obj
    return getattr(obj, "article", None)


@functools.cache
def _count_every_table():
    tables = connection.introspection.table_names(include_views=False)
    return " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*) FROM {connection.ops.quote_name(table)}" for table in tables
    )


def snapshot(target):
    """Row counts of every table, the target row and its story, and the mail sent."""
    with connection.cursor() as cursor:
        cursor.execute(_count_every_table())
        counts = dict(cursor.fetchall())
    rows = []
    for obj in (target, _story_of(target) if target is not None else None):
        if obj is not None:
            rows.append(list(type(obj).objects.filter(pk=obj.pk).values()))
    return counts, rows, len(mail.outbox)


def outcome(request, response):
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status in (400, 403, 404, 405):
        return "refused"
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    texts = [str(message) for message in queued]
    if any(text in message for message in texts for text in REFUSAL_MESSAGES):
        return "refused"
    if status in (301, 302) and response["Location"].startswith(f"{ADMIN}login/"):
        return "refused"
    if status in (301, 302) and not response.wsgi_request.user.is_authenticated:
        return "refused"  # sent to the index, which sends them to sign in
    if request.kind == "action" and "cl" in (getattr(response, "context_data", None) or {}):
        return "refused"  # the list again: the action was not run
    if request.kind == "autocomplete":
        shown = request.target.headline in response.content.decode()
        return "allowed" if shown else "refused"
    return "allowed"


def _client(world, role):
    client = Client()
    if role != policy.ANONYMOUS:
        client.force_login(world.users[role])
    return client


# Access is decided before a page is rendered, so the matrix skips rendering admin pages (it
# would take most of its time; the pages themselves are tested elsewhere). JSON answers, such
# as the autocomplete's, are not template responses and come back whole.
NOT_RENDERED = mock.patch.object(SimpleTemplateResponse, "rendered_content", property(lambda _: ""))


def run_matrix(world, role):
    """Run every request as `role`; returns (mismatches, denies seen to change nothing)."""
    with NOT_RENDERED:
        return _run_matrix(world, role)


def _run_matrix(world, role):
    requests, unfilled = plan(world)
    client = _client(world, role)
    cookies = {key: morsel.value for key, morsel in client.cookies.items()}
    mismatches, unchanged_denies = list(unfilled), set()
    # Every request starts from the same world (the last one was rolled back), so the state
    # before it is taken once per target.
    before_by_target = {}
    for request in requests:
        expected = policy.allowed(role, request.label, request.action, request.state)
        before = None
        seen = (request.label, request.action, request.state) in unchanged_denies
        # Every refused POST is checked; a refused GET too, the first time its deny comes up
        # (some actions, such as a preview, answer GET only).
        if not expected and (request.method == "post" or not seen):
            key = (type(request.target), getattr(request.target, "pk", None))
            if key not in before_by_target:
                before_by_target[key] = snapshot(request.target)
            before = before_by_target[key]
        savepoint = transaction.savepoint()
        try:
            if request.method == "post":
                response = client.post(request.url, request.data or {})
            else:
                response = client.get(request.url)
            got = outcome(request, response)
            after = snapshot(request.target) if before is not None else None
        except Exception as error:  # noqa: BLE001 - every failure is reported with its request
            got, after = f"error {type(error).__name__}: {error}", before
        finally:
            transaction.savepoint_rollback(savepoint)
            mail.outbox.clear()  # an allowed test send is rolled back with the rest
            # A sign-out (allowed) or password change ends the session; the next request
            # needs it back (the database row came back with the rollback).
            for key, value in cookies.items():
                client.cookies[key] = value
        if _reset_files(request):
            request.data["file"].seek(0)
        want = "allowed" if expected else "refused"
        if got != want:
            mismatches.append(f"{request.describe(role)}: expected {want}, got {got}")
        elif not expected and before is not None:
            if after != before:
                mismatches.append(f"{request.describe(role)}: refused but changed the database")
            else:
                unchanged_denies.add((request.label, request.action, request.state))
    return requests, mismatches, unchanged_denies


def _reset_files(request):
    return request.data and hasattr(request.data.get("file"), "seek")


def table_denies(role, world):
    """Every (model, action, state) the table refuses `role`, for the models in the world."""
    denies = set()
    for (model, action), rule in policy.POLICY.items():
        states = rule.get(role, frozenset())
        scope = policy.states_of(model, action)
        denies |= {(model, action, state) for state in scope if state not in states}
    return denies


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_answers_as_the_policy_says(world, role, settings):
    settings.MEDIA_ROOT = world.media_root
    settings.SUBSCRIBER_IMPORT_DIR = world.import_dir
    # Thousands of refusals would each log a warning with its traceback.
    logging.getLogger("django.request").setLevel(logging.ERROR + 10)
    started = time.monotonic()

    requests, mismatches, unchanged = run_matrix(world, role)

    unseen = sorted(table_denies(role, world) - unchanged)
    problems = mismatches + [f"{role}: deny never seen to change nothing: {d}" for d in unseen]
    elapsed = time.monotonic() - started
    logging.getLogger("django.request").setLevel(logging.NOTSET)
    print(f"{role}: {len(requests)} requests in {elapsed:.1f} s")  # noqa: T201
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_policy_in_the_docs_is_the_policy_in_the_code():
    docs = Path(__file__).resolve().parents[2] / "docs" / "security.md"
    assert policy.markdown() in docs.read_text()
