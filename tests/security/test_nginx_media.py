"""Uploaded files from deploy/nginx.conf: never sniffed into HTML, never run as our pages.

An upload is only as safe as the answer it is served with: a "photo" that is really HTML or
SVG with a script, opened at its /media/ address, would otherwise run with the site's origin.
nginx runs here with the shipped file (only paths and ports replaced, as the benchmark does).
"""

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from bench.servers import NGINX_CONF, shipped_site_config
from tests.smtp import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def media_headers_ok(headers):
    policy = headers.get("Content-Security-Policy", "")
    directives = {part.strip().split(" ")[0] for part in policy.split(";") if part.strip()}
    return (
        headers.get("X-Content-Type-Options") == "nosniff"
        and "sandbox" in directives
        and "default-src 'none'" in policy
        and "script-src" not in directives
    )


def media_locations(text):
    """Each `location` block whose prefix is under /media/, with its own directives."""
    blocks = {}
    for match in re.finditer(r"location\s+(/media/\S*)\s*\{(.*?)\n    \}", text, flags=re.S):
        blocks[match.group(1)] = match.group(2)
    return blocks


def test_every_media_location_sets_both_headers_itself():
    """nginx's add_header is inherited only by a block that has no add_header of its own, so
    each /media/ location must carry the headers (the renditions one adds Cache-Control)."""
    blocks = media_locations(NGINX_CONF.read_text())
    assert set(blocks) == {"/media/", "/media/renditions/"}
    for prefix, block in blocks.items():
        assert re.search(r"add_header\s+X-Content-Type-Options\s+nosniff\s+always;", block), prefix
        policy = re.search(r"add_header\s+Content-Security-Policy\s+\"([^\"]+)\"\s+always;", block)
        assert policy, prefix
        assert media_headers_ok({"X-Content-Type-Options": "nosniff",
                                 "Content-Security-Policy": policy.group(1)}), prefix  # fmt: skip


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (make nginx installs it)")
    work = tmp_path_factory.mktemp("nginx")
    media = work / "media"
    (media / "renditions" / "ab").mkdir(parents=True)
    (media / "photos").mkdir()
    (media / "audio").mkdir()
    # An "image" that is really a page with a script, and plain uploads beside it.
    (media / "photos" / "portrait.jpg").write_bytes(
        b"<html><script>alert(document.cookie)</script>"
    )
    (media / "photos" / "drawing.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (media / "audio" / "story.mp3").write_bytes(b"ID3" + b"\0" * 64)
    (media / "renditions" / "ab" / "portrait-640.webp").write_bytes(b"RIFF\0\0\0\0WEBP")
    static = work / "static"
    static.mkdir()
    (static / "site.css").write_text("body { color: black }")
    port = free_port()
    site = shipped_site_config(
        listen_port=port,
        app_port=free_port(),  # never reached: media and static files come from disk
        static_root=static,
        media_root=media,
        cache_dir=work / "cache",
    )
    (work / "logs").mkdir()
    (work / "site.conf").write_text(site)
    (work / "nginx.conf").write_text(
        f"""pid {work}/nginx.pid;
error_log {work}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/site.conf;
}}
"""
    )
    command = [NGINX, "-p", str(work), "-c", str(work / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off; master_process off;"])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{base}/static/site.css", timeout=2).close()
            break
        except OSError:
            assert process.poll() is None, (work / "logs" / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not answer"
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=20)


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.mark.parametrize(
    "path",
    [
        "/media/photos/portrait.jpg",
        "/media/photos/drawing.svg",
        "/media/audio/story.mp3",
        "/media/renditions/ab/portrait-640.webp",
    ],
)
def test_served_media_files_are_sandboxed_and_never_sniffed(nginx, path):
    status, headers = fetch(nginx + path)
    assert status == 200
    assert media_headers_ok(headers), dict(headers)


def test_renditions_keep_their_year_of_caching(nginx):
    _, headers = fetch(nginx + "/media/renditions/ab/portrait-640.webp")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_missing_media_file_is_sandboxed_too(nginx):
    status, headers = fetch(nginx + "/media/photos/missing.html")
    assert status == 404
    assert media_headers_ok(headers), dict(headers)


def test_static_files_are_not_sandboxed(nginx):
    """Our own CSS and scripts are not uploads: the policy is for /media/ only."""
    status, headers = fetch(nginx + "/static/site.css")
    assert status == 200
    assert "sandbox" not in headers.get("Content-Security-Policy", "")
