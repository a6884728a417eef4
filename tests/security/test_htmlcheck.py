"""The checker the XSS tests rely on must catch each kind of executable content."""

import pytest

from tests.security.htmlcheck import script_problems

CLEAN = """<!doctype html><html><head>
<script src="/static/js/subscriptions.js" defer></script>
<script type="application/ld+json">{"headline": "\\u003Cscript\\u003E"}</script>
<script type="importmap">{"imports": {"editor": "/static/editor.js"}}</script>
<link rel="stylesheet" href="/static/css/site.css"></head><body>
<p>&lt;script&gt;alert(1)&lt;/script&gt; and " onerror=alert(1) as text</p>
<a href="https://example.org/report">report</a><a href="/story/x/">x</a>
<a href="mailto:a@example.org">m</a>
<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>
<img src="/media/photos/a.jpg" srcset="/media/a-320.jpg 320w, /media/a-640.jpg 640w" alt="">
</body></html>"""


def test_clean_page_passes():
    assert script_problems(CLEAN) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script src="https://attacker.example/x.js"></script>',
        '<script src="/static/js/not-ours.js"></script>',
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>',
        '<script type="application/json">{"a": "x</script>',
        '<script type="text/javascript">alert(1)</script>',
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" java&#09;script:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<form action="javascript:alert(1)"></form>',
        '<button formaction="javascript:alert(1)">x</button>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<img srcset="data:image/svg+xml,x 1x">',
        '<iframe src="https://attacker.example/"></iframe>',
        '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
        '<object data="x"></object>',
        '<embed src="x">',
        '<base href="https://attacker.example/">',
        '<meta http-equiv="refresh" content="0;url=https://attacker.example/">',
        '<div style="color:red">x</div>',
        "<style>p{}</style>",
        '<link rel="stylesheet" href="javascript:alert(1)">',
    ],
)
def test_each_rule_fires(snippet):
    assert script_problems(CLEAN.replace("</body>", snippet + "</body>")) != []


def test_email_mode_allows_plain_css_but_not_script_css():
    assert script_problems('<td style="color: #111">x</td>', allow_style=True) == []
    assert script_problems("<style>@media (max-width: 600px) {p{}}</style>", allow_style=True) == []
    assert script_problems('<td style="width: expression(alert(1))">', allow_style=True)
    css_import = "<style>@import url(//attacker.example/x.css);</style>"
    assert script_problems(css_import, allow_style=True)
