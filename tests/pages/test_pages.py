"""Static pages (About, Team, Jobs…): the page, the More menu and footer, the admin, the demo."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pages.models import Page
from tests.articles.reader_helpers import start_tags

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reader_caches")]


def make_page(**fields):
    fields.setdefault("title", fields.get("slug", "About").title())
    page = Page(**fields)
    page.full_clean()
    page.save()
    return page


def menu_links(html):
    menu = html[html.index('<details class="more-menu">') :]
    menu = menu[: menu.index("</details>")]
    return [(attrs["href"]) for attrs in start_tags(menu, "a")]


def footer_links(html):
    footer = html[html.index('class="site-footer__nav site-footer__nav--pages"') :]
    footer = footer[: footer.index("</nav>")]
    return [attrs["href"] for attrs in start_tags(footer, "a")]


def test_a_page_is_served_at_its_slug(client):
    make_page(
        slug="about",
        title="About us",
        intro="Who we are.",
        body="<h2>Funding</h2><p>Readers pay for our work.</p>",
    )
    response = client.get("/about/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="page-header__title">About us</h1>' in html
    assert "<h2>Funding</h2><p>Readers pay for our work.</p>" in html
    assert '<meta name="description" content="Who we are.">' in html
    assert "<title>About us | The Newsroom</title>" in html


def test_unpublished_and_unknown_pages_are_not_found(client):
    make_page(slug="jobs", is_published=False)
    assert client.get("/jobs/").status_code == 404
    assert client.get("/nothing-here/").status_code == 404


def test_the_body_is_sanitised_again_when_shown(client):
    page = make_page(slug="team")
    # Written around the admin form (a script, the shell): never printed as it is.
    Page.objects.filter(pk=page.pk).update(
        body='<p onclick="steal()">Editors</p><script>alert(1)</script><iframe src="//x"></iframe>'
    )
    html = client.get("/team/").content.decode()
    assert "<p>Editors</p>" in html
    assert "alert(1)" not in html and "onclick" not in html and "<iframe" not in html


@pytest.mark.parametrize("slug", ["search", "newsletters", "admin", "feed", "news-feed"])
def test_slugs_the_site_already_answers_are_refused(slug):
    with pytest.raises(ValidationError) as refused:
        make_page(slug=slug)
    assert "is already an address of the site" in str(refused.value)


def test_more_menu_and_footer_list_published_pages_in_order(client):
    make_page(slug="jobs", title="Jobs", position=3)
    make_page(slug="about", title="About us", position=1)
    make_page(slug="contact", title="Contact", position=5, show_in_menu=False)
    make_page(slug="secret", title="Secret", is_published=False)
    make_page(slug="legal", title="Legal notice", position=9, show_in_footer=False)

    html = client.get("/").content.decode()

    assert menu_links(html) == ["/about/", "/jobs/", "/legal/", "/search/"]
    assert footer_links(html) == [
        "/about/",
        "/jobs/",
        "/contact/",
        "/search/",
        "/corrections/",
        "/feed/",
    ]
    # A disclosure that opens without JavaScript, beside the section navigation.
    assert '<summary class="more-menu__toggle">More</summary>' in html
    nav = html[html.index('<nav class="section-nav"') :]
    assert nav.index('<details class="more-menu">') < nav.index("</nav>")


def test_no_more_menu_without_pages(client):
    assert '<details class="more-menu">' not in client.get("/").content.decode()


def test_current_page_is_marked_in_the_menu(client):
    make_page(slug="about", title="About us")
    make_page(slug="team", title="Team")
    html = client.get("/team/").content.decode()
    assert '<a href="/team/" aria-current="page">Team</a>' in html


def test_menu_is_cached_and_refreshed_when_a_page_changes(
    client, shared_blocks, django_assert_num_queries, django_capture_on_commit_callbacks
):
    page = make_page(slug="about", title="About us")
    client.get("/about/")
    with django_assert_num_queries(1):  # the page itself; the menu comes from the cache
        client.get("/about/")

    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Who we are"
        page.save()
    html = client.get("/").content.decode()
    assert ">Who we are</a>" in html and ">About us</a>" not in html

    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert '<details class="more-menu">' not in client.get("/").content.decode()


def test_demo_pages_load_once_and_keep_edits():
    call_command("load_demo_pages", stdout=open("/dev/null", "w"))  # noqa: SIM115
    slugs = set(Page.objects.values_list("slug", flat=True))
    assert {"about", "team", "jobs"} <= slugs
    Page.objects.filter(slug="about").update(title="About the Ledger")

    call_command("load_demo_pages", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert set(Page.objects.values_list("slug", flat=True)) == slugs
    assert Page.objects.get(slug="about").title == "About the Ledger"


def test_demo_pages_are_served(client):
    call_command("load_demo_pages", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for page in Page.objects.all():
        assert client.get(page.get_absolute_url()).status_code == 200


def test_pages_admin(admin_client):
    page = make_page(slug="about", title="About us")
    listing = admin_client.get("/admin/pages/page/").content.decode()
    assert "<code>/about/</code>" in listing
    assert admin_client.get(f"/admin/pages/page/{page.pk}/change/").status_code == 200
    response = admin_client.post(
        "/admin/pages/page/add/",
        {
            "title": "Search",
            "slug": "search",
            "intro": "",
            "body": "<p>x</p>",
            "is_published": "on",
            "position": "0",
        },
    )
    assert response.status_code == 200
    assert "/search/ is already an address of the site" in response.content.decode()
