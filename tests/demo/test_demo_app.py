"""The demo is an app of its own, installed by DEMO=true and imported by nothing else."""

import ast
import os
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR
# Where importing the demo is its purpose: the app itself, its tests, and the benchmark,
# which loads the demo to have something to measure.
MAY_IMPORT_DEMO = {"demo", "tests", "bench"}
SKIPPED_FOLDERS = {".venv", "node_modules", "migrations"}


def _imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
        elif (
            # importlib.import_module("demo…") / __import__("demo…")
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.args[0].value


def test_no_production_module_imports_the_demo():
    importers = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in MAY_IMPORT_DEMO or SKIPPED_FOLDERS & set(relative.parts):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        if any(name.split(".")[0] == "demo" for name in _imported_modules(tree)):
            importers.append(relative.as_posix())
    assert importers == []


def _commands_with(**environment) -> str:
    """The management commands a fresh process started with these variables offers."""
    code = (
        "import django; django.setup(); from django.core.management import get_commands; "
        "print(' '.join(sorted(get_commands())))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.split()


def test_demo_true_installs_the_commands_with_debug_off_and_nothing_else_does():
    demo_commands = {"load_demo", "load_demo_pages", "load_demo_reach", "ensure_demo_staff"}

    assert demo_commands <= set(_commands_with(DEMO="true", DEBUG="false"))
    assert demo_commands & set(_commands_with(DEMO="false", DEBUG="false")) == set()


def test_make_run_sets_demo():
    makefile = (ROOT / "Makefile").read_text()
    assert "DEV_ENV := DEBUG=true DEMO=true\n" in makefile
