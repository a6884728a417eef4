"""Find anything executable in rendered HTML.

`script_problems(html)` lists every way a page could run script that is not one of our own
static files: <script> elements other than our static scripts and JSON data blocks, on* attributes,
javascript:/data:/vbscript: URLs in URL attributes, frames outside the embed allow-list,
srcdoc, object/embed/base/meta-refresh, and CSS that could run script. An empty list means
the page is clean. tests/security/test_htmlcheck.py proves each rule fires.
"""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "cite", "ping", "longdesc", "lowsrc", "dynsrc", "codebase", "manifest", "icon",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
# Inline script elements the browser treats as data, not code (JSON-LD, Django's json_script,
# the admin editor's import map): allowed while their content is still valid JSON.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json", "importmap"}
FORBIDDEN_ELEMENTS = {"object", "embed", "applet", "base", "frame", "frameset", "portal"}
# Browsers drop ASCII tab and newlines anywhere in a URL and C0 controls/space at its ends.
_URL_NOISE = re.compile(r"[\x00-\x20]")
_CSS_DANGER = re.compile(r"expression\s*\(|javascript:|vbscript:|@import|behavior\s*:|-moz-binding")


def _scheme_of(value: str) -> str:
    return _URL_NOISE.sub("", value).lower()


def is_own_static_script(src: str) -> bool:
    if src == reverse("admin:jsi18n"):  # Django's translation catalogue for admin scripts
        return True
    static_url = settings.STATIC_URL
    if not src.startswith(static_url):
        return False
    path = urlsplit(src).path[len(static_url) :]
    return finders.find(path) is not None


def is_allowed_frame(src: str) -> bool:
    parts = urlsplit(src)
    return f"{parts.scheme}://{parts.netloc}" in settings.EMBED_FRAME_ORIGINS


class _Checker(HTMLParser):
    def __init__(self, *, allow_style):
        super().__init__(convert_charrefs=True)
        self.allow_style = allow_style
        self.problems = []
        self._in = None  # ("script", attrs) or ("style", attrs) while inside one
        self._text = []

    def _problem(self, message):
        self.problems.append(message)

    def handle_starttag(self, tag, attrs):
        self._check_element(tag, attrs)
        if tag in {"script", "style"}:
            self._in, self._text = (tag, dict(attrs)), []

    def handle_startendtag(self, tag, attrs):
        self._check_element(tag, attrs)
        if tag == "script":
            self._check_script(dict(attrs), "")

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            kind, attrs = self._in
            text = "".join(self._text)
            if kind == "script":
                self._check_script(attrs, text)
            elif not self.allow_style:
                self._problem(f"<style> element: {text[:80]!r}")
            elif _CSS_DANGER.search(text.lower()):
                self._problem(f"dangerous CSS in <style>: {text[:80]!r}")
            self._in = None

    def _check_script(self, attrs, text):
        src = attrs.get("src")
        if src is not None:
            if not is_own_static_script(src):
                self._problem(f"<script src={src!r}> is not one of our static scripts")
            return
        if (attrs.get("type") or "").lower() in DATA_SCRIPT_TYPES:
            try:
                json.loads(text)
            except ValueError:
                self._problem(f"data <script> that is not JSON (broken out of?): {text[:80]!r}")
            return
        self._problem(f"inline <script>: {text[:80]!r}")

    def _check_element(self, tag, attrs):
        if tag in FORBIDDEN_ELEMENTS:
            self._problem(f"<{tag}> element")
        attributes = dict(attrs)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._problem(f"event handler {name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES and _scheme_of(value).startswith(BAD_SCHEMES):
                self._problem(f"{name}={value!r} on <{tag}>")
            if name == "srcset" and any(
                _scheme_of(candidate).startswith(BAD_SCHEMES) for candidate in value.split(",")
            ):
                self._problem(f"srcset={value!r} on <{tag}>")
            if name == "srcdoc":
                self._problem(f"srcdoc on <{tag}>")
            if name == "style":
                if not self.allow_style:
                    self._problem(f"style attribute on <{tag}>: {value!r}")
                elif _CSS_DANGER.search(value.lower()):
                    self._problem(f"dangerous CSS on <{tag}>: {value!r}")
        if tag == "iframe" and not is_allowed_frame(attributes.get("src") or ""):
            self._problem(f"<iframe src={attributes.get('src')!r}> outside the embed allow-list")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self._problem("<meta http-equiv=refresh>")
        if tag == "link" and _scheme_of(attributes.get("href") or "").startswith(BAD_SCHEMES):
            self._problem(f"<link href={attributes.get('href')!r}>")


def script_problems(html: str, *, allow_style: bool = False) -> list[str]:
    """Everything in `html` that could run script; `allow_style` for email HTML."""
    checker = _Checker(allow_style=allow_style)
    checker.feed(html)
    checker.close()
    if checker._in:
        checker._problem(f"unclosed <{checker._in[0]}> element")
    return checker.problems


def assert_no_script(html: str, *, allow_style: bool = False, where: str = "page") -> None:
    problems = script_problems(html, allow_style=allow_style)
    assert not problems, f"executable content in {where}:\n" + "\n".join(problems)
