"""A story body: what the editor may store, and the body read back as top-level parts.

The body is the editor's HTML (django-prose-editor). Besides text it holds blocks: story
cards, outside links, media embeds, photos and pull quotes, each ONE empty element with
attributes only, in the stored format of docs/blocks.md:

    <figure data-block="story" data-story="42" data-headline="…" data-url="/story/…/"></figure>

What may be stored is decided once, by nh3 with the editor's allow-list: the stock
extensions map to tags and attributes through django-prose-editor's own processors, and the
`NewsroomBlock` node adds `<figure>` with exactly the block attributes (`allow_block_figures`,
a processor in the library's shape). nh3 cannot say "empty" or "top level", so one parse
after it (`read_body`) keeps a figure only as a top-level block of a known kind, with the
attributes of that kind, and drops anything inside it and any other figure with its content.

The same parse serves the reader: `read_body()` returns the top-level parts (safe HTML
strings and `Block`s) that articles.blocks renders. Values of block attributes are plain
text; they are never printed as HTML.
"""

import html as html_module
import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

# What the text editors offer (live updates, static pages: text only); the same list drives
# nh3's server-side allow-list, so the stored HTML can only ever contain what the toolbar can
# produce.
TEXT_EDITOR_EXTENSIONS = {
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
# The story body (and a newsletter issue's intro): text plus blocks, placed in the text.
BODY_EDITOR_EXTENSIONS = {**TEXT_EDITOR_EXTENSIONS, "NewsroomBlock": True}

# Each kind of block and the attributes it may carry (docs/blocks.md), in the order they
# are written back. Names mirror RelatedEmbed's fields, so old embeds moved in one to one.
BLOCK_ATTRIBUTES = {
    "story": ("data-story", "data-headline", "data-url", "data-title", "data-excerpt"),
    "link": ("data-url", "data-title", "data-excerpt", "data-source", "data-author", "data-photo"),
    "media": ("data-url", "data-title", "data-excerpt", "data-author"),
    "photo": ("data-photo", "data-caption", "data-credit", "data-alt"),
    "quote": ("data-text", "data-attribution"),
}
# Text of these attributes is worth finding in search and reading in a revision's diff.
BLOCK_TEXT_ATTRIBUTES = (
    "data-headline",
    "data-title",
    "data-excerpt",
    "data-caption",
    "data-text",
    "data-attribution",
)

# A block as stored (nh3 quotes every value and escapes every ">" in it).
BLOCK_FIGURE = re.compile(r'<figure data-block="[a-z]+"[^>]*></figure>')

# Elements without an end tag: they never open a nesting level.
VOID_ELEMENTS = {"br", "hr", "img", "wbr", "col", "area", "source", "input", "meta", "link"}


def allow_block_figures(config, shared_config):
    """django-prose-editor processor for `NewsroomBlock`: `<figure>` with the block
    attributes and nothing else; `data-block` only with a known kind."""
    shared_config["tags"].add("figure")
    names = {name for names in BLOCK_ATTRIBUTES.values() for name in names}
    shared_config["attributes"].setdefault("figure", set()).update(names)
    values = shared_config.setdefault("tag_attribute_values", {})
    values.setdefault("figure", {})["data-block"] = set(BLOCK_ATTRIBUTES)


# Processors of this project's own editor extensions (the JS lives with the story form).
BLOCK_EXTENSION_PROCESSORS = {"NewsroomBlock": allow_block_figures}


@cache
def _cleaner():
    import nh3
    from django_prose_editor.config import allowlist_from_extensions

    stock = {
        name: config
        for name, config in BODY_EDITOR_EXTENSIONS.items()
        if name not in BLOCK_EXTENSION_PROCESSORS
    }
    allowlist = allowlist_from_extensions(stock)
    for name, processor in BLOCK_EXTENSION_PROCESSORS.items():
        processor(BODY_EDITOR_EXTENSIONS[name], allowlist)
    return nh3.Cleaner(**allowlist)


@dataclass(frozen=True)
class Block:
    """One block of a body: its kind and its attributes as plain text (empty ones left out)."""

    kind: str
    attributes: tuple  # ((name, value), ...) in BLOCK_ATTRIBUTES order

    def get(self, name, default=""):
        for key, value in self.attributes:
            if key == name:
                return value
        return default

    def number(self, name):
        """A pk attribute (data-story, data-photo) as an int, or None if it is not one."""
        value = self.get(name)
        return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None

    @classmethod
    def from_attrs(cls, attrs):
        found = dict(attrs)
        kind = found.get("data-block")
        if kind not in BLOCK_ATTRIBUTES:
            return None
        kept = tuple(
            (name, found[name].strip())
            for name in BLOCK_ATTRIBUTES[kind]
            if (found.get(name) or "").strip()
        )
        return cls(kind=kind, attributes=kept)

    def html(self):
        """The stored form: one empty figure, values escaped."""
        attributes = "".join(f' {name}="{escape(value)}"' for name, value in self.attributes)
        return f'<figure data-block="{self.kind}"{attributes}></figure>'

    def text(self):
        """The block's words (search, diffs, plain-text email)."""
        return " ".join(self.get(name) for name in BLOCK_TEXT_ATTRIBUTES if self.get(name))


class _BodyReader(HTMLParser):
    """One pass over (nh3-clean) HTML: top-level chunks of markup, and blocks between them.

    A chunk is a top-level element, or loose text up to the next one; a top-level
    `<figure>` of a known kind becomes a Block and its content is skipped; every other
    figure is dropped with its content.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts = []
        self._chunk = []
        self._depth = 0
        self._skipping = 0  # nesting level inside a figure being left out

    def read(self, html):
        self.feed(html)
        self.close()
        self._flush()
        return self.parts

    def _flush(self):
        if self._chunk:
            self.parts.append("".join(self._chunk))
            self._chunk = []

    def handle_starttag(self, tag, attrs):
        if self._skipping:
            self._skipping += tag not in VOID_ELEMENTS
            return
        if tag == "figure":
            block = Block.from_attrs(attrs) if self._depth == 0 else None
            if block is not None:
                self._flush()
                self.parts.append(block)
            self._skipping = 1
            return
        self._chunk.append(self.get_starttag_text())
        if tag in VOID_ELEMENTS:
            if self._depth == 0:
                self._flush()
        else:
            self._depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        if self._skipping:
            self._skipping -= 1
            return
        if self._depth == 0:
            return  # a stray end tag: nh3 never writes one
        self._chunk.append(f"</{tag}>")
        self._depth -= 1
        if self._depth == 0:
            self._flush()

    def handle_data(self, data):
        if not self._skipping:
            self._chunk.append(data)

    def handle_entityref(self, name):
        if not self._skipping:
            self._chunk.append(f"&{name};")

    def handle_charref(self, name):
        if not self._skipping:
            self._chunk.append(f"&#{name};")


def read_body(html):
    """The body's top-level parts after sanitising: safe HTML strings (whitespace-only
    runs dropped) and Blocks, in order. One nh3 pass and one parse."""
    parts = []
    for part in _BodyReader().read(_cleaner().clean(html or "")):
        if isinstance(part, Block):
            parts.append(part)
        elif part.strip():
            parts.append(mark_safe(part.strip()))  # noqa: S308 - nh3 output, split on tags
    return parts


def sanitise_body_html(html):
    """The field's sanitiser: what may be stored (the editor's allow-list, blocks as
    empty top-level figures). Used by the story body and the newsletter intro."""
    html = html or ""
    parts = _BodyReader().read(_cleaner().clean(html))
    from django_prose_editor.fields import _actually_empty

    # ProseMirror always leaves one empty paragraph: an empty field is "" (the library's rule).
    return _actually_empty(
        "".join(part.html() if isinstance(part, Block) else part for part in parts)
    )


def blocks_in(html):
    """The body's blocks, in order."""
    return [part for part in read_body(html) if isinstance(part, Block)]


def body_text(html):
    """The body as plain words, blocks' text in its place (search snippets, plain text)."""
    words = []
    for part in read_body(html):
        text = part.text() if isinstance(part, Block) else html_module.unescape(strip_tags(part))
        words.append(" ".join(text.split()))
    return " ".join(word for word in words if word)


# --- Old paragraph-numbered embeds, moved into the body (migration 0013, old revisions) ---


def block_from_embed(fields, *, target_headline="", target_url=""):
    """The block for a RelatedEmbed's fields (a row's, or a revision's field dict): every
    override the reader could see comes along. A card keeps its story's headline and address
    (the row's own, kept when the story was deleted, or the target's now)."""
    value = {name: str(fields.get(name) or "") for name in fields}
    kind = value.get("kind") or "story"
    if kind == "story":
        pairs = [
            ("data-story", value.get("target_article_id", "")),
            ("data-headline", value.get("story_headline") or target_headline),
            ("data-url", value.get("story_url") or target_url),
            ("data-title", value.get("title", "")),
            ("data-excerpt", value.get("excerpt", "")),
        ]
    else:
        pairs = [
            ("data-url", value.get("url", "")),
            ("data-title", value.get("title", "")),
            ("data-excerpt", value.get("excerpt", "")),
            ("data-source", value.get("source_name", "")),
            ("data-author", value.get("author_line", "")),
            ("data-photo", value.get("image_id", "")),
        ]
    return Block.from_attrs([("data-block", kind), *pairs])


def place_blocks(html, placed):
    """`html` with blocks put after its top-level parts, the rest left as it was.

    `placed` is (after, Block) pairs: `after` counts the top-level parts from 1, 0 puts a
    block before the first, a number past the end after the last; blocks given for one spot
    keep their order. This is how RelatedEmbed.after_paragraph was read.
    """
    parts = _BodyReader().read(html or "")
    counted = sum(1 for part in parts if isinstance(part, Block) or part.strip())
    after = {}
    for number, block in placed:
        if block is not None:
            after.setdefault(min(max(number, 0), counted), []).append(block)
    pieces = [block.html() for block in after.get(0, [])]
    number = 0
    for part in parts:
        is_block = isinstance(part, Block)
        pieces.append(part.html() if is_block else part)
        if is_block or part.strip():
            number += 1
            pieces += [block.html() for block in after.get(number, [])]
    return "".join(pieces)


def take_out_blocks(html, kinds):
    """(html without the blocks of `kinds`, [(after, Block)]): the inverse of place_blocks,
    `after` counting the top-level parts that stay."""
    kept, taken, number = [], [], 0
    for part in _BodyReader().read(html or ""):
        if isinstance(part, Block) and part.kind in kinds:
            taken.append((number, part))
            continue
        kept.append(part.html() if isinstance(part, Block) else part)
        if isinstance(part, Block) or part.strip():
            number += 1
    return "".join(kept), taken
