"""`make bench`: reader pages under load, next to the machine's static-file limit.

Starts the production stack on loopback (gunicorn, 2 sync workers, DEBUG off, whitenoise;
PostgreSQL and Redis when DATABASE_URL / CACHE_URL say so, else SQLite and local memory)
with the demo scaled to BENCH_STORIES stories, and prints for story, section and home pages:
requests/s and p50/p99 latency cached and uncached, queries and in-process render time per
uncached page, each as a ratio of one saved story page served as a static file by the same
gunicorn+whitenoise and by nginx. Then the shipped deploy/nginx.conf with its microcache, a
load test, a soak watching the workers' memory, page weight and Lighthouse.

Environment: BENCH_SECONDS (each throughput run, 10), BENCH_LOAD_SECONDS (60),
BENCH_SOAK_SECONDS (600), BENCH_STORIES (10000), BENCH_LIGHTHOUSE (1; 0 skips it),
BENCH_DATA (bench/.data). Ports 8007-8010.
"""

import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("BENCH_DATA", ROOT / "bench" / ".data")).resolve()
CACHED_PORT, UNCACHED_PORT, NGINX_SITE_PORT, NGINX_STATIC_PORT = 8007, 8008, 8009, 8010
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", 600))
STORIES = int(os.environ.get("BENCH_STORIES", 10_000))
LIGHTHOUSE = os.environ.get("BENCH_LIGHTHOUSE", "1") != "0"


def server_environment():
    """The settings every process of the run shares: production mode on loopback."""
    DATA.mkdir(parents=True, exist_ok=True)
    key_file = DATA / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "false",
        "SECRET_KEY": key_file.read_text().strip(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{NGINX_SITE_PORT}",
        "MEDIA_ROOT": str(DATA / "media"),
        "STATIC_ROOT": str(DATA / "static"),
        "STATICFILES_STORAGE": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "EMAIL_URL": "consolemail://",
        "PAGE_CACHE_ENABLED": "true",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{DATA / 'bench.sqlite3'}")
    for name in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS"):
        env.pop(name, None)  # production defaults: the proxy header says https
    return env


def main():
    env = server_environment()
    # This process loads the demo (load_demo); the servers it starts run without the demo
    # app, as a live site does.
    os.environ.update(env, DEMO="true")
    import django

    django.setup()
    from bench import report, stages

    print(f"Newsroom benchmark: {env['DATABASE_URL'].split(':', 1)[0]} database, cache "
          f"{env.get('CACHE_URL', 'locmemcache://newsroom').split(':', 1)[0]}, "
          f"{os.cpu_count()} cores, data in {DATA}")  # fmt: skip
    pages = stages.prepare(DATA, STORIES)
    results = {"pages": {k: v for k, v in pages.items() if not k.endswith("_paths")}}
    results["inprocess"] = stages.in_process(pages)
    stages.save_static_story(DATA, pages)
    results.update(
        stages.under_load(
            DATA,
            env,
            pages,
            ports=(CACHED_PORT, UNCACHED_PORT, NGINX_SITE_PORT, NGINX_STATIC_PORT),
            seconds=SECONDS,
            load_seconds=LOAD_SECONDS,
            soak_seconds=SOAK_SECONDS,
            lighthouse=LIGHTHOUSE,
        )  # fmt: skip
    )
    report.print_report(results)
    (DATA / "results.json").write_text(json.dumps(report.jsonable(results), indent=2))
    print(f"\nAll figures as JSON: {DATA / 'results.json'}")


if __name__ == "__main__":
    main()
