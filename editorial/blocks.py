"""What the story form refuses in the body's blocks, before anything is saved.

The body editor (static/admin-extra/newsroom-block.js) stores each block as
`<figure data-block="KIND" data-…>`; readers' pages rebuild them on the server and drop what
they cannot show. The form still says at once what readers would never see, where the old
embed rows did: a media address of a provider we do not embed, an outside link that is not
http(s) or has no title, a story card or photo without its target. And it refuses a card for
a story the editor may not see (articles.permissions.can_view), so a forged number never
stores, nor later shows back, a headline they may not read. A card whose story was deleted
keeps its snapshot and stays valid.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from articles.embeds import ALLOWED_PROVIDERS, parse_media_url
from articles.models import Article
from articles.permissions import visible_stories


class _BlockReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "figure" and "data-block" in attributes:
            self.blocks.append(
                {
                    name.removeprefix("data-"): (value or "").strip()
                    for name, value in attributes.items()
                    if name.startswith("data-")
                }
            )

    handle_startendtag = handle_starttag


def body_blocks(html):
    """The body's blocks in order, as {"block": kind, "story": "12", …} (data- dropped)."""
    reader = _BlockReader()
    reader.feed(html or "")
    reader.close()
    return reader.blocks


def block_problems(html, *, viewer):
    """Messages for the blocks readers would never see or the viewer may not use."""
    problems = []
    story_ids = set()
    for block in body_blocks(html):
        kind = block.get("block")
        if kind == "media" and parse_media_url(block.get("url", "")) is None:
            problems.append(
                f"A media embed's address cannot be embedded ({block.get('url') or 'empty'}). "
                f"Only {ALLOWED_PROVIDERS} addresses are allowed; use an outside link instead."
            )
        elif kind == "link":
            if urlsplit(block.get("url", "")).scheme not in {"http", "https"}:
                problems.append("An outside link needs an address starting with https://.")
            if not block.get("title"):
                problems.append("An outside link needs a title.")
        elif kind == "story":
            if not block.get("story", "").isdigit():
                problems.append("A story card needs the story it points to.")
            else:
                story_ids.add(int(block["story"]))
        elif kind == "photo" and not block.get("photo", "").isdigit():
            problems.append("A photo block needs its photo.")
        elif kind == "quote" and not block.get("text"):
            problems.append("A pull quote needs its words.")
    if story_ids:
        existing = set(Article.objects.filter(pk__in=story_ids).values_list("pk", flat=True))
        seen = set(visible_stories(viewer).filter(pk__in=existing).values_list("pk", flat=True))
        if existing - seen:
            problems.append("A story card points to a story you may not see. Pick another one.")
    return problems
