"""axe-core and the Nu Html Checker, from npm (tests/browser/package.json), for browser tests.

`make test` installs them (`make browser-deps`: npm ci); when they are missing here, the
first test that needs them runs `npm ci` itself, or skips with the reason when npm is absent.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).resolve().parent
NODE_MODULES = BROWSER_DIR / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The one Nu message we accept: it warns that a frame allowed both scripts and its own origin
# could lift its sandbox, which holds for same-origin frames only. Ours are always
# cross-origin players (articles.embeds allow-list), which need both to play, and the
# sandbox still keeps them from navigating our page, submitting forms or downloading.
ACCEPTED_VNU_MESSAGES = ("Setting both “allow-scripts” and “allow-same-origin” is not recommended",)

RUN_AXE = """async ([tags, within]) => {
  const result = await axe.run(within ? {include: [within]} : document, {
    runOnly: {type: "tag", values: tags},
    iframes: false,  // outside frames are blocked in tests; their owners answer for them
  });
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(" ") + " :: " + node.failureSummary),
  }));
}"""


def ensure_tools():
    if AXE_JS.exists() and VNU_JAR.exists():
        return
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed (make browser-deps installs it with axe-core and vnu)")
    # --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime.
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=BROWSER_DIR,
        check=True,
        timeout=600,
    )


def axe_violations(page, within=None):
    """WCAG 2.1 A/AA violations axe-core finds in the page as it is now (or only in the
    part of it that the CSS selector `within` picks)."""
    ensure_tools()
    page.evaluate(AXE_JS.read_text())
    return page.evaluate(RUN_AXE, [WCAG_TAGS, within])


def vnu_errors(paths):
    """{file name: [error messages]} from the Nu Html Checker, one Java run for all files."""
    ensure_tools()
    if shutil.which("java") is None:
        pytest.skip("java is not installed (make browser-deps installs a runtime)")
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors = {}
    for message in report["messages"]:
        if any(accepted in message["message"] for accepted in ACCEPTED_VNU_MESSAGES):
            continue
        name = Path(message.get("url", "")).name
        line = message.get("lastLine", "?")
        errors.setdefault(name, []).append(f"line {line}: {message['message']}")
    return errors
