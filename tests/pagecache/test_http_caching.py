"""HTTP caching for browsers and CDNs: conditional GETs, feeds, static files, templates."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from articles import services
from tests.articles.reader_helpers import full_story
from tests.pagecache.test_page_cache import cache_control, cache_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(page_cache):
    return full_story(authors=1, tags=1)


@pytest.mark.parametrize("cached", [False, True])
def test_story_answers_304_to_a_matching_etag(client, story, cached):
    url = story.get_absolute_url()
    first = client.get(url)
    if cached:
        assert cache_status(client.get(url)) == "hit"

    response = client.get(url, headers={"if-none-match": first["ETag"]})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert "s-maxage" in response["Cache-Control"]
    assert client.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200


def test_story_answers_304_to_if_modified_since_until_something_changes(
    client, story, django_capture_on_commit_callbacks
):
    url = story.get_absolute_url()
    with freeze_time(timezone.now()) as clock:
        # Within a second of a change no date is given (a second change in the same second
        # would share it); the ETag still works.
        first = client.get(url)
        assert "Last-Modified" not in first and first.has_header("ETag")
        clock.tick(5.5)  # and past the copy's life, so the next page is made again
        last_modified = client.get(url)["Last-Modified"]
        clock.tick(1.5)
        assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304

        clock.tick(1.5)
        with django_capture_on_commit_callbacks(execute=True):
            story.headline = "A headline changed after the first visit"
            services.save_story(article=story, by=None)
        clock.tick(1.5)
        response = client.get(url, headers={"if-modified-since": last_modified})

    assert response.status_code == 200
    assert b"A headline changed after the first visit" in response.content
    assert response["Last-Modified"] != last_modified


@pytest.mark.parametrize("name", ["articles:feed", "articles:feed_atom"])
def test_feeds_are_cached_and_answer_conditional_gets(client, story, name):
    url = reverse(name)
    with freeze_time(timezone.now()) as clock:
        client.get(reverse("articles:home"))  # the generation begins
        clock.tick(1.5)
        first = client.get(url)
        assert first.status_code == 200
        assert cache_status(first) == "miss"
        assert "public" in cache_control(first)
        assert cache_status(client.get(url)) == "hit"

        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
        since = {"if-modified-since": first["Last-Modified"]}
        assert client.get(url, headers=since).status_code == 304


def test_staff_pages_get_no_validators_a_cache_could_reuse(story, admin_user):
    staff = Client()
    staff.force_login(admin_user)
    response = staff.get(story.get_absolute_url())
    assert "no-store" in cache_control(response)
    assert not response.has_header("ETag")


def test_production_templates_are_compiled_once(settings):
    assert settings.DEBUG is False
    loaders = engines["django"].engine.template_loaders
    assert [type(loader).__module__ for loader in loaders] == ["django.template.loaders.cached"]


def test_fingerprinted_static_files_are_immutable_for_a_year(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # whitenoise reads STATIC_ROOT when the handler starts

    url = staticfiles_storage.url("css/site.css")
    assert url != "/static/css/site.css"  # the content hash is in the name
    response = client.get(url)
    assert response.status_code == 200
    assert {"public", "immutable", "max-age=315360000"} <= cache_control(response)

    compressed = client.get(url, headers={"accept-encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip"

    plain = client.get("/static/css/site.css")
    assert "immutable" not in cache_control(plain)
