"""The benchmark's summary: every figure beside the static-file limits, and the targets."""

import dataclasses
import os

KB = 1024
WHITENOISE = "static story, whitenoise"
NGINX = "static story, nginx"


def _row(label, result, whitenoise, nginx):
    return (
        f"{label:26} {result.requests_per_second:9.0f} {result.p50_ms:8.2f} {result.p99_ms:8.2f}"
        f" {result.requests_per_second / whitenoise:9.0%} {result.requests_per_second / nginx:9.0%}"
        f" {result.load_average:5.2f}"
    )


def soak_growth(soak):
    """Per worker: MiB after warm-up (the first quarter of the samples) and at the end."""
    samples = soak["samples"]
    if len(samples) < 4:
        return {}
    warm = samples[len(samples) // 4][1]
    last = samples[-1][1]
    peak = {}
    for _, sizes in samples[len(samples) // 4 :]:
        for pid, kb in sizes.items():
            peak[pid] = max(peak.get(pid, 0), kb)
    return {pid: (warm[pid] / KB, last[pid] / KB, peak[pid] / KB) for pid in warm if pid in last}


def print_report(results):
    runs = results["runs"]
    whitenoise = runs[WHITENOISE].requests_per_second
    nginx = runs[NGINX].requests_per_second
    inproc = results["inprocess"]
    print("\n" + "=" * 96)
    print(f"SUMMARY ({os.cpu_count()} cores; {results['pages']['stories_published']} published "
          f"stories; story page {results['pages']['story']})")  # fmt: skip
    print("=" * 96)
    print(
        f"{'run':26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'/whitenoise':>10} {'/nginx':>9}"
        f" {'load':>5}"
    )
    for label, result in runs.items():
        print(_row(label, result, whitenoise, nginx))
    print()
    for name in ("story_uncached", "story_one_uncached", "section_uncached", "home_uncached",
                 "story_cached"):  # fmt: skip
        figures = inproc[name]
        print(f"in-process {name:20} median {figures['median_ms']:6.2f} ms "
              f"(CPU {figures['median_cpu_ms']:.2f} ms, "
              f"templates {figures['median_template_ms']:.2f} ms), "
              f"p90 {figures['p90_ms']:6.2f} ms, queries {figures['queries_median']:g} "
              f"(max {figures['queries_max']})")  # fmt: skip

    load = results["load"]
    print(
        f"\nload test: {load.requests} requests, {load.requests_per_second:.0f} req/s, "
        f"p99 {load.p99_ms:.1f} ms, socket errors {load.socket_errors}, "
        f"non-2xx {load.non_2xx}, statuses {load.statuses}, cache {load.cache_states}"
    )
    soak = results["soak"]
    growth = soak_growth(soak) if soak else {}
    if soak:
        print(
            f"soak: {soak['result'].requests} requests, errors {soak['result'].socket_errors}, "
            f"non-2xx {soak['result'].non_2xx}, cache {soak['result'].cache_states}"
        )
    else:
        print("soak: skipped (BENCH_SOAK_SECONDS=0)")
    for pid, (warm, last, peak) in growth.items():
        print(f"  worker {pid}: {warm:.1f} MiB after warm-up, {last:.1f} MiB at the end, "
              f"peak {peak:.1f} MiB")  # fmt: skip

    weight = results["weight"]
    lighthouse = results.get("lighthouse")
    cached_pages = [runs["story, cached"], runs["section, cached"], runs["home, cached"]]
    targets = [
        ("uncached story >= 200 req/s", runs["story, uncached"].requests_per_second >= 200,
         f"{runs['story, uncached'].requests_per_second:.0f} req/s"),
        ("<= 10 queries per uncached story", inproc["story_uncached"]["queries_max"] <= 10,
         f"{inproc['story_uncached']['queries_max']} queries"),
        ("median in-process render <= 8 ms", inproc["story_uncached"]["median_ms"] <= 8,
         f"{inproc['story_uncached']['median_ms']:.2f} ms "
         f"(CPU {inproc['story_uncached']['median_cpu_ms']:.2f} ms)"),
        ("cached story >= 60% of whitenoise static",
         runs["story, cached"].requests_per_second >= 0.6 * whitenoise,
         f"{runs['story, cached'].requests_per_second / whitenoise:.0%}"),
        ("p99 <= 50 ms, cached pages at 64 connections",
         all(run.p99_ms <= 50 for run in cached_pages),
         ", ".join(f"{run.p99_ms:.1f}" for run in cached_pages) + " ms"),
        ("nginx cached story >= 50% of nginx static",
         runs["story, nginx microcache"].requests_per_second >= 0.5 * nginx,
         f"{runs['story, nginx microcache'].requests_per_second / nginx:.0%}"),
        ("load test: no errors, no non-2xx",
         load.socket_errors == 0 and load.non_2xx == 0 and load.requests > 0,
         f"{load.socket_errors} errors, {load.non_2xx} non-2xx"),
        *(() if not soak else [("soak: memory flat (< 10% or 8 MiB growth)",
         bool(growth) and all(last - warm <= max(8, 0.1 * warm)
                              for warm, last, _ in growth.values()),
         ", ".join(f"{last - warm:+.1f} MiB" for warm, last, _ in growth.values()))]),
        # Judged on the bytes a reader downloads (gzip, as nginx and whitenoise serve them);
        # the raw size is printed beside it.
        *(
            (f"{label} <= {limit} KB transferred", weight[kind][1] <= limit * KB,
             f"{weight[kind][1] / KB:.1f} KB gzip, {weight[kind][0] / KB:.1f} KB raw")
            for kind, label, limit in (("html", "story HTML", 60), ("css", "CSS", 30),
                                       ("js", "JS", 20))
        ),
    ]  # fmt: skip
    if lighthouse:
        for name, score in lighthouse["scores"].items():
            targets.append((f"Lighthouse {name} >= 95", score >= 95, str(score)))
    else:
        targets.append(("Lighthouse >= 95", False, "not run"))
    print("\nTARGETS")
    for name, met, figure in targets:
        print(f"  [{'met' if met else 'MISSED'}] {name}: {figure}")
    results["targets"] = [{"target": n, "met": m, "figure": f} for n, m, f in targets]


def jsonable(value):
    if dataclasses.is_dataclass(value):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
