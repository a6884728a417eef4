"""One definition of the statuses readers' rules rest on: PUBLIC_STATUSES, in
articles/publication.py (imported by articles.models, where most code takes it from).

Code that means "published or scheduled" says so through that constant or the queryset
methods built on it (`released()`, `published()`, `scheduled()`); a pair of its own, in any
spelling, is a second definition that can drift. This test reads the source to find them.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = {"published", "scheduled"}
SKIPPED_FOLDERS = {".venv", "tests", "migrations", "node_modules"}


def _status_name(node) -> str | None:
    """ "published" for the literal "published" or for any `….Status.PUBLISHED`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and node.attr.isupper():
        return node.attr.lower()
    return None


def files_defining_the_pair():
    found = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        # Hidden folders too: bench/.data-trees holds other commits' checkouts.
        if SKIPPED_FOLDERS & set(relative.parts) or any(p.startswith(".") for p in relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.List | ast.Tuple | ast.Set):
                if PUBLIC <= {_status_name(element) for element in node.elts}:
                    found.add(relative.as_posix())
    return found


def test_only_the_models_define_which_statuses_are_public():
    assert files_defining_the_pair() == {"articles/publication.py"}
