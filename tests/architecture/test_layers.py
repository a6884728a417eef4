"""Each app imports only apps below it (docs/architecture.md, "The house, in layers").

Why a test of our own over `ast` rather than import-linter's layers contract: import-linter
follows import statements only, and half of the ways one Django app leans on another are
strings: `ForeignKey("newsletters.Issue")`, `apps.get_model("articles", "Article")`,
`include("live.urls")`, a dotted path handed to `import_string()`, a permission
`"articles.publish_article"`, `ContentType.objects.get(app_label="comments")`. The walk below
reads every production module once and reports each of them with its file and line, which
import-linter cannot, and it needs no dependency.

What counts as a reference from a module in app A to app B:

- `import B`, `import B.x`, `from B import x`, `from B.x import y`, at the top of the module or
  inside a function, a method or an `if` (a late import is still a dependency);
- a string constant that is a dotted name starting with B: `"B.Model"`,
  `"B.model"`, `"B.views.thing"`, `"B.apps.BConfig"`; a string with a space, a slash or a
  file extension at its end (`"live.html"`) is text, not a name;
- `apps.get_model("B", "Model")`, `apps.get_app_config("B")`, `apps.is_installed("B")` and any
  keyword argument named like `app_label` / `content_type__app_label` whose value is "B".

A reference is allowed when B is A itself or in a layer below A's. Apps in one layer do not
reference each other either: they are reader features that stand side by side on stories,
and a page that needs two of them belongs with the higher one or above them (DESIGN.md).

Not checked, on purpose:

- `migrations/`: a migration is the history of a model's state and names models where they
  lived when it was written (a model moved to another app keeps its old label in every
  migration before the move, and the move itself needs both apps). The current graph of
  foreign keys is checked through `models.py`, which the migrations follow.
- tests, `bench/` and `conftest.py`: they drive the whole site from outside.
- templates: they may use any app's template tags (DESIGN.md); URL names in `reverse()`
  (namespaces, not app labels) fail loudly on their own when an app is missing.
- names built at run time: an f-string, a join, or a bare app label passed to a helper
  (`roles.crud("newsletters", "issuestory")` in newsletters/apps.py), and reverse relations
  (`subscriber.deliveries`). Review catches those; the test catches what can be read.

An app listed below that does not exist (yet) is fine; an app that exists and is not listed
fails `test_every_app_has_a_layer`, so a new app must be placed.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Bottom to top. Apps in one layer may not import each other.
LAYERS = [
    {"core"},  # helpers every app uses: client IP, rate limits, the audit log, the admin site
    {"pagecache", "staffauth"},  # the page cache; the staff's second factor and sessions
    {"photos"},
    {"articles"},
    {"editorial"},
    {"live", "comments", "popularity", "pages"},
    {"subscriptions"},
    {"newsletters"},
    {"demo"},
    {"newsroom"},  # the project: settings, URLs, WSGI and ASGI, above them all
]
LAYER_OF = {app: index for index, layer in enumerate(LAYERS) for app in layer}

# Directories of the repository that hold Python and are not apps of the layers.
NOT_APPS = {"tests", "bench", "deploy", "docs", "static", "templates"}
SKIPPED_DIRS = {"migrations", "tests", "__pycache__"}

# A string that names an app's module, model, permission or class: "articles.Article",
# "newsletters.tasks.send_issue". Not text ("see live. Then"), paths or file names.
DOTTED = re.compile(r"^[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
FILE_SUFFIXES = {
    "html", "txt", "xml", "json", "css", "js", "mjs", "png", "jpg", "jpeg", "webp", "gif",
    "svg", "csv", "py", "md", "mp3", "ics", "pdf", "woff2",
}  # fmt: skip
LABEL_CALLS = {"get_model", "get_app_config", "is_installed", "get_by_natural_key"}


@dataclass(frozen=True)
class Reference:
    path: str
    line: int
    target: str
    how: str

    def __str__(self):
        return f"{self.path}:{self.line} {self.how}"


def _app_of_dotted(value: str, apps) -> str | None:
    if not DOTTED.match(value):
        return None
    head, _, rest = value.partition(".")
    if head not in apps or rest.rsplit(".", 1)[-1] in FILE_SUFFIXES:
        return None
    return head


def references(source: str, path: str, apps) -> list[Reference]:
    """Every reference in `source` to one of `apps` (a set of app names), by import or string."""
    tree = ast.parse(source, filename=path)
    found = []

    def add(node, target, how):
        if target in apps:
            found.append(Reference(path, node.lineno, target, how))

    # Docstrings are prose; a module's, class's or function's first string is skipped.
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(node, alias.name.split(".")[0], f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                add(node, node.module.split(".")[0], f"from {node.module} import ...")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            first = node.args[0] if node.args else None
            if (
                name in LABEL_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                add(node, first.value, f"{name}({first.value!r}, ...)")
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg
                    and keyword.arg.endswith("app_label")
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    add(node, value.value, f"{keyword.arg}={value.value!r}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            app = _app_of_dotted(node.value, apps)
            if app:
                add(node, app, f"string {node.value!r}")
    return found


def violations(refs: list[Reference], app: str) -> list[Reference]:
    """The references of `app`'s modules that point at its own layer or one above it."""
    own = LAYER_OF[app]
    return [ref for ref in refs if ref.target != app and LAYER_OF.get(ref.target, -1) >= own]


def existing_apps() -> list[str]:
    """Top-level packages of the repository that are apps or the project package."""
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and path.name not in NOT_APPS
        and not path.name.startswith(".")
        and (path / "__init__.py").exists()
    )


def production_modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS.isdisjoint(relative.parts[:-1]) and not path.name.startswith("test"):
            yield relative


def all_violations() -> list[Reference]:
    found = []
    for app in existing_apps():
        for relative in production_modules(app):
            refs = references((ROOT / relative).read_text(), str(relative), LAYER_OF.keys())
            found += violations(refs, app)
    return found


def test_every_app_has_a_layer():
    unplaced = [app for app in existing_apps() if app not in LAYER_OF]
    assert not unplaced, (
        f"Place these apps in LAYERS (tests/architecture/test_layers.py): {unplaced}"
    )


def _report(found):
    return "An app references its own layer or one above it:\n" + "\n".join(
        f"  {ref}  (layer {LAYER_OF[ref.path.split('/')[0]]} -> {ref.target}, layer "
        f"{LAYER_OF[ref.target]})"
        for ref in found
    )


def test_apps_import_only_apps_below_them():
    found = all_violations()
    assert not found, _report(found)


# The checker itself, on sources written here: each way of referring to a higher app is seen.

SYNTHETIC = '''
"""A module that mentions newsletters.services in its docstring, which is fine."""
import newsletters
import newsletters.tasks as tasks
from newsletters.services import send_issue
from live import feed
from core.clientip import client_ip
from . import helpers

def later():
    from newsletters.models import Issue
    return Issue

class Article(models.Model):
    """Docstring naming "newsletters.Issue" as prose."""
    issue = models.ForeignKey("newsletters.Issue", on_delete=models.CASCADE)
    updates = models.ManyToManyField(to="live.LiveUpdate")
    owner = models.OneToOneField("auth.User", on_delete=models.CASCADE)
    notes = GenericRelation("comments.Comment")
    section = models.ForeignKey("articles.Section", on_delete=models.CASCADE)

def by_label(apps, user):
    apps.get_model("newsletters", "Issue")
    apps.get_model("pages.StaticPage")
    apps.get_app_config("demo")
    ContentType.objects.filter(app_label="newsletters")
    Permission.objects.filter(content_type__app_label="popularity")
    user.has_perm("subscriptions.view_subscriber")
    import_string("newsletters.tasks.send_issue_task")
    render(request, "newsletters/issue.html")
    template = "live.html"
    message = "newsletters. Then"
    category = "comments"
    return [f"newsletters.{name}" for name in ("Issue",)]
'''


def test_the_checker_sees_every_kind_of_reference():
    refs = references(SYNTHETIC, "articles/models.py", LAYER_OF.keys())
    found = {(ref.line, ref.how) for ref in violations(refs, "articles")}
    assert found == {
        (3, "import newsletters"),
        (4, "import newsletters.tasks"),
        (5, "from newsletters.services import ..."),
        (6, "from live import ..."),
        (11, "from newsletters.models import ..."),
        (16, "string 'newsletters.Issue'"),
        (17, "string 'live.LiveUpdate'"),
        (19, "string 'comments.Comment'"),
        (23, "get_model('newsletters', ...)"),
        (24, "string 'pages.StaticPage'"),
        (25, "get_app_config('demo', ...)"),
        (26, "app_label='newsletters'"),
        (27, "content_type__app_label='popularity'"),
        (28, "string 'subscriptions.view_subscriber'"),
        (29, "string 'newsletters.tasks.send_issue_task'"),
    }
    # The same module in the top app: everything it names is below it or its own.
    assert violations(references(SYNTHETIC, "demo/models.py", LAYER_OF.keys()), "demo") == []


def test_apps_in_one_layer_may_not_import_each_other():
    refs = references("from comments.models import Comment\n", "live/feed.py", LAYER_OF.keys())
    assert [ref.target for ref in violations(refs, "live")] == ["comments"]
    refs = references("from articles.models import Article\n", "live/feed.py", LAYER_OF.keys())
    assert violations(refs, "live") == []


def test_a_reported_violation_fails_the_contract(monkeypatch, tmp_path):
    """The contract test itself fails when a lower app imports a higher one."""
    app = tmp_path / "core"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "helpers.py").write_text("def f():\n    from newsletters import services\n")
    migrations = app / "migrations"
    migrations.mkdir()
    (migrations / "0001_initial.py").write_text("X = 'newsletters.Issue'\n")
    monkeypatch.setattr(__name__ + ".ROOT", tmp_path)
    with pytest.raises(AssertionError, match=r"core/helpers.py:2 from newsletters"):
        test_apps_import_only_apps_below_them()
    (app / "helpers.py").write_text("from pagecache import state\n")
    with pytest.raises(AssertionError, match="core/helpers.py:1"):
        test_apps_import_only_apps_below_them()
    (app / "helpers.py").write_text("import logging\n")
    test_apps_import_only_apps_below_them()
