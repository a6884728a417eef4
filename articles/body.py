"""A story body split into top-level blocks, with related embeds placed between them.

The body is sanitised again here with the editor's own nh3 allow-list, so HTML that reached
the database without the admin form (imports, scripts, the shell) is just as safe to print,
and nh3's serialiser gives balanced markup the splitter can rely on.
"""

from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.safestring import mark_safe

# What the story editor offers; the same list drives nh3's server-side allow-list, so the
# stored HTML can only ever contain what the toolbar can produce.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,
}

# Elements without an end tag: they never open a nesting level.
VOID_ELEMENTS = {"br", "hr", "img", "wbr", "col", "area", "source", "input", "meta", "link"}


class _BlockSplitter(HTMLParser):
    """Records where each top-level element (or run of loose text) starts and ends."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.boundaries = []  # offsets in the source where a top-level block ends

    def _offset(self):
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def split(self, html):
        self._line_starts = [0]
        for index, char in enumerate(html):
            if char == "\n":
                self._line_starts.append(index + 1)
        self._html = html
        self.feed(html)
        self.close()
        return self.boundaries

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            if self.depth == 0:
                self.boundaries.append(self._offset() + len(self.get_starttag_text()))
            return
        self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.boundaries.append(self._offset() + len(self.get_starttag_text()))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        self.depth = max(0, self.depth - 1)
        if self.depth == 0:
            end = self._html.index(">", self._offset()) + 1
            self.boundaries.append(end)


def sanitise_body(html):
    from .models import Article

    return Article._meta.get_field("body").sanitize(html or "")


def split_blocks(html):
    """Top-level blocks of sanitised HTML, each a safe string; whitespace-only runs dropped."""
    clean = sanitise_body(html)
    blocks, start = [], 0
    for end in [*_BlockSplitter().split(clean), len(clean)]:
        chunk = clean[start:end]
        start = end
        if chunk.strip():
            blocks.append(mark_safe(chunk.strip()))  # noqa: S308 - nh3 output, split on tags
    return blocks


@dataclass
class BodySegment:
    html: str = ""
    embed: object = None


def body_segments(article):
    """The body's blocks with each visible embed after its `after_paragraph` block.

    Blocks (paragraphs, headings, lists, quotes) are counted from 1; 0 puts an embed before
    the first, and a number past the end puts it after the last. Uses `article.embeds.all()`,
    so a prefetched list costs no query.
    """
    blocks = split_blocks(article.body)
    embeds_after = {}
    for embed in sorted(article.embeds.all(), key=lambda e: (e.position, e.pk or 0)):
        if embed.is_visible:
            slot = min(embed.after_paragraph, len(blocks))
            embeds_after.setdefault(slot, []).append(embed)
    segments = [BodySegment(embed=embed) for embed in embeds_after.get(0, [])]
    for number, block in enumerate(blocks, start=1):
        segments.append(BodySegment(html=block))
        segments.extend(BodySegment(embed=embed) for embed in embeds_after.get(number, []))
    return segments
