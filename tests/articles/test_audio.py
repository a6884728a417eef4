"""Audio versions: what uploads are accepted, the player on the story page, the transcript."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.audio import validate_audio_file
from articles.models import Article
from tests.articles.admin_forms import byline_row, form_errors, story_form_data
from tests.articles.reader_helpers import start_tags
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

MP3_FRAMES = (bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(413)) * 8
MP3_WITH_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + MP3_FRAMES
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isommp42" + bytes(64)
OGG = b"OggS\x00\x02" + bytes(64)


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("story.mp3", MP3_FRAMES),
        ("story.MP3", MP3_WITH_ID3),
        ("story.m4a", M4A),
        ("story.ogg", OGG),
    ],
)
def test_real_audio_files_are_accepted(name, content):
    validate_audio_file(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("story.wav", b"RIFF\x00\x00\x00\x00WAVEfmt ", "invalid_extension"),
        ("story", MP3_FRAMES, "invalid_extension"),
        ("story.mp3.exe", MP3_FRAMES, "invalid_extension"),
        ("story.mp3", b"<html><script>alert(1)</script></html>", "invalid_audio"),
        ("story.mp3", b"\x89PNG\r\n\x1a\n" + bytes(32), "invalid_audio"),
        ("story.ogg", MP3_FRAMES, "invalid_audio"),
        (
            "story.m4a",
            b"\x00\x00\x00\x20ftypqt  " + bytes(32),
            "invalid_audio",
        ),  # a QuickTime movie
        ("story.m4a", b"", "invalid_audio"),
    ],
)
def test_other_files_are_refused_whatever_their_name(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_audio_file(upload(name, content))
    assert refused.value.code == code


def test_too_large_audio_is_refused(settings):
    settings.AUDIO_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError, match="at most 0 MB") as refused:
        validate_audio_file(upload("long.mp3", MP3_FRAMES))
    assert refused.value.code == "file_too_large"


def test_a_stored_file_is_not_read_again_on_every_save():
    """Saving a story (full_clean) must not fetch its audio back from storage."""
    story = ArticleFactory()
    story.audio.save("old.mp3", ContentFile(b"not checked again"), save=False)
    story.save(update_fields=["audio"])
    story.refresh_from_db()
    story.full_clean()  # would raise if the stored bytes were checked again


def test_audio_is_uploaded_in_the_admin_under_a_generated_name(admin_client):
    author = AuthorFactory()
    story = ArticleFactory(authors=[author])
    data = story_form_data(
        section=story.section,
        headline=story.headline,
        slug=story.slug,
        body=story.body,
        dek=story.dek,
        status="published",
        publish_at=story.publish_at,
        bylines=[byline_row(author, 1, byline=story.bylines.get(), article=story)],
        initial_bylines=1,
        audio=upload("Interview with the mayor (final).mp3", MP3_FRAMES),
        audio_ai_assisted=True,
        audio_transcript="Mayor: We will rebuild the bridge.",
    )

    response = admin_client.post(f"/admin/articles/article/{story.pk}/change/", data)

    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert re.fullmatch(r"audio/\d{4}/\d{2}/[0-9a-f]{32}\.mp3", story.audio.name)
    assert story.audio_ai_assisted
    assert story.audio.read() == MP3_FRAMES


def test_the_admin_refuses_a_renamed_file(admin_client):
    author = AuthorFactory()
    story = ArticleFactory(authors=[author])
    data = story_form_data(
        section=story.section,
        headline=story.headline,
        slug=story.slug,
        status="published",
        publish_at=story.publish_at,
        bylines=[byline_row(author, 1, byline=story.bylines.get(), article=story)],
        initial_bylines=1,
        audio=upload("podcast.mp3", b"MZ\x90\x00 this is a program"),
    )

    response = admin_client.post(f"/admin/articles/article/{story.pk}/change/", data)

    assert response.status_code == 200
    assert "This file is not MP3 audio" in response.content.decode()
    assert not Article.objects.get(pk=story.pk).audio


def test_the_audio_fields_have_their_own_fieldset(admin_client):
    story = ArticleFactory()
    html = admin_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "Audio version" in html
    assert 'enctype="multipart/form-data"' in html
    for name in ("audio", "audio_ai_assisted", "audio_transcript_url", "audio_transcript"):
        assert f'name="{name}"' in html


def story_with_audio(**fields):
    story = ArticleFactory(**fields)
    story.audio.save("story.mp3", ContentFile(MP3_FRAMES), save=False)
    story.save(update_fields=["audio"])
    return story


def test_story_page_plays_the_audio_with_its_transcript_and_disclosure(client):
    story = story_with_audio(audio_ai_assisted=True, audio_transcript="Line one.\n\nLine two.")
    html = client.get(story.get_absolute_url()).content.decode()

    (audio,) = start_tags(html, "audio")
    assert audio == {"class": "story-audio__player", "controls": None, "preload": "none"}
    (source,) = start_tags(html, "source")
    assert source == {"src": story.audio.url, "type": "audio/mpeg"}
    assert f'<a href="/story/{story.slug}/transcript/">Read the transcript</a>' in html
    assert "This audio is created with AI assistance" in html
    # Above the body, below the headline.
    assert html.index("story__headline") < html.index("story-audio") < html.index("story__body")

    transcript = client.get(f"/story/{story.slug}/transcript/")
    assert transcript.status_code == 200
    assert "<p>Line one.</p>" in transcript.content.decode()


def test_no_disclosure_without_the_flag_and_an_outside_transcript(client):
    story = story_with_audio(audio_transcript_url="https://transcripts.example.org/42")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "AI assistance" not in html
    assert '<a href="https://transcripts.example.org/42">Read the transcript</a>' in html
    assert client.get(f"/story/{story.slug}/transcript/").status_code == 404


def test_no_player_without_audio(client):
    html = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert "<audio" not in html and "Listen to this story" not in html


def test_transcripts_of_unpublished_stories_are_not_shown(client):
    story = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, audio_transcript="x")
    assert client.get(f"/story/{story.slug}/transcript/").status_code == 404


def test_audio_adds_no_query_to_the_story_page(client):
    plain = ArticleFactory()
    story = story_with_audio(audio_ai_assisted=True, audio_transcript="Words.")

    def queries(article):
        client.get(article.get_absolute_url())  # warm caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(story) == queries(plain)
