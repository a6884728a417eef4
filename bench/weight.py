"""What a reader downloads for one story page, and what Lighthouse makes of it."""

import gzip
import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
LIGHTHOUSE_BIN = BENCH_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def _get(url):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def page_weight(base_url, story_path, data):
    """Bytes of the story HTML and of every stylesheet and script it loads (raw and gzip)."""
    html = _get(f"{base_url}{story_path}")
    text = html.decode()
    styles = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    styles += re.findall(r'<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"', text)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', text)
    weight = {"html": (len(html), len(gzip.compress(html))), "css": [0, 0], "js": [0, 0]}
    files = []
    for kind, urls in (("css", styles), ("js", scripts)):
        for url in dict.fromkeys(urls):
            body = _get(url if url.startswith("http") else f"{base_url}{url}")
            weight[kind][0] += len(body)
            weight[kind][1] += len(gzip.compress(body))
            files.append((kind, url, len(body)))
    print("\n== Page weight of the story page (bytes: raw / gzip) ==")
    print(f"HTML {weight['html'][0]:>8} / {weight['html'][1]:>7}  {story_path}")
    for kind, url, size in files:
        print(f"{kind.upper():4} {size:>8}            {url}")
    print(f"CSS  {weight['css'][0]:>8} / {weight['css'][1]:>7}  in all")
    print(f"JS   {weight['js'][0]:>8} / {weight['js'][1]:>7}  in all")
    return {kind: list(sizes) for kind, sizes in weight.items()} | {"files": files}


def lighthouse(url, data):
    """Lighthouse 12 (npm, installed in bench/) on the page, with Debian's Chromium."""
    print(f"\n== Lighthouse on {url} ==")
    if not LIGHTHOUSE_BIN.exists():
        print("Lighthouse is not installed: run `npm ci --prefix bench` (make bench does).")
        return None
    output = data / "lighthouse.json"
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # This machine's network is closed: Chromium's own background traffic only adds noise.
    flags = (
        "--headless --no-sandbox --disable-gpu --disable-background-networking "
        "--disable-component-update --disable-sync --no-first-run"
    )
    # Lighthouse now and then loses the trace of a load (NO_NAVSTART) and asks to be run
    # again: up to three attempts, each printed.
    for attempt in range(1, 4):
        output.unlink(missing_ok=True)
        completed = subprocess.run(
            [
                str(LIGHTHOUSE_BIN),
                url,
                "--output=json",
                f"--output-path={output}",
                "--quiet",
                f"--chrome-flags={flags}",
                f"--only-categories={','.join(CATEGORIES)}",
                '--extra-headers={"X-Forwarded-Proto": "https"}',
            ],  # fmt: skip
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if completed.returncode == 0 and output.exists():
            break
        print(f"attempt {attempt}:", completed.stdout[-2000:], completed.stderr[-2000:])
    else:
        return None
    report = json.loads(output.read_text())
    scores = {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    print("  ".join(f"{name} {score}" for name, score in scores.items()))
    failing = [
        (audit["id"], audit.get("score"), audit.get("displayValue", ""))
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
    ]
    for audit_id, score, value in failing:
        print(f"  below 0.9: {audit_id} ({score}) {value}")
    metrics = {
        key: report["audits"][key].get("displayValue")
        for key in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
        )  # fmt: skip
        if key in report["audits"]
    }
    print("  " + ", ".join(f"{key}: {value}" for key, value in metrics.items()))
    return {"scores": scores, "metrics": metrics, "below_0_9": failing}
