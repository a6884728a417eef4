"""The benchmark's stages, in the order bench/run.py calls them."""

import multiprocessing
import threading
import time
import urllib.request

from django.core.management import call_command
from django.db import connection

from bench import inprocess, weight, wrk
from bench.scale import scale_demo
from bench.servers import Gunicorn, Nginx, wait_for

STATIC_STORY = "bench/story.html"
# Pages per section rotated through in the uncached section run.
SECTION_PAGES = 3


def prepare(data, stories):
    """Database, demo content scaled up, collected static files; the URLs to drive."""
    from articles.models import Article, Section

    print("\n== Preparing: migrate, demo content, scale-up, collectstatic ==")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    started = time.perf_counter()
    created = scale_demo(stories)
    print(f"Scale-up: {created} stories written in {time.perf_counter() - started:.1f} s; "
          f"{Article.objects.published().count()} published in all.")  # fmt: skip
    # Planner statistics after a bulk load (PostgreSQL's autovacuum would gather them a
    # little later; SQLite never does): without them SQLite ignores the partial indexes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command("collectstatic", interactive=False, verbosity=0)
    from pagecache.state import bump_generation

    bump_generation()  # a shared cache (Redis) may hold pages from an earlier run

    # "The" story page: a full demo story (lead photo, bylines, a story card, tags).
    with_cards = Article.objects.filter(body__contains='data-block="story"').values("pk")
    story = (
        Article.objects.published()
        .filter(pk__in=with_cards, lead_photo__isnull=False)
        .exclude(slug__startswith="bench-")
        .newest_first()
        .first()
    )
    sections = list(Section.objects.navigation())
    story_paths = [
        f"/story/{slug}/"
        for slug in Article.objects.published().order_by("?").values_list("slug", flat=True)
    ]
    section_paths = [
        f"{section.get_absolute_url()}?page={number}" if number > 1 else section.get_absolute_url()
        for number in range(1, SECTION_PAGES + 1)
        for section in sections
    ]
    return {
        "story": story.get_absolute_url(),
        "section": sections[0].get_absolute_url(),
        "home": "/",
        "stories_published": Article.objects.published().count(),
        "story_paths": story_paths,
        "section_paths": section_paths,
    }


def in_process(pages):
    """Render figures, taken in a fresh interpreter: this one has just written 10,000
    stories, and its heap (which the garbage collector walks) is not a worker's."""
    print("\n== In-process: render time and queries per page (no network) ==")
    context = multiprocessing.get_context("spawn")
    # bench.inprocess imports no models, so the new interpreter can load it before setup().
    with context.Pool(1, initializer=inprocess.setup_django) as pool:
        results = pool.apply(inprocess.measure_pages, (pages,))
    _print_in_process(pages, results)
    return results


def _print_in_process(pages, results):
    for name, figures in results.items():
        if name.endswith("_queries"):
            continue
        print(
            f"{name:20} median {figures['median_ms']:6.2f} ms (CPU {figures['median_cpu_ms']:6.2f},"
            f" templates {figures['median_template_ms']:5.2f})"
            f"  p90 {figures['p90_ms']:6.2f} ms"
            f"  queries {figures['queries_median']:g} (max {figures['queries_max']})"
        )
    print(f"Queries of one uncached story page ({pages['story']}):")
    for sql in results["story_queries"]:
        print(f"  {sql[:160]}")


def save_static_story(data, pages):
    """The story page as readers get it, saved where whitenoise and nginx serve it as a file."""
    html = inprocess.render_html(pages["story"])
    for path in (data / "static" / STATIC_STORY, data / "nginx-static" / "story.html"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(html)
    pages["story_html_bytes"] = len(html)


def _headers(url):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers)


def _state(url, probes=4):
    """Status and cache answer of a few requests (each gunicorn worker has its own local
    cache unless CACHE_URL is shared, so the first visit to each is a miss)."""
    answers = []
    for _ in range(probes):
        status, headers = _headers(url)
        # nginx's answer first: behind it, X-Page-Cache is whatever the stored copy said.
        state = headers.get("X-Microcache") or headers.get("X-Page-Cache") or "-"
        answers.append(f"{status} {state}")
    return ", ".join(answers)


def _show(result, state_before):
    print(
        f"\n-- {result.label}  (cache state before: {state_before}; "
        f"load average {result.load_average:.2f})"
    )
    print(result.raw.rstrip())


def under_load(data, env, pages, *, ports, seconds, load_seconds, soak_seconds, lighthouse):
    cached_port, uncached_port, site_port, static_port = ports
    logs = data / "logs"
    logs.mkdir(exist_ok=True)
    work = data / "wrk"
    work.mkdir(exist_ok=True)
    uncached_env = {**env, "PAGE_CACHE_ENABLED": "false"}
    results = {"runs": {}}
    with (
        Gunicorn(cached_port, env, log_path=logs / "gunicorn-cached.log") as cached,
        Gunicorn(uncached_port, uncached_env, log_path=logs / "gunicorn-uncached.log") as bare,
        Nginx(
            data / "nginx",
            site_port=site_port,
            static_port=static_port,
            static_dir=data / "nginx-static",
            app_port=cached_port,
            static_root=data / "static",
            media_root=data / "media",
        ),
    ):
        site = f"http://127.0.0.1:{site_port}"
        wait_for(f"{site}{pages['story']}", headers={"X-Forwarded-Proto": "https"})
        print(f"\n== Throughput: wrk, 2 threads, 64 connections, {seconds} s per run ==")
        plan = [
            ("static story, whitenoise", f"{cached.url}/static/{STATIC_STORY}", None),
            ("static story, nginx", f"http://127.0.0.1:{static_port}/story.html", None),
            ("story, cached", f"{cached.url}{pages['story']}", None),
            ("section, cached", f"{cached.url}{pages['section']}", None),
            ("home, cached", f"{cached.url}/", None),
            ("story, uncached", bare.url, pages["story_paths"]),
            ("section, uncached", bare.url, pages["section_paths"]),
            ("home, uncached", f"{bare.url}/", None),
            ("story, nginx microcache", f"{site}{pages['story']}", None),
        ]
        for label, url, paths in plan:
            probe = f"{url}{paths[0]}" if paths else url
            for _ in range(4):
                _headers(probe)  # fills the caches (each worker's) the run should find warm
            state = _state(probe)
            if url.startswith((cached.url, bare.url)):
                # Unreported warm-up: each worker compiles its templates and fills its blocks.
                wrk.run(f"{label} warm-up", url, seconds=2, paths=paths, work_dir=work)
                wait_for(f"{cached.url}/healthz", timeout=120)
                wait_for(f"{bare.url}/healthz", timeout=120)
            result = wrk.run(label, url, seconds=seconds, paths=paths, work_dir=work)
            _show(result, state)
            results["runs"][label] = result
            # Connections wrk left in the listen queue are still answered: wait them out.
            wait_for(f"{cached.url}/healthz", timeout=120)
            wait_for(f"{bare.url}/healthz", timeout=120)

        mixed = [pages["home"], pages["section"], pages["story"], "/news-feed/", "/feed/"]
        mixed += pages["section_paths"] + pages["story_paths"][:2000]
        print(f"\n== Load test: {load_seconds} s, 64 connections, public pages, "
              f"X-Forwarded-Proto: https ==")  # fmt: skip
        load = wrk.run(
            "load test", cached.url, seconds=load_seconds, paths=mixed, count=True, work_dir=work
        )
        _show(load, "mixed pages")
        results["load"] = load

        results["nginx_headers"] = nginx_file_headers(site, data)
        results["soak"] = soak(cached, mixed, soak_seconds, work) if soak_seconds > 0 else None
        results["weight"] = weight.page_weight(cached.url, pages["story"], data)
        if lighthouse:
            results["lighthouse"] = weight.lighthouse(f"{site}{pages['story']}", data)
    return results


def nginx_file_headers(site, data):
    """What deploy/nginx.conf says about a fingerprinted static file and a rendition."""
    import json

    manifest = json.loads((data / "static" / "staticfiles.json").read_text())["paths"]
    rendition = next((data / "media" / "renditions").rglob("*.webp"))
    paths = [
        f"/static/{manifest['css/site.css']}",
        f"/media/{rendition.relative_to(data / 'media')}",
    ]
    print("\n== Files straight from nginx (deploy/nginx.conf) ==")
    found = {}
    for path in paths:
        status, headers = _headers(f"{site}{path}")
        found[path] = headers.get("Cache-Control", "")
        print(f"{status} {path}  Cache-Control: {found[path]}")
    return found


def soak(server, paths, seconds, work):
    """Steady load for `seconds`, sampling each worker's resident memory meanwhile."""
    print(f"\n== Soak: {seconds} s at 16 connections, workers' memory sampled ==")
    interval = max(2, min(30, seconds // 20))
    outcome = {}

    def drive():
        outcome["result"] = wrk.run(
            "soak", server.url, seconds=seconds, connections=16, paths=paths, count=True,
            work_dir=work,
        )  # fmt: skip

    driver = threading.Thread(target=drive)
    driver.start()
    samples = []
    started = time.monotonic()
    while driver.is_alive():
        samples.append((round(time.monotonic() - started), server.worker_rss_kb()))
        driver.join(interval)
    samples.append((round(time.monotonic() - started), server.worker_rss_kb()))
    _show(outcome["result"], "mixed pages")
    for elapsed, sizes in samples:
        sizes_text = "  ".join(
            f"pid {pid}: {kb / 1024:6.1f} MiB" for pid, kb in sorted(sizes.items())
        )
        print(f"  t={elapsed:4d}s  {sizes_text}")
    return {"result": outcome["result"], "samples": samples, "interval": interval}
