"""Demo static pages and a support appeal: run as often as you like.

Rows are found by slug (pages) or heading (the appeal) and only created when missing, so
edits made in the admin survive a second run. Every text here is invented.
"""

from django.db import transaction

from pages.models import Page, SupportAppeal

DEMO_PAGES = [
    {
        "slug": "about",
        "title": "About us",
        "intro": "An independent newsroom reporting on the country, for the people who live in it.",
        "body": (
            "<p>We are a reader-funded national news outlet. Our reporters cover the war, "
            "politics, the economy, culture and the lives of ordinary people from every region, "
            "in plain language and with the evidence on the page.</p>"
            "<h2>What we stand for</h2>"
            "<ul><li>Facts first: every claim is sourced, every mistake corrected in public.</li>"
            "<li>Independence: no owner, party or advertiser decides what we publish.</li>"
            "<li>Open access: our journalism is free to read for everyone.</li></ul>"
            "<h2>How we are funded</h2>"
            "<p>Most of our budget comes from readers' donations, the rest from grants and "
            "advertising that is always labelled as such.</p>"
        ),
        "position": 1,
    },
    {
        "slug": "team",
        "title": "Our team",
        "intro": "The editors, reporters, photographers and producers behind every story.",
        "body": (
            "<p>Our newsroom of forty people works from the capital and from correspondents' "
            "bases in six regional cities.</p>"
            "<h2>Editors</h2>"
            "<p><strong>Iryna Bondar</strong>, editor-in-chief. <strong>Taras Melnyk</strong>, "
            "managing editor. <strong>Oksana Lytvyn</strong>, head of the news desk.</p>"
            "<h2>Reporting</h2>"
            "<p>Our reporters and field correspondents are listed on their author pages, "
            "linked from every story they write.</p>"
        ),
        "position": 2,
    },
    {
        "slug": "jobs",
        "title": "Jobs",
        "intro": "Join a newsroom that values careful reporting and clear writing.",
        "body": (
            "<p>We hire journalists, editors, developers and designers. We offer a fair salary, "
            "training, and the time to get a story right.</p>"
            "<h2>Open positions</h2>"
            "<ul><li>Night news editor (full time, capital)</li>"
            "<li>Data reporter (full time, remote within the country)</li>"
            "<li>Video producer (contract)</li></ul>"
            "<p>Send a short letter and three pieces of your work to "
            '<a href="mailto:jobs@example.org">jobs@example.org</a>.</p>'
        ),
        "position": 3,
    },
    {
        "slug": "editorial-standards",
        "title": "Editorial standards",
        "intro": "How we report, verify, correct and separate news from opinion.",
        "body": (
            "<p>Every story is read by at least one editor before publication. We name our "
            "sources unless naming them would put them in danger, and we say why when we "
            "do not.</p>"
            "<h2>Corrections</h2>"
            "<p>When we get something wrong we fix it and say so at the end of the story, "
            "with the date of the correction.</p>"
            "<h2>Opinion</h2>"
            "<p>Opinion pieces are labelled and never written by our news reporters about "
            "subjects they cover.</p>"
        ),
        "position": 4,
    },
    {
        "slug": "contact",
        "title": "Contact",
        "intro": "Tips, corrections and questions reach an editor within a working day.",
        "body": (
            '<p>News tips: <a href="mailto:tips@example.org">tips@example.org</a>.</p>'
            '<p>Corrections: <a href="mailto:corrections@example.org">'
            "corrections@example.org</a>.</p>"
            "<p>Postal address: 1 Example Street, 01001 Kyiv.</p>"
        ),
        "position": 5,
        "show_in_menu": False,
    },
]

DEMO_APPEAL = {
    "heading": "Support independent journalism",
    "text": (
        "Our reporting is free for everyone to read, and we want to keep it that way. "
        "Readers like you pay for the reporters in the field, the editors who check their "
        "work and the lawyers who defend it.\n\n"
        "Any amount helps, once or every month."
    ),
    "amounts": "5, 10, 25, 50",
    "currency_symbol": "$",
    "button_label": "Support us",
}


@transaction.atomic
def load_demo_pages():
    """Create the missing demo pages and appeal; returns (pages created, appeal created)."""
    created = 0
    for entry in DEMO_PAGES:
        fields = {key: value for key, value in entry.items() if key != "slug"}
        page = Page(slug=entry["slug"], **fields)
        if not Page.objects.filter(slug=page.slug).exists():
            page.full_clean()
            page.save()
            created += 1
    appeal_created = False
    if not SupportAppeal.objects.filter(heading=DEMO_APPEAL["heading"]).exists():
        appeal = SupportAppeal(**DEMO_APPEAL)
        appeal.full_clean()
        appeal.save()
        appeal_created = True
    return created, appeal_created
