"""pagecache sits below every other app of the project: it imports none of them, so an app
that shows rows on pages says so itself (pagecache.shown_on_pages in its ready())."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

import pagecache

PACKAGE = Path(pagecache.__file__).parent


def imported_modules(path):
    """Every module `path` imports, at any depth of its code (function-level imports too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def _ours(path: Path, root: Path) -> bool:
    """Code of this checkout, not of an installed package (the venv may live inside it)."""
    if not path.is_relative_to(root):
        return False
    parts = path.relative_to(root).parts
    return "site-packages" not in parts and not any(part.startswith(".") for part in parts)


def project_apps():
    """The project's own apps (those whose code lives in this checkout), pagecache aside."""
    root = Path(settings.BASE_DIR).resolve()
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if _ours(Path(config.path).resolve(), root) and config.name != "pagecache"
    } | {"newsroom"}


def test_pagecache_imports_no_other_app_of_the_project():
    others = project_apps()
    assert {"articles", "pages", "popularity", "subscriptions"} <= others
    found = {
        f"{path.relative_to(PACKAGE.parent)}: {module}"
        for path in PACKAGE.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in others
    }
    assert found == set()


def test_nor_does_it_name_another_app_s_models():
    """String references ("articles.Article") would tie it to an app as much as an import."""
    others = project_apps()
    named = {
        f"{path.relative_to(PACKAGE.parent)}: {node.value}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.split(".")[0] in others
        and "." in node.value
        and " " not in node.value
    }
    assert named == set()
