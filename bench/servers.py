"""The servers the benchmark drives: gunicorn (as in production) and nginx (the shipped
deploy/nginx.conf, plus a bare static-file server for the machine's limit)."""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def wait_for(url, *, timeout=30, headers=None):
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.2)


class Gunicorn:
    """`gunicorn newsroom.wsgi` with sync workers, in its own process group."""

    def __init__(self, port, env, *, workers=2, log_path):
        self.port = port
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{self.port}/healthz")
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_rss_kb(self):
        """Resident memory of each worker, in KiB (from /proc)."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1])
        return sizes


def shipped_site_config(*, listen_port, app_port, static_root, media_root, cache_dir):
    """deploy/nginx.conf with only its paths and ports replaced; fails loudly if the file
    changed so much that a replacement no longer applies (bench and config stay in step)."""
    text = NGINX_CONF.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "/srv/newsroom/staticfiles/": f"{static_root}/",
        "/srv/newsroom/media/renditions/": f"{media_root}/renditions/",
        "/srv/newsroom/media/": f"{media_root}/",
        "/var/cache/nginx/newsroom": str(cache_dir),
        # The bench's nginx stands in for the TLS-terminating load balancer as well.
        "    default $scheme;": "    default https;",
    }
    for old, new in replacements.items():
        if old not in text:
            raise RuntimeError(f"deploy/nginx.conf no longer contains {old!r}")
        text = text.replace(old, new)
    return text


class Nginx:
    """nginx in the foreground with a private prefix: the shipped site on one port and a
    plain static-file server on another (the machine's own limit for one HTML file)."""

    def __init__(self, work_dir, *, site_port, static_port, static_dir, app_port, static_root,
                 media_root):  # fmt: skip
        self.work_dir = Path(work_dir)
        self.site_port = site_port
        self.static_port = static_port
        self.static_dir = static_dir
        self.app_port = app_port
        self.static_root = static_root
        self.media_root = media_root
        self.process = None

    def write_config(self):
        if self.work_dir.exists():
            shutil.rmtree(self.work_dir)
        (self.work_dir / "logs").mkdir(parents=True)
        cache_dir = self.work_dir / "cache"
        site = shipped_site_config(
            listen_port=self.site_port,
            app_port=self.app_port,
            static_root=self.static_root,
            media_root=self.media_root,
            cache_dir=cache_dir,
        )
        (self.work_dir / "site.conf").write_text(site)
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (self.work_dir / "nginx.conf").write_text(
            f"""{user}worker_processes auto;
pid {self.work_dir}/nginx.pid;
error_log {self.work_dir}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    access_log off;
    client_body_temp_path {self.work_dir}/client_body;
    proxy_temp_path {self.work_dir}/proxy;
    fastcgi_temp_path {self.work_dir}/fastcgi;
    uwsgi_temp_path {self.work_dir}/uwsgi;
    scgi_temp_path {self.work_dir}/scgi;
    include {self.work_dir}/site.conf;
    server {{
        listen 127.0.0.1:{self.static_port};
        root {self.static_dir};
    }}
}}
"""
        )

    def __enter__(self):
        self.write_config()
        self.process = subprocess.Popen(
            [
                "nginx",
                "-p",
                str(self.work_dir),
                "-c",
                str(self.work_dir / "nginx.conf"),
                "-g",
                "daemon off;",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=open(self.work_dir / "logs" / "stderr.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{self.static_port}/story.html")
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
