import pytest

from articles.models import Author
from core.slugs import free_slug
from tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db


def test_a_taken_slug_gets_the_next_free_number():
    AuthorFactory(slug="olena-kovalenko")
    AuthorFactory(slug="olena-kovalenko-2")

    slug = free_slug(Author.objects.all(), "Olena Kovalenko", max_length=120, fallback="author")

    assert slug == "olena-kovalenko-3"


def test_text_without_slug_letters_falls_back_and_long_text_leaves_room_for_a_number():
    assert free_slug(Author.objects.all(), "!!!", max_length=120, fallback="author") == "author"
    assert len(free_slug(Author.objects.all(), "word " * 100, max_length=40, fallback="x")) <= 30
