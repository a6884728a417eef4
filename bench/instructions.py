"""`make bench-instructions`: what one uncached page render costs, in CPU instructions.

Seconds move with whatever else the machine is doing; instructions counted by valgrind's
callgrind do not. So "is this commit slower than that one?" is answered here, on a shared or
busy machine too: each tree renders its story, section and home pages in a fresh interpreter
under callgrind, twice each to warm up and then RENDERS more times (page cache off, shared
blocks on, as for a page that misses the cache in production), and a run without the extra
renders is subtracted. Each tree uses its own bench data (bench/.data, 10,000 stories on
SQLite, made by `make bench-pages` or here when missing).

    python bench/instructions.py                  # this tree
    python bench/instructions.py --against HEAD~1 # this tree and that commit, side by side

The other commit is checked out as a git worktree under bench/.data-trees/. Slow: a minute or
two per run under callgrind, eight runs for two trees.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ROOT / "bench" / ".data-trees"
PAGES = ("story", "section", "home")

# Runs inside the measured tree (its own code and data), so it uses only what every version
# of bench/ has had: run.server_environment() and stages.prepare().
CHILD = r"""
import os, sys
sys.path.insert(0, os.getcwd())
from bench import run
os.environ.update(run.server_environment(), DEMO="true")
import django
django.setup()
from django.test import Client, override_settings
from articles.models import Article, Section

if sys.argv[1] == "prepare":
    from django.db import connection
    from bench import stages
    tables = connection.introspection.table_names()
    if "articles_article" not in tables or not Article.objects.filter(slug__startswith="bench-"):
        stages.prepare(run.DATA, run.STORIES)
    sys.exit(0)
with_cards = Article.objects.filter(body__contains='data-block="story"').values("pk")
story = (
    Article.objects.published().filter(pk__in=with_cards, lead_photo__isnull=False)
    .exclude(slug__startswith="bench-").order_by("-publish_at", "-pk").first()
)
pages = {
    "story": story.get_absolute_url(),
    "section": Section.objects.navigation()[0].get_absolute_url(),
    "home": "/",
}
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
page, count = sys.argv[1], int(sys.argv[2])
with override_settings(PAGE_CACHE_ENABLED=False):
    for url in pages.values():
        for _ in range(2):
            assert client.get(url).status_code == 200, url
    for _ in range(count):
        assert client.get(pages[page]).status_code == 200
"""


def _tree(revision: str) -> Path:
    sha = subprocess.check_output(["git", "rev-parse", revision], cwd=ROOT, text=True).strip()
    path = TREES / sha[:12]
    if not path.exists():
        TREES.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(path), sha], cwd=ROOT, check=True)
    return path


def _child(tree: Path, *args: str, callgrind: bool = False) -> int | None:
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "BENCH_DATA": str(tree / "bench" / ".data"),
        # Under callgrind a render takes ~50 times as long: with the usual 5 s bound the
        # shared blocks and data would expire and be built again in the middle of the run,
        # which a render at full speed does once in hundreds.
        "PAGE_CACHE_STALE_SECONDS": "3600",
    }
    command = [sys.executable, "-c", CHILD, *args]
    if not callgrind:
        subprocess.run(command, cwd=tree, env=env, check=True)
        return None
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def measure(tree: Path, renders: int) -> dict[str, float]:
    """Millions of instructions per uncached render of each page in `tree`."""
    _child(tree, "prepare")
    _child(tree, "story", "0", callgrind=True)  # writes the byte-code caches first
    base = _child(tree, "story", "0", callgrind=True)
    return {
        page: (_child(tree, page, str(renders), callgrind=True) - base) / renders / 1e6
        for page in PAGES
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", help="a commit to compare this tree with")
    parser.add_argument("--renders", type=int, default=10)
    options = parser.parse_args()
    trees = {"this tree": ROOT}
    if options.against:
        trees = {options.against: _tree(options.against), **trees}
    figures = {name: measure(tree, options.renders) for name, tree in trees.items()}
    print("\nMillions of instructions per uncached render (callgrind)")
    print(f"{'page':10}" + "".join(f"{name:>16}" for name in figures))
    for page in PAGES:
        row = "".join(f"{figures[name][page]:16.1f}" for name in figures)
        if options.against:
            before, after = figures[options.against][page], figures["this tree"][page]
            row += f"{(after / before - 1) * 100:+10.1f}%"
        print(f"{page:10}{row}")


if __name__ == "__main__":
    main()
