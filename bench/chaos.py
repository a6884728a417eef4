"""`make chaos`: the site and the sender under one fault at a time (figures, not a test).

Starts its own stack on loopback, never the machine's PostgreSQL or Redis: a PostgreSQL
cluster (initdb in a temporary folder, port 55433), Redis (port 56380, no persistence), two
gunicorn servers (8311, 8312), nginx with deploy/nginx.conf rendered for both (8310), the task
worker (`manage.py db_worker`, with its lease) and an SMTP server (aiosmtpd, 8319) that can be
told to refuse or to hang. It loads the demo, then drives a steady, bounded load: readers
(each waits between requests), a signup every second, and a newsletter send in progress.

Each fault is injected alone; afterwards the load runs on until the site has recovered. Per
fault: requests, errors by status, worst latency, seconds to recover (from the fault's end to
the last failed request; 0 when nothing failed after it), and two counts:

- lost: acknowledged and later missing. A signup answered 302 whose subscriber row is not
  there, or whose confirmation email the SMTP server never accepted (unless marked
  uncertain); a delivery marked sent whose message the server never accepted; a committed
  send not finished by the end of the window. Must be 0.
- uncertain: deliveries and confirmation emails marked uncertain (in flight when a worker
  died, or the server timed out after DATA): never re-sent blindly.

Writes docs/reliability.json (commit, date, machine load) and prints a table.
docs/reliability.md explains the figures. Run: `make chaos` (or python bench/chaos.py
--faults redis,worker --outage 10 for a quick look).
"""

import argparse
import asyncio
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import Gunicorn, shipped_site_config, wait_for  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Ports: CHAOS_PG_PORT, CHAOS_REDIS_PORT and CHAOS_HTTP_PORT (nginx; the app servers take
# the next two, the SMTP server the ninth after it) move the stack off these defaults.
PG_PORT = int(os.environ.get("CHAOS_PG_PORT", 55433))
REDIS_PORT = int(os.environ.get("CHAOS_REDIS_PORT", 56380))
NGINX_PORT = int(os.environ.get("CHAOS_HTTP_PORT", 8310))
APP_PORTS, SMTP_PORT = (NGINX_PORT + 1, NGINX_PORT + 2), NGINX_PORT + 9
FAULTS = ["redis", "redis_rq", "postgres", "smtp", "worker", "disk", "lock", "app_server"]
# The task backend each fault runs with (the others: the database backend and db_worker).
RQ_FAULTS = {"redis_rq"}
EDITOR_PASSWORD = "chaos-editor-password-8271"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def as_postgres(command):
    """PostgreSQL refuses to run as root: as root, run its tools as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *map(str, command)]
    return command


# --- the SMTP server ------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler: accepts, refuses (451) or hangs after DATA, as told."""

    def __init__(self):
        self.mode = "accept"
        self.accepted = Counter()  # (subject, recipient) -> times accepted
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        mode = self.mode
        if mode == "refuse":
            return "451 4.3.0 Try again later"
        if mode == "hang":
            await asyncio.sleep(60)
            return "451 4.3.0 Too slow"
        subject = ""
        for line in envelope.content.decode("utf8", errors="replace").splitlines():
            if line.lower().startswith("subject:"):
                subject = line.split(":", 1)[1].strip()
                break
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.accepted[(subject, recipient.lower())] += 1
        await asyncio.sleep(0.02)  # a real server's pace: keeps a send in progress
        return "250 OK"


# --- the stack ------------------------------------------------------------------------------


class Stack:
    def __init__(self, work):
        self.work = Path(work)
        self.pg_home = self.work / "pg"
        self.pg_data = self.pg_home / "data"
        self.processes = {}
        self.mailbox = Mailbox()
        self.tasks = "db"
        self.redis_persist = False
        self.extra = {}
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "DEMO": "true",
            "ALLOW_INSECURE_KEY": "true",
            "SECRET_KEY": "chaos-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{NGINX_PORT}",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/newsroom",
            "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
            "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
            "EMAIL_TIMEOUT": "5",
            "DATABASE_CONNECT_TIMEOUT": "3",
            "DATABASE_STATEMENT_TIMEOUT": "5",
            "TASK_WORKER_LEASE_SECONDS": "6",
            "NEWSLETTER_BATCH_SIZE": "20",
            "NEWSLETTER_RETRY_SECONDS": "5",
            "NEWSLETTER_CLAIM_TIMEOUT": "20",
            "NEWSLETTER_WATCH_INTERVAL": "3",
            "NEWSLETTER_MAX_ATTEMPTS": "20",
            "CONFIRMATION_RETRY_SECONDS": "5",
            "CONFIRMATION_MAX_ATTEMPTS": "10",
            "MEDIA_ROOT": str(self.work / "media"),
            "STATIC_ROOT": str(self.work / "static"),
            "PAGE_CACHE_STALE_SECONDS": "5",
            # One client address signs up every second: the per-IP limit would refuse it.
            "SIGNUP_RATE_LIMIT_PER_IP": "100000/h",
            # The disk fault signs an editor in with a password alone (no second factor).
            "STAFF_2FA_REQUIRED_ROLES": "",
            "OUTBOX_RELAY_SECONDS": "3",
            "RQ_URL": f"redis://127.0.0.1:{REDIS_PORT}/2",
        }

    # PostgreSQL
    def pg_start(self):
        run(as_postgres([PG_BIN / "pg_ctl", "-D", self.pg_data, "-l", self.pg_home / "pg.log",
             "-w", "-t", "60", "-o", f"-p {PG_PORT} -k {self.pg_home} "
             "-c listen_addresses=127.0.0.1", "start"]))  # fmt: skip

    def pg_stop(self, mode="fast"):
        run(as_postgres([PG_BIN / "pg_ctl", "-D", self.pg_data, "-m", mode, "-w", "stop"]))

    def psql(self, sql):
        done = run([PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
                    "-d", "newsroom", "-tAc", sql])  # fmt: skip
        return done.stdout.strip()

    # Redis
    def redis_start(self):
        # A task queue's Redis keeps what it holds (append-only file); a cache's need not.
        persist = "yes" if self.redis_persist else "no"
        self.processes["redis"] = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", persist, "--dir", str(self.work)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)

    def redis_stop(self):
        process = self.processes.pop("redis")
        process.terminate()
        process.wait(10)

    # The task worker
    def worker_start(self, name="worker"):
        log_file = open(self.work / f"{name}.log", "ab")  # noqa: SIM115
        if self.tasks == "rq":  # worker and job class from settings.RQ (core.rqworker)
            command = ["rqworker", "default", "--with-scheduler"]
        else:
            command = ["db_worker", "--no-reload", "--interval", "0.5"]
        self.processes[name] = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def use_tasks(self, backend):
        """Switch the stack's task backend: "rq" (RQ on Redis with an append-only file,
        `rqworker`) or "db" (`db_worker`). App servers restart one at a time."""
        if backend == self.tasks:
            return
        log(f"task backend: {backend}")
        self.worker_kill()
        self.tasks = backend
        self.env["TASKS_BACKEND"] = (
            "django_tasks_rq.RQBackend" if backend == "rq" else "django_tasks_db.DatabaseBackend"
        )
        self.redis_persist = backend == "rq"
        self.redis_stop()
        self.redis_start()
        for index in range(len(APP_PORTS)):
            server = self.processes.pop(f"app{index}")
            os.killpg(server.process.pid, signal.SIGTERM)
            server.process.wait(30)
            self.app_start(index)
        self.worker_start()
        time.sleep(5)

    def worker_kill(self):
        process = self.processes.pop("worker")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def worker_stop(self, name):
        """Stop a worker the way a deploy does (SIGTERM: it finishes its task first)."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    # gunicorn
    def app_start(self, index):
        server = Gunicorn(APP_PORTS[index], self.env, workers=2,
                          log_path=self.work / f"gunicorn{index}.log")  # fmt: skip
        server.__enter__()
        self.processes[f"app{index}"] = server

    def app_kill(self, index):
        server = self.processes.pop(f"app{index}")
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()

    # nginx
    def nginx_start(self):
        folder = self.work / "nginx"
        (folder / "logs").mkdir(parents=True, exist_ok=True)
        site = shipped_site_config(
            listen_port=NGINX_PORT, app_port=APP_PORTS[0], static_root=self.env["STATIC_ROOT"],
            media_root=self.env["MEDIA_ROOT"], cache_dir=folder / "cache",
        )  # fmt: skip
        servers = "".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in APP_PORTS
        )
        site = site.replace(f"    server 127.0.0.1:{APP_PORTS[0]};\n", servers)
        (folder / "site.conf").write_text(site)
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
        )
        self.processes["nginx"] = subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_for(f"http://127.0.0.1:{NGINX_PORT}/healthz", timeout=30)

    def manage(self, *args, timeout=900):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
            capture_output=True, text=True, timeout=timeout,
        ).stdout  # fmt: skip

    def start(self):
        from aiosmtpd.controller import Controller

        log(f"initdb in {self.pg_data}")
        self.work.chmod(0o755)
        self.pg_home.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg_home, "postgres", "postgres")
        run(as_postgres([PG_BIN / "initdb", "-D", self.pg_data, "-U", "postgres",
                         "--auth=trust", "--no-sync"]))  # fmt: skip
        self.pg_start()
        run([PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
             "newsroom"])  # fmt: skip
        self.redis_start()
        self.smtp = Controller(self.mailbox, hostname="127.0.0.1", port=SMTP_PORT)
        self.smtp.start()
        log("migrate, collectstatic, load_demo")
        self.manage("migrate", "--no-input")
        self.manage("collectstatic", "--no-input")
        self.manage("load_demo")
        self.manage("shell", "-c", AUDIENCE)
        for index in range(len(APP_PORTS)):
            self.app_start(index)
        self.nginx_start()
        self.worker_start()

    def stop(self):
        for item in list(self.processes.values()):
            process = item.process if isinstance(item, Gunicorn) else item
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(15)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        try:
            self.pg_stop("immediate")
        except subprocess.CalledProcessError:
            pass
        if getattr(self, "smtp", None):
            self.smtp.stop()


AUDIENCE = """
from newsletters.models import Newsletter
from subscriptions.models import Subscriber, Subscription
from django.utils import timezone
newsletter, _ = Newsletter.objects.get_or_create(slug="chaos", defaults={"name": "Chaos Daily"})
for n in range(600):
    subscriber, _ = Subscriber.objects.get_or_create(
        email=f"chaos-reader{n}@example.org", defaults={"status": Subscriber.Status.ACTIVE}
    )
    Subscription.objects.get_or_create(
        subscriber=subscriber, newsletter=newsletter,
        defaults={"status": Subscription.Status.ACTIVE, "subscribed_at": timezone.now()},
    )
"""

SEND = """
from newsletters.models import Newsletter, NewsletterIssue
from newsletters import services
issue = NewsletterIssue.objects.create(
    newsletter=Newsletter.objects.get(slug="chaos"), subject="{subject}",
    intro="<p>An invented briefing for the chaos run.</p>",
)
services.send_now(issue=issue)
print(issue.pk)
"""


# --- the load -------------------------------------------------------------------------------


class Load:
    """Readers and signups against nginx; every answer recorded with its time."""

    def __init__(self, urls, *, readers=3, pause=0.2):
        self.urls = urls
        self.readers = readers
        self.pause = pause
        self.records = []  # (start, latency, status, kind)
        self.acknowledged = []  # signup emails answered 302
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.signups = 0

    def request(self, method, path, body=None):
        started = time.monotonic()
        headers = {"Host": "127.0.0.1"}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=60)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except OSError:
            status = 0  # no answer at all
        return started, time.monotonic() - started, status

    def reader(self, offset):
        index = offset
        while self.running.is_set():
            path = self.urls[index % len(self.urls)]
            index += 1
            started, latency, status = self.request("GET", path)
            with self.lock:
                self.records.append((started, latency, status, "read"))
            time.sleep(self.pause)

    def signer(self):
        while self.running.is_set():
            tick = time.monotonic()
            self.signups += 1
            email = f"chaos-signup{self.signups}-{int(time.time())}@example.org"
            body = f"email={email}&newsletters=chaos"
            started, latency, status = self.request("POST", "/subscriptions/signup/", body)
            with self.lock:
                self.records.append((started, latency, status, "signup"))
                if status == 302:
                    self.acknowledged.append(email)
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))

    def start(self):
        self.running.set()
        self.threads = [
            threading.Thread(target=self.reader, args=(n * 7,), daemon=True)
            for n in range(self.readers)
        ] + [threading.Thread(target=self.signer, daemon=True)]
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.running.clear()
        for thread in self.threads:
            thread.join(70)

    def between(self, start, end):
        with self.lock:
            return [record for record in self.records if start <= record[0] < end]


# --- the faults -----------------------------------------------------------------------------


def fault_redis(stack, outage):
    stack.redis_stop()
    time.sleep(outage)
    stack.redis_start()
    return "Redis stopped (SIGTERM) for {outage} s, then started empty"


def wait_until_sending(stack, issue_id, timeout=60):
    """Until the issue's send is under way (some deliveries sent), at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if issue_counts(stack, issue_id).get("sent", 0) > 0:
            return True
        time.sleep(0.5)
    return False


def fault_redis_rq(stack, outage):
    """Redis stops while the send is under way, and an editor sends a second issue during
    the outage: both must finish once it is back."""
    under_way = wait_until_sending(stack, stack.issue_id)
    stack.redis_stop()
    time.sleep(min(5, outage / 3))
    subject = f"Chaos briefing: sent during the Redis outage {int(time.time())}"
    try:
        stack.manage("shell", "-c", SEND.format(subject=subject))
        answered = "ok"
    except subprocess.CalledProcessError as error:  # committed or not: the psql below tells
        answered = f"error: {error.stderr.strip().splitlines()[-1:]}"
    stack.extra_issues["sent_during_outage"] = subject
    stack.extra["send_during_outage_answer"] = answered
    time.sleep(max(0, outage - min(5, outage / 3)))
    stack.redis_start()
    return (
        "RQ task backend: the queue's Redis (append-only file) stopped (SIGTERM) for {outage} s "
        + ("while the send was under way" if under_way else "(the send had not started)")
        + ", a second issue sent during the outage, then started"
    )


EDITOR = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
user, _ = get_user_model().objects.get_or_create(
    username="chaos-editor", defaults={{"email": "chaos-editor@example.org"}}
)
user.is_staff = True
user.set_password("{password}")
user.save()
user.groups.add(Group.objects.get_or_create(name="Editor")[0])
user.user_permissions.add(*Permission.objects.filter(
    content_type__app_label="photos", codename__in=["add_photo", "change_photo", "view_photo"]
))
"""


def noisy_jpeg(width=900, height=600):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(
        buffer, "JPEG", quality=90
    )
    return buffer.getvalue()


def fault_disk(stack, outage):
    """A 1 MB tmpfs mounted over MEDIA_ROOT and filled: one upload with no room for its
    original, one with room for the original but not its renditions."""
    import re

    import requests

    media = Path(stack.env["MEDIA_ROOT"])
    stack.manage("shell", "-c", EDITOR.format(password=EDITOR_PASSWORD))
    base = f"http://127.0.0.1:{NGINX_PORT}"
    session = requests.Session()
    session.get(f"{base}/admin/login/", timeout=30)  # the CSRF cookie
    signed_in = session.post(
        f"{base}/admin/login/?next=/admin/",
        data={"username": "chaos-editor", "password": EDITOR_PASSWORD,
              "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""), "next": "/admin/"},
        headers={"Origin": base}, timeout=30,
    )  # fmt: skip
    if "/admin/login/" in signed_in.url:
        raise RuntimeError(f"editor sign-in failed ({signed_in.status_code} at {signed_in.url})")
    stories = "SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM articles_article t"
    photos = "SELECT count(*) FROM articles_photo"  # the Photo model kept its table
    stories_before, photos_before = stack.psql(stories), stack.psql(photos)
    image = noisy_jpeg()
    run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(media)])
    attempts = []
    try:
        for leave in (len(image) // 3, len(image) + 20_000):
            for item in media.iterdir():  # the last attempt's folders (files: none, or reported)
                shutil.rmtree(item) if item.is_dir() else item.unlink()
            free = os.statvfs(media)
            room = free.f_bavail * free.f_frsize
            (media / "filler").write_bytes(b"\0" * max(0, room - leave))
            add = session.get(f"{base}/admin/photos/photo/add/", timeout=30)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', add.text).group(1)
            started = time.monotonic()
            answer = session.post(
                f"{base}/admin/photos/photo/add/",
                data={"csrfmiddlewaretoken": token, "caption": "Invented harbour scene",
                      "credit": "Chaos Photographer/Newsroom", "alt_text": "Boats at a quay",
                      "focal_x": "0.5", "focal_y": "0.5"},
                files={"image": ("harbour.jpg", image, "image/jpeg")},
                headers={"Origin": base}, timeout=60, allow_redirects=False,
            )  # fmt: skip
            left = sorted(
                str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()
            )  # fmt: skip
            attempts.append({
                "free_bytes_before": leave,
                "status": answer.status_code,
                "seconds": round(time.monotonic() - started, 2),
                "form_error": "media storage is full" in answer.text,
                "files_left": [name for name in left if name != "filler"],
            })  # fmt: skip
    finally:
        run(["umount", "-l", str(media)])
    stack.extra = {
        "upload": {
            "photo_bytes": len(image),
            "attempts": attempts,
            "photos_added": int(stack.psql(photos)) - int(photos_before),
            "stories_unchanged": stack.psql(stories) == stories_before,
        }
    }
    return (
        "MEDIA_ROOT a full 1 MB tmpfs during two photo uploads by a signed-in editor (room "
        "for a third of the original; room for the original but not its renditions)"
    )


def fault_postgres(stack, outage):
    stack.pg_stop("fast")
    stack.pg_start()
    time.sleep(5)
    stack.pg_stop("fast")
    time.sleep(outage)
    stack.pg_start()
    return "PostgreSQL restarted (fast), then stopped for {outage} s and started"


def fault_smtp(stack, outage):
    # One worker is busy with the issue's pump for the whole fault: a second one (stopped
    # when the fault's figures are taken) sends the confirmation emails meanwhile, so they
    # meet the refusals and the silence too.
    stack.worker_start("mail_worker")
    time.sleep(2)
    stack.mailbox.mode = "refuse"
    time.sleep(outage / 2)
    stack.mailbox.mode = "hang"
    time.sleep(outage / 2)
    stack.mailbox.mode = "accept"
    return (
        "SMTP server answering 451 to DATA for {half} s, then hanging after DATA for {half} s "
        "(a second task worker sending confirmation emails meanwhile)"
    )


def fault_worker(stack, outage):
    time.sleep(2)  # confirmations and the send are queued and running
    stack.worker_kill()
    time.sleep(3)
    stack.worker_start()
    return "task worker killed with SIGKILL mid-send; a new worker started 3 s later"


def fault_lock(stack, outage):
    holder = subprocess.Popen(
        [PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d",
         "newsroom", "-c", "BEGIN; LOCK TABLE articles_article IN ACCESS EXCLUSIVE MODE; "
         "SELECT pg_sleep(20); COMMIT;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    holder.wait(120)
    return "ACCESS EXCLUSIVE lock on the stories table held for 20 s"


def fault_app_server(stack, outage):
    stack.app_kill(0)
    time.sleep(outage)
    stack.app_start(0)
    return "app server 1 (gunicorn and its workers) SIGKILLed; restarted {outage} s later"


INJECT = {
    "redis": fault_redis,
    "redis_rq": fault_redis_rq,
    "disk": fault_disk,
    "postgres": fault_postgres,
    "smtp": fault_smtp,
    "worker": fault_worker,
    "lock": fault_lock,
    "app_server": fault_app_server,
}


FINISHED = {"sent", "failed", "cancelled"}


def issue_status(stack, issue_id):
    return stack.psql(f"SELECT status FROM newsletters_newsletterissue WHERE id = {issue_id}")


def issue_counts(stack, issue_id):
    rows = stack.psql(
        f"SELECT status, count(*) FROM newsletters_delivery WHERE issue_id = {issue_id} "
        "GROUP BY status"
    )
    return {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines() if line}


def sent_addresses(stack, issue_id):
    rows = stack.psql(
        "SELECT s.email FROM newsletters_delivery d JOIN subscriptions_subscriber s "
        f"ON s.id = d.subscriber_id WHERE d.issue_id = {issue_id} AND d.status = 'sent'"
    )
    return {line.lower() for line in rows.splitlines() if line}


def extra_issue_ids(stack):
    """label -> id of the further issues a fault sent (found by subject: a send that failed
    after committing printed no id)."""
    found = {}
    for label, subject in getattr(stack, "extra_issues", {}).items():
        pk = stack.psql(f"SELECT id FROM newsletters_newsletterissue WHERE subject = '{subject}'")
        if pk:
            found[label] = int(pk)
    return found


def uncertain_addresses(stack, addresses):
    """Those of `addresses` whose confirmation email was marked uncertain."""
    if not addresses:
        return set()
    quoted = ",".join(f"'{email}'" for email in sorted(addresses))
    rows = stack.psql(
        f"SELECT email FROM subscriptions_subscriber WHERE email IN ({quoted}) "
        "AND confirmation_uncertain_at IS NOT NULL"
    )
    return set(rows.split())


def confirmed_addresses(stack):
    """Addresses the SMTP server accepted any message for (confirmations among them)."""
    with stack.mailbox.lock:
        return {recipient for _, recipient in stack.mailbox.accepted}


def measure(stack, load, name, outage, settle):
    stack.use_tasks("rq" if name in RQ_FAULTS else "db")
    stack.extra = {}
    stack.extra_issues = {}  # label -> subject of a further issue a fault sent
    subject = f"Chaos briefing: {name} {int(time.time())}"
    issue_id = int(stack.manage("shell", "-c", SEND.format(subject=subject)).split()[-1])
    stack.issue_id = issue_id
    acknowledged_before = len(load.acknowledged)
    started = time.monotonic()
    log(f"fault {name}: injecting")
    described = INJECT[name](stack, outage).format(outage=outage, half=outage // 2)
    ended = time.monotonic()
    log(f"fault {name}: removed; waiting for the send and the site to settle")
    deadline = ended + settle
    while time.monotonic() < deadline:
        try:
            done = all(
                issue_status(stack, one) in FINISHED
                for one in [issue_id, *extra_issue_ids(stack).values()]
            )
        except subprocess.CalledProcessError:
            done = False  # the database is still starting
        # ... and every signup acknowledged so far has had its confirmation email.
        waiting = set(load.acknowledged[acknowledged_before:]) - confirmed_addresses(stack)
        if done and not waiting:
            break
        time.sleep(2)
    # Confirmations are checked for the signups acknowledged by now (the loop waited for
    # them, up to `settle`); those of the next 5 s may still be on their way.
    acknowledged_settled = len(load.acknowledged)
    time.sleep(5)
    finished = time.monotonic()
    records = load.between(started, finished)
    errors = Counter(str(status) for _, _, status, _ in records if not 200 <= status < 400)
    failed_after = [start + latency for start, latency, status, _ in records
                    if not 200 <= status < 400 and start >= ended - 60]  # fmt: skip
    recover = max(0.0, max(failed_after, default=ended) - ended)
    # Lost: acknowledged signups missing, deliveries marked sent but never accepted.
    acknowledged = load.acknowledged[acknowledged_before:]
    present = set()
    if acknowledged:
        quoted = ",".join(f"'{email}'" for email in acknowledged)
        present = set(stack.psql(
            f"SELECT email FROM subscriptions_subscriber WHERE email IN ({quoted})"
        ).split())  # fmt: skip
    lost_signups = [email for email in acknowledged if email not in present]
    # A signup acknowledged in the window whose confirmation email never reached the server
    # by the end: lost too (the reader was told to check their inbox).
    # A confirmation whose hand-off timed out after DATA is uncertain, not lost: it may have
    # gone out, so it is never re-sent blindly (subscriptions/emails.py).
    checked = load.acknowledged[acknowledged_before:acknowledged_settled]
    not_accepted = set(checked) - confirmed_addresses(stack)
    uncertain_confirmations = uncertain_addresses(stack, not_accepted)
    unconfirmed = sorted(not_accepted - uncertain_confirmations)
    accepted = {recipient for (subj, recipient), n in stack.mailbox.accepted.items()
                if subj == subject}  # fmt: skip
    lost_mail = sorted(sent_addresses(stack, issue_id) - accepted)
    duplicates = sum(n - 1 for (subj, _), n in stack.mailbox.accepted.items()
                     if subj == subject and n > 1)  # fmt: skip
    counts = issue_counts(stack, issue_id)
    # A committed send (this fault's issue, or one the fault started) still unfinished at the
    # end of the window is lost too: its readers were promised an issue that is not coming.
    sends = {"issue": issue_id, **extra_issue_ids(stack)}
    unfinished = sorted(
        label for label, one in sends.items() if issue_status(stack, one) not in FINISHED
    )
    result = {
        "fault": name,
        "what": described,
        "requests": len(records),
        "reads": sum(1 for record in records if record[3] == "read"),
        "signups": sum(1 for record in records if record[3] == "signup"),
        "errors_by_status": dict(sorted(errors.items())),
        "worst_latency_s": round(max((r[1] for r in records), default=0.0), 2),
        "seconds_to_recover": round(recover, 1),
        "lost": len(lost_signups) + len(lost_mail) + len(unconfirmed) + len(unfinished),
        "lost_detail": {
            "signups": lost_signups[:10],
            "deliveries": lost_mail[:10],
            "confirmation_emails": unconfirmed[:10],
            "unfinished_sends": unfinished,
        },
        "confirmations_checked": len(checked),
        "uncertain": counts.get("uncertain", 0) + len(uncertain_confirmations),
        "uncertain_detail": {
            "deliveries": counts.get("uncertain", 0),
            "confirmation_emails": len(uncertain_confirmations),
        },
        "duplicate_deliveries": duplicates,
        "send": counts,
        "issue_status": issue_status(stack, issue_id),
        "task_backend": stack.tasks,
        **stack.extra,
    }
    stack.worker_stop("mail_worker")
    for label, extra_id in extra_issue_ids(stack).items():
        result[label] = {
            "send": issue_counts(stack, extra_id),
            "status": issue_status(stack, extra_id),
        }
    log(f"fault {name}: {json.dumps(result)}")
    return result


def git_commit():
    try:
        return run(["git", "rev-parse", "HEAD"], cwd=ROOT).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--faults",
        default=os.environ.get("CHAOS_FAULTS") or ",".join(f for f in FAULTS if f in INJECT),
        help="comma-separated (also CHAOS_FAULTS): " + ", ".join(FAULTS),
    )
    parser.add_argument("--outage", type=int, default=30, help="seconds a fault lasts")
    parser.add_argument("--settle", type=int, default=120, help="most seconds to wait after")
    parser.add_argument("--output", default=str(ROOT / "docs" / "reliability.json"))
    parser.add_argument(
        "--fresh", action="store_true", help="drop earlier runs' figures for faults not run"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the stack's folder (its logs) after the run"
    )
    options = parser.parse_args()
    chosen = [name.strip() for name in options.faults.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in INJECT]
    if unknown:
        parser.error(f"unknown or not yet injectable faults: {', '.join(unknown)}")
    work = tempfile.mkdtemp(prefix="newsroom-chaos-")
    stack = Stack(work)
    load_before = os.getloadavg()
    results = []
    try:
        stack.start()
        story_paths = stack.psql(
            "SELECT slug FROM articles_article WHERE status = 'published' ORDER BY id LIMIT 8"
        ).split()
        urls = ["/", *[f"/story/{slug}/" for slug in story_paths]]
        load = Load(urls)
        load.start()
        time.sleep(10)
        for name in chosen:
            try:
                results.append(measure(stack, load, name, options.outage, options.settle))
            except Exception as error:  # noqa: BLE001 - the other faults still run and report
                log(f"fault {name}: could not be measured: {error!r}")
                results.append({"fault": name, "error": repr(error)})
            time.sleep(5)
        load.stop()
    finally:
        stack.stop()
        if options.keep:
            log(f"kept {work} (worker.log, gunicorn*.log, pg/pg.log)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    run_info = {
        "commit": git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "load_average_before": [round(value, 2) for value in load_before],
            "load_average_after": [round(value, 2) for value in os.getloadavg()],
        },
        "outage_seconds": options.outage,
    }
    for result in results:
        result["run"] = run_info
    # A run of some faults keeps the others' figures from earlier runs (each says its run).
    earlier = []
    output = Path(options.output)
    if output.exists() and not options.fresh:
        previous = json.loads(output.read_text())
        previous_run = {key: previous[key] for key in run_info if key in previous}
        for result in previous.get("faults", []):
            if result["fault"] not in chosen:
                result.setdefault("run", previous_run)
                earlier.append(result)
    faults = sorted([*earlier, *results], key=lambda result: FAULTS.index(result["fault"]))
    report = {
        **run_info,
        "faults": faults,
        "not_run": [name for name in FAULTS if name not in {r["fault"] for r in faults}],
    }
    Path(options.output).write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {options.output}")
    total_lost = sum(result.get("lost", 0) for result in results)
    total_lost += sum(1 for result in results if "error" in result)
    return 1 if total_lost else 0


if __name__ == "__main__":
    sys.exit(main())
