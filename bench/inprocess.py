"""Figures taken inside this process: render time and queries per page, no network involved.

Each page goes through the whole Django stack (middleware, view, template) with the test
client, as gunicorn would call it, with the page cache off for "uncached" and on for "cached".
"""

import statistics
import time

from django.db import connection
from django.template.response import SimpleTemplateResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

# As a TLS-terminating proxy would say: the site runs with SECURE_SSL_REDIRECT on.
PROXY_HEADERS = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "127.0.0.1"}


def _client():
    return Client(**PROXY_HEADERS)


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class TemplateTimer:
    """CPU time spent rendering templates (as opposed to the view, queries and middleware)."""

    def __init__(self):
        self.spent = 0.0

    def __enter__(self):
        original = SimpleTemplateResponse.render

        def timed(response):
            started = time.process_time()
            try:
                return original(response)
            finally:
                self.spent += time.process_time() - started

        self.original = original
        SimpleTemplateResponse.render = timed
        return self

    def __exit__(self, *exc):
        SimpleTemplateResponse.render = self.original


def measure_renders(urls, *, cached=False, warm=5):
    """Median and p90 milliseconds per request over `urls`, and the queries each made.

    Uncached means the page cache is off; the blocks pages share (PAGE_CACHE_FRAGMENTS)
    stay on, as they are for a page that misses the cache in production.
    """
    client = _client()
    with override_settings(PAGE_CACHE_ENABLED=cached):
        for url in urls[:warm]:
            client.get(url)
        if cached:
            for url in urls:
                client.get(url)
        timings, cpu, template = [], [], []
        for url in urls:
            with TemplateTimer() as templates:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            template.append(templates.spent * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        queries = []
        for url in urls[: min(len(urls), 50)]:
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries.append(len(captured))
    return {
        "requests": len(urls),
        "median_ms": statistics.median(timings),
        "p90_ms": _percentile(timings, 0.9),
        # CPU time of this process: what the figure would be on an otherwise idle machine.
        "median_cpu_ms": statistics.median(cpu),
        # Of which rendering templates (the rest: middleware, the view and its queries).
        "median_template_ms": statistics.median(template),
        "queries_max": max(queries),
        "queries_median": statistics.median(queries),
    }


def queries_of(url):
    """The SQL of one uncached request, for the report."""
    client = _client()
    with override_settings(PAGE_CACHE_ENABLED=False):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
    return [query["sql"] for query in captured.captured_queries]


def render_html(url):
    """The page exactly as an anonymous reader gets it (to serve as a static file)."""
    with override_settings(PAGE_CACHE_ENABLED=False):
        response = _client().get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response.content


def setup_django():
    import django

    django.setup()


def measure_pages(pages):
    """Every in-process figure the benchmark prints (bench.stages.in_process)."""
    return {
        "story_uncached": measure_renders(pages["story_paths"][:300]),
        "story_one_uncached": measure_renders([pages["story"]] * 200),
        "section_uncached": measure_renders(pages["section_paths"] * 10),
        "home_uncached": measure_renders([pages["home"]] * 100),
        "story_cached": measure_renders([pages["story"]] * 300, cached=True),
        "story_queries": queries_of(pages["story"]),
    }
