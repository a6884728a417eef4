"""The demo loader and the demo staff login: what the README's `make run` relies on."""

import hashlib
import hmac
import io
import os
import re
import stat
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageStat
from taggit.models import Tag, TaggedItem

from articles.audio import validate_audio_file
from articles.body import blocks_in
from articles.embeds import parse_media_url
from articles.models import Article, Author, Byline, RelatedEmbed, Section
from demo import audio, images
from demo.writing import story_seeds
from newsletters.models import IssueStory, NewsletterIssue
from photos.models import Photo
from subscriptions.models import ConsentEvent, Newsletter, Subscriber, Subscription

pytestmark = pytest.mark.django_db

COUNTED_MODELS = [
    Section, Author, Photo, Article, Byline, RelatedEmbed, Tag, TaggedItem, Newsletter,
    Subscriber, Subscription, ConsentEvent, NewsletterIssue, IssueStory,
]  # fmt: skip


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """The demo, loaded once for the module inside a transaction that is rolled back after.

    Photos are drawn small (same drawings, a fraction of the pixels) so the load takes
    seconds; each test runs in its own savepoint on top of it.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        with transaction.atomic():
            out = io.StringIO()
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(images, "PHOTO_SIZE", (480, 320))
                patch.setattr(images, "PORTRAIT_SIZE", (320, 320))
                call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def demo_files(demo, demo_media, settings):
    """Point this test's MEDIA_ROOT at the folder the demo's photos were drawn into."""
    settings.MEDIA_ROOT = demo_media


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def media_files():
    found = set()
    for folder, _, names in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(folder, name) for name in names)
    return found


def snapshot():
    return {
        "counts": {model.__name__: model.objects.count() for model in COUNTED_MODELS},
        "articles": list(
            Article.objects.order_by("slug").values_list(
                "slug", "publish_at", "modified_at", "status", "lead_photo__image"
            )
        ),
        "photos": sorted(Photo.objects.values_list("image", "renditions")),
    }


def test_second_run_changes_nothing(demo, demo_files):
    assert "60 stories (60 new)" in demo
    first, files = snapshot(), media_files()
    assert files

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert "(0 new)" in out.getvalue() and "Drew" not in out.getvalue()
    assert snapshot() == first
    assert media_files() == files
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))


def test_sections_and_authors(demo):
    assert Section.objects.count() >= 8
    assert Section.objects.navigation().count() >= 8
    assert Section.objects.filter(shown_in_navigation=False).exists()
    assert Author.objects.count() >= 12
    desk = Author.objects.get(name="The Newsroom desk")
    assert desk.kind == Author.Kind.DESK
    people = Author.objects.filter(kind=Author.Kind.PERSON)
    assert not people.filter(bio="").exists() and not people.filter(job_title="").exists()
    assert people.filter(photo__isnull=False).count() >= 6


def test_sixty_full_stories_across_sections_and_kinds(demo):
    full = Article.objects.published().filter(lead_photo__isnull=False)
    assert full.count() == 60
    assert {kind for kind, _ in Article.Kind.choices} <= set(full.values_list("kind", flat=True))
    for section in Section.objects.all():
        assert full.filter(section=section).exists(), section
    for article in full.prefetch_related("bylines__author", "tags"):
        paragraphs = article.body.count("<p>")
        assert 4 <= paragraphs <= 10, article.slug
        assert 1 <= len(article.byline_authors) <= 3, article.slug
        assert article.tags.exists(), article.slug
        assert article.lead_photo.caption and article.lead_photo.credit
    bodies = list(full.values_list("body", flat=True))
    assert len(set(bodies)) == len(bodies), "every story reads differently"
    oldest = full.order_by("publish_at").first().publish_at
    assert timezone.now() - oldest > timedelta(days=14)
    assert Byline.objects.filter(author__kind=Author.Kind.DESK, article__in=full).exists()
    assert full.filter(bylines__position=2).exists(), "some stories have three authors"
    assert full.filter(is_featured=True).exists() and full.filter(is_editors_pick=True).exists()
    assert full.filter(updated_at__gt=timezone.now() - timedelta(days=3)).exists()


def test_news_feed_spreads_over_three_days(demo):
    now = timezone.now()
    feed = Article.objects.news_feed()
    assert feed.count() >= 30
    assert not feed.filter(publish_at__lt=now - timedelta(days=3)).exists()
    days = {timezone.localtime(a.publish_at).date() for a in feed}
    assert len(days) >= 3
    briefs = feed.filter(lead_photo__isnull=True)
    assert briefs.count() >= 20
    assert all(brief.body.count("<p>") == 1 for brief in briefs)


def test_unpublished_stories_stay_hidden(demo):
    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    assert 3 <= hidden.count() <= 4
    assert hidden.filter(status=Article.Status.DRAFT).count() >= 2
    scheduled = hidden.get(status=Article.Status.SCHEDULED)
    assert scheduled.publish_at > timezone.now()


def test_cards_and_embeds_of_every_kind_sit_in_the_bodies(demo):
    holders = Article.objects.published().filter(body__contains="data-block")
    blocks = [(story, block) for story in holders for block in blocks_in(story.body)]
    assert {block.kind for _, block in blocks} == {"story", "link", "media"}
    assert not RelatedEmbed.objects.exists()
    providers = set()
    for story, block in blocks:
        if block.kind == "media":
            providers.add(parse_media_url(block.get("data-url")).provider)
        elif block.kind == "story":
            target = Article.objects.published().get(pk=block.number("data-story"))
            assert target != story
            assert block.get("data-url") == target.get_absolute_url()
        else:
            assert block.get("data-url").startswith("https://") and block.get("data-title")
    assert providers == {"youtube", "vimeo", "telegram", "x"}


def test_photos_are_real_jpegs_with_renditions(demo, demo_files):
    photo = Photo.objects.filter(image__startswith="photos/demo/story-").first()
    with photo.image.open("rb"), Image.open(photo.image) as image:
        assert image.format == "JPEG"
        assert image.size == (photo.width, photo.height) == (480, 320)
    assert photo.alt_text and photo.renditions["widths"]


def test_full_size_photo_looks_like_a_photograph():
    scene = images.draw_scene(story_seeds()[0].slug)
    data = images.jpeg_bytes(scene)
    assert scene.size == (2000, 1333)
    assert 150_000 < len(data) < 600_000
    # Not a flat fill: every channel varies, as light and texture do in a photo.
    assert min(ImageStat.Stat(scene).stddev) > 15


def test_newsletters_and_subscribers(demo):
    assert Newsletter.objects.count() == 3
    assert Newsletter.objects.get(is_default=True).name == "Morning Briefing"
    subscribers = Subscriber.objects.all()
    assert subscribers.count() == 40
    for subscriber in subscribers:
        assert subscriber.email == subscriber.email.lower()
        assert subscriber.email.endswith(("@example.org", "@example.com"))
        assert subscriber.consent_text
        assert subscriber.subscriptions.exists()
    active = subscribers.filter(status=Subscriber.Status.ACTIVE)
    assert active.count() >= 30
    assert not active.filter(confirmed_at__isnull=True).exists()
    assert subscribers.filter(status=Subscriber.Status.PENDING).exists()
    assert subscribers.filter(status=Subscriber.Status.UNSUBSCRIBED).exists()
    signups = ConsentEvent.objects.filter(kind=ConsentEvent.Kind.SIGNUP).count()
    assert signups == Subscription.objects.count()
    assert ConsentEvent.objects.filter(kind=ConsentEvent.Kind.CONFIRMATION).count() == (
        Subscription.objects.exclude(status=Subscription.Status.PENDING).count()
    )
    issue = NewsletterIssue.objects.get()
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert issue.issue_stories.count() == 4


@pytest.fixture
def state_home(tmp_path, monkeypatch):
    """Where this install keeps its state (XDG_STATE_HOME): a fresh one per test."""
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


def printed_password(output):
    match = re.search(r"^\s*password: (\S+)$", output, flags=re.MULTILINE)
    assert match, output
    return match.group(1)


def ensure_demo_staff(*args):
    out = io.StringIO()
    call_command("ensure_demo_staff", *args, stdout=out)
    return out.getvalue()


def derived_from_secret_key(username):
    """The password older versions derived from SECRET_KEY (public code + one setting)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"demo-staff:{username}".encode(), hashlib.sha256
    ).digest()
    letters = "".join(alphabet[byte % len(alphabet)] for byte in digest[:15])
    return "-".join(letters[i : i + 5] for i in range(0, 15, 5))


def test_demo_staff_login_is_printed_and_works(demo, fast_passwords, settings, client, state_home):
    settings.DEBUG = True
    output = ensure_demo_staff()
    password = printed_password(output)
    assert "username: editor" in output
    assert password != derived_from_secret_key("editor")

    user = get_user_model().objects.get(username="editor")
    assert user.is_staff and user.is_superuser
    assert Author.objects.get(user=user).slug == "marta-horobets"
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": password}
    )
    assert response.status_code == 302 and response.url == "/admin/"

    password_hash = user.password
    assert printed_password(ensure_demo_staff()) == password, "a second run prints the same"
    user.refresh_from_db()
    assert user.password == password_hash, "a second run keeps the same login"


def test_demo_staff_password_is_random_per_install(fast_passwords, settings, tmp_path, monkeypatch):
    """Two installs with the same SECRET_KEY (the development default) get different logins."""
    settings.DEBUG = True
    passwords = []
    for install in ("first", "second"):
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / install))
        password = printed_password(ensure_demo_staff())
        assert printed_password(ensure_demo_staff()) == password
        passwords.append(password)
        assert get_user_model().objects.get(username="editor").check_password(password)
    assert passwords[0] != passwords[1]
    assert derived_from_secret_key("editor") not in passwords
    assert all(len(password.replace("-", "")) >= 15 for password in passwords)


def test_demo_staff_password_is_kept_private_outside_the_checkout(
    fast_passwords, settings, state_home
):
    settings.DEBUG = True
    password = printed_password(ensure_demo_staff())
    stored = [path for path in state_home.rglob("*") if path.is_file()]
    assert len(stored) == 1 and stored[0].read_text().strip() == password
    assert stat.S_IMODE(stored[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(stored[0].parent.stat().st_mode) == 0o700
    assert not stored[0].resolve().is_relative_to(settings.BASE_DIR)


def test_demo_staff_refuses_a_readable_password_file(fast_passwords, settings, state_home):
    settings.DEBUG = True
    ensure_demo_staff()
    stored = next(path for path in state_home.rglob("*") if path.is_file())
    stored.chmod(0o644)
    user_before = get_user_model().objects.values_list("password").get()
    with pytest.raises(CommandError, match="0600"):
        ensure_demo_staff()
    assert get_user_model().objects.values_list("password").get() == user_before


def test_demo_staff_resets_a_changed_password(fast_passwords, settings, state_home):
    settings.DEBUG = True
    password = printed_password(ensure_demo_staff())
    user = get_user_model().objects.get(username="editor")
    user.set_password("something-else-entirely")
    user.is_superuser = False
    user.save()
    assert printed_password(ensure_demo_staff()) == password
    user.refresh_from_db()
    assert user.check_password(password) and user.is_superuser


def test_demo_staff_new_password_replaces_the_stored_one(fast_passwords, settings, state_home):
    settings.DEBUG = True
    old = printed_password(ensure_demo_staff())
    new = printed_password(ensure_demo_staff("--new-password"))
    assert new != old
    assert printed_password(ensure_demo_staff()) == new
    user = get_user_model().objects.get(username="editor")
    assert user.check_password(new) and not user.check_password(old)


def test_demo_staff_refuses_a_live_site(settings, state_home):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("ensure_demo_staff", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
    assert not state_home.exists(), "no password drawn or stored either"


def test_env_example_documents_every_variable_the_settings_read():
    """.env.example is the one place a variable is documented: none may be missing."""
    source = (settings.BASE_DIR / "newsroom" / "settings.py").read_text()
    read = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    example = (settings.BASE_DIR / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert {"DATABASE_URL", "SECRET_KEY", "EMAIL_URL", "CACHE_URL"} <= read
    assert read - documented == set()
    assert documented - read == set(), "documented variables the settings no longer read"


def test_readme_configuration_table_lists_every_variable():
    source = (settings.BASE_DIR / "newsroom" / "settings.py").read_text()
    read = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    readme = (settings.BASE_DIR / "README.md").read_text()
    rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, flags=re.MULTILINE))
    assert read - rows == set(), "add these to the README's configuration table"
    assert rows - read == set(), "the README documents variables the settings no longer read"


def test_readme_has_exactly_the_two_set_up_commands():
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert re.findall(r"```sh\n(.*?)\n```", readme, flags=re.DOTALL) == ["make run", "make test"]
    assert readme.count("```") == 4


def test_a_few_stories_carry_a_committed_synthetic_voice_clip(demo, demo_files, client):
    assert "3 audio versions (3 new)" in demo
    spoken = Article.objects.exclude(audio="").order_by("slug")
    assert sorted(spoken.values_list("slug", flat=True)) == sorted(audio.AUDIO_SLUGS)
    for article in spoken:
        assert article.audio_ai_assisted
        assert article.audio_transcript.startswith(article.headline + ".")
        assert article.audio.size == audio.clip_path(article.slug).stat().st_size

        page = client.get(article.get_absolute_url()).content.decode()
        assert f'<source src="{article.audio.url}" type="audio/mpeg">' in page
        assert "This audio is created with AI assistance" in page
        transcript = client.get(article.transcript_url)
        assert transcript.status_code == 200
        assert article.dek in transcript.content.decode()


@pytest.mark.parametrize("slug", audio.AUDIO_SLUGS)
def test_committed_clips_are_small_real_mp3s(slug):
    path = audio.clip_path(slug)
    assert 20_000 < path.stat().st_size < 200_000
    with path.open("rb") as clip:
        validate_audio_file(File(clip, name=path.name))  # raises if not MP3 audio
