# ruff: noqa: F811 (the `roles` fixture is imported, then requested by name)
"""Shared blocks hold nothing per request, by construction: each renders from its own
template with a context of its key values alone, and previews and signed-in staff neither
read nor write them."""

import pytest
from django.core.cache import cache
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from editorial.models import PreviewLink
from pagecache.store import copies
from tests.articles.reader_helpers import full_story
from tests.articles.workflow_helpers import roles  # noqa: F401
from tests.factories import ArticleFactory, SectionFactory
from tests.subscriptions.factories import NewsletterFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

PER_REQUEST = ["request", "user", "perms", "csrf_token", "messages"]


@pytest.fixture
def probe_blocks(settings, tmp_path):
    """Block templates that try to read what a page's context holds."""
    folder = tmp_path / "templates" / "blocks"
    folder.mkdir(parents=True)
    for name in PER_REQUEST:
        (folder / f"probe-{name}.html").write_text(f"[{{{{ {name} }}}}]")
        (folder / f"probe-if-{name}.html").write_text(f"[{{% if {name} %}}{name}{{% endif %}}]")
    (folder / "probe-values.html").write_text("[{{ section }}|{{ SITE_NAME }}]")
    template_settings = dict(settings.TEMPLATES[0])
    template_settings["DIRS"] = [tmp_path / "templates", *template_settings["DIRS"]]
    settings.TEMPLATES = [template_settings]
    return folder


def render_block(*args, **kwargs):
    from pagecache.blocks import render_block

    return render_block(*args, **kwargs)


def unknown_variable():
    from pagecache.blocks import UnknownVariable

    return UnknownVariable


def page_request(path="/preview/secret-token/"):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize("name", PER_REQUEST)
@pytest.mark.parametrize("probe", ["probe-{}", "probe-if-{}"])
def test_a_block_cannot_look_up_anything_per_request(probe_blocks, name, probe):
    block = probe.format(name)
    with pytest.raises(unknown_variable(), match=name):
        render_block(block, f"blocks/{block}.html", request=page_request())


@pytest.mark.parametrize("name", PER_REQUEST)
def test_the_block_tag_hands_the_page_context_nothing(probe_blocks, name):
    """Even inside a page whose context has the request, user, csrf token... (context
    processors ran), the block sees only what the tag names."""
    page = Template(f'{{% load pagecache_tags %}}{{% shared_block "probe-{name}" %}}')
    context = RequestContext(page_request(), {"csrf_token": "per-visitor-token"})
    with pytest.raises(unknown_variable(), match=name):
        page.render(context)


def test_a_block_sees_its_key_values_and_allowed_site_settings(probe_blocks, settings):
    settings.SITE_NAME = "The Daily Test"
    page = Template('{% load pagecache_tags %}{% shared_block "probe-values" section=pk %}')
    html = page.render(RequestContext(page_request(), {"pk": 7, "SITE_NAME": "from the page"}))
    assert html == "[7|The Daily Test]"


def test_without_strict_templates_a_per_request_name_renders_empty(probe_blocks, settings):
    """Production: the name is simply not there."""
    settings.TEMPLATE_STRICT_VARIABLES = False
    html = render_block("probe-request", "blocks/probe-request.html", request=page_request())
    assert html == "[]"


def test_a_block_is_kept_per_set_of_key_values(probe_blocks):
    def blocks():
        return sorted(key for key in shared_entries() if ":block:" in key)

    html = render_block("probe-values", "blocks/probe-values.html", section=1)
    stored = blocks()
    assert render_block("probe-values", "blocks/probe-values.html", section=1) == html
    assert blocks() == stored and len(stored) == 2  # shared, and this process's copy
    render_block("probe-values", "blocks/probe-values.html", section=2)
    assert len(blocks()) == 4


# --- The leak that started it: a shared preview link in a public signup box ----------------


@pytest.fixture
def section_with_draft():
    section = SectionFactory(name="National", slug="national")
    NewsletterFactory(name="Morning Briefing", slug="morning", is_public=True, is_default=True)
    public = [full_story(section=section, photo=False) for _ in range(2)]
    draft = ArticleFactory(
        section=section, status="draft", publish_at=None, headline="Unpublished dam inquiry"
    )
    link = PreviewLink.objects.create(article=draft)
    return public, draft, link


def test_a_shared_preview_link_never_reaches_public_pages_of_its_section(
    client, section_with_draft
):
    public, draft, link = section_with_draft
    preview = client.get(link.get_absolute_url())
    assert preview.status_code == 200
    assert draft.headline in preview.content.decode()

    for story in public:
        html = client.get(story.get_absolute_url()).content.decode()
        assert link.signed_value() not in html
        assert "/preview/" not in html
        assert draft.headline not in html


def test_the_signup_box_carries_no_address_of_the_page(client, section_with_draft):
    public, _, _ = section_with_draft
    html = client.get(public[0].get_absolute_url()).content.decode()
    assert '<input type="hidden" name="next" value="">' in html
    assert f'name="next" value="{public[0].get_absolute_url()}"' not in html


# --- Previews and signed-in staff keep out of the shared blocks ----------------------------


def shared_entries():
    """Block, fragment and page entries in the shared cache and this process's copies."""
    shared = [key for key in cache._cache if ":pagecache:" in key]
    local = list(copies._entries)
    kinds = (":block:", ":fragment:", ":page:")
    return [key for key in shared + local if any(kind in key for kind in kinds)]


def poison_blocks():
    """Mark every stored block, so a page that reads one shows it."""
    poisoned = 0
    for key in list(cache._cache):
        if ":pagecache:block:" in key:
            expires_at, html = cache.get(key.split(":", 2)[2])
            cache.set(key.split(":", 2)[2], (expires_at, html + "<p>POISONED</p>"), 60)
            poisoned += 1
    for key, (expires_at, value) in list(copies._entries.items()):
        if ":block:" in key:
            copies.put(key, expires_at, value + "<p>POISONED</p>")
    return poisoned


def open_preview(kind, client, roles, draft, link, public):
    if kind == "shared link":
        return client.get(link.get_absolute_url())
    client.force_login(roles["editor"])
    if kind == "staff preview":
        return client.get(f"/admin/articles/article/{draft.pk}/preview/")
    return client.get(public[1].get_absolute_url())  # a public page, signed in


KINDS = ["shared link", "staff preview", "signed-in staff"]


@pytest.mark.parametrize("kind", KINDS)
def test_previews_and_staff_write_no_shared_block(client, roles, section_with_draft, kind):
    public, draft, link = section_with_draft
    cache.clear()
    copies.clear()

    response = open_preview(kind, client, roles, draft, link, public)

    assert response.status_code == 200
    assert shared_entries() == []


@pytest.mark.parametrize("kind", KINDS)
def test_previews_and_staff_read_no_shared_block(client, roles, section_with_draft, kind):
    public, draft, link = section_with_draft
    client.get(public[0].get_absolute_url())  # fills the section's shared blocks
    assert poison_blocks() > 0
    # The control: a public page of the section does read them.
    assert "POISONED" in client.get(public[1].get_absolute_url()).content.decode()

    response = open_preview(kind, client, roles, draft, link, public)

    assert response.status_code == 200
    assert "POISONED" not in response.content.decode()


def test_a_private_request_renders_the_block_fresh_and_stores_nothing(probe_blocks):
    from pagecache.private import mark_private

    request = page_request()
    mark_private(request)
    assert render_block("probe-values", "blocks/probe-values.html", request=request, section=3)
    assert shared_entries() == []


def test_the_old_in_page_block_tag_is_gone():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template('{% load pagecache_tags %}{% cached_block "x" %}{% endcached_block %}').render(
            Context()
        )
