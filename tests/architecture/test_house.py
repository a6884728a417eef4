"""The house rules that are counted, not read (docs/architecture.md):

- production code lives in apps; the project package `newsroom/` holds only settings, URLs
  and the WSGI and ASGI entry points (its `__init__.py` too, empty);
- no production module is over 500 lines;
- no app holds more than a quarter of the lines of the apps' production code.

Production code: .py files of the apps, outside migrations/ and tests; bench/ (the
benchmarks) and tests/ are tools that drive the site from outside.
"""

from pathlib import Path

import pytest

from .test_layers import NOT_APPS, ROOT, existing_apps, production_modules

MAX_MODULE_LINES = 500
MAX_APP_SHARE = 0.25
PROJECT_MODULES = {"__init__.py", "settings.py", "urls.py", "wsgi.py", "asgi.py"}
# Python files at the top of the repository that are tools, not production code.
TOP_LEVEL_TOOLS = {"manage.py", "conftest.py"}


def lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def apps_only():
    return [app for app in existing_apps() if app != "newsroom"]


def test_no_production_code_outside_apps():
    project = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "newsroom").rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(ROOT / "newsroom").as_posix() not in PROJECT_MODULES
    )
    assert not project, f"Move these into the app that owns them, or core: {project}"
    loose = sorted(path.name for path in ROOT.glob("*.py") if path.name not in TOP_LEVEL_TOOLS)
    assert not loose, f"Python files at the repository's top, outside any app: {loose}"
    strays = sorted(
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and path.name not in NOT_APPS
        and not (path / "__init__.py").exists()
        and any(path.rglob("*.py"))
    )
    assert not strays, f"Folders of Python that are no package (app): {strays}"


def module_sizes():
    return {
        str(relative): lines(ROOT / relative)
        for app in existing_apps()
        for relative in production_modules(app)
    }


def test_no_module_over_500_lines():
    too_long = {path: count for path, count in module_sizes().items() if count > MAX_MODULE_LINES}
    assert not too_long, f"Split these by concept (at most {MAX_MODULE_LINES}): {too_long}"


def app_shares():
    per_app = {
        app: sum(lines(ROOT / relative) for relative in production_modules(app))
        for app in apps_only()
    }
    total = sum(per_app.values())
    return {app: count / total for app, count in per_app.items()}


def test_no_app_over_a_quarter_of_the_code():
    shares = app_shares()
    big = {app: f"{share:.0%}" for app, share in shares.items() if share > MAX_APP_SHARE}
    assert not big, f"Cut these apps by concept (at most a quarter each): {big}"


def test_the_counts_see_a_long_module_and_a_stray_file(monkeypatch, tmp_path):
    """The rules fail on a tree that breaks them."""
    from . import test_layers

    for name in ("core", "newsroom", "pages"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "newsroom" / "settings.py").write_text("DEBUG = False\n")
    (tmp_path / "core" / "long.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1))
    (tmp_path / "pages" / "short.py").write_text("x = 1\n")
    migrations = tmp_path / "pages" / "migrations"
    migrations.mkdir()
    (migrations / "0001_initial.py").write_text("x = 1\n" * 5000)
    for module in (test_layers, __import__(__name__, fromlist=["ROOT"])):
        monkeypatch.setattr(module, "ROOT", tmp_path)

    assert module_sizes() == {
        "core/__init__.py": 0,
        "core/long.py": 501,
        "newsroom/__init__.py": 0,
        "newsroom/settings.py": 1,
        "pages/__init__.py": 0,
        "pages/short.py": 1,
    }
    with pytest.raises(AssertionError, match="core/long.py"):
        test_no_module_over_500_lines()
    with pytest.raises(AssertionError, match="core"):
        test_no_app_over_a_quarter_of_the_code()
    test_no_production_code_outside_apps()
    (tmp_path / "newsroom" / "middleware.py").write_text("")
    with pytest.raises(AssertionError, match="newsroom/middleware.py"):
        test_no_production_code_outside_apps()
