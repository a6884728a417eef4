"""Running wrk and reading its report.

A run may rotate through a list of paths (many distinct pages, so nothing repeats soon) and
may count status codes and cache answers (X-Page-Cache from the app, X-Microcache from
nginx); the Lua is written per run with only what it needs, as every Lua callback slows
wrk down.
"""

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# As the TLS-terminating proxy in front of the site says (SECURE_SSL_REDIRECT stays on).
PROXY_HEADER = "X-Forwarded-Proto: https"

LUA_ROTATE = """
local threads = {}
function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  counter = (thread_number or 0) * 7919
end
function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end
"""

LUA_COUNT = """
statuses = {}
cache_states = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local state = headers["X-Page-Cache"] or headers["X-Microcache"] or "none"
  cache_states[state] = (cache_states[state] or 0) + 1
end
function done(summary, latency, requests)
  local status_total, cache_total = {}, {}
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("statuses")) do status_total[k] = (status_total[k] or 0) + v end
    for k, v in pairs(thread:get("cache_states")) do cache_total[k] = (cache_total[k] or 0) + v end
  end
  io.write("BENCH-STATUS")
  for k, v in pairs(status_total) do io.write(string.format(" %s=%d", k, v)) end
  io.write("\\nBENCH-CACHE")
  for k, v in pairs(cache_total) do io.write(string.format(" %s=%d", k, v)) end
  io.write("\\n")
end
"""

LUA_THREADS_ONLY = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
"""

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class WrkResult:
    label: str
    raw: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    socket_errors: int
    non_2xx_3xx: int
    statuses: dict = field(default_factory=dict)
    cache_states: dict = field(default_factory=dict)
    # The machine's 1-minute load average when the run ended: other work on the same cores
    # shows here (2.0 is two busy cores on a 2-core machine).
    load_average: float = 0.0

    @property
    def non_2xx(self):
        """Answers outside 2xx; only known when the run counted statuses."""
        return sum(count for status, count in self.statuses.items() if not 200 <= status < 300)


def _latency(raw, percentile):
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", raw, flags=re.M)
    return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")


def _pairs(raw, tag, key=str):
    match = re.search(rf"^{tag}(.*)$", raw, flags=re.M)
    if not match:
        return {}
    return {key(k): int(v) for k, v in (item.split("=") for item in match.group(1).split())}


def parse(label, raw):
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", raw, flags=re.M)
    total = re.search(r"^\s+(\d+) requests in", raw, flags=re.M)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", raw)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", raw)
    return WrkResult(
        label=label,
        raw=raw,
        requests_per_second=float(rps.group(1)) if rps else 0.0,
        p50_ms=_latency(raw, 50),
        p99_ms=_latency(raw, 99),
        requests=int(total.group(1)) if total else 0,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        statuses=_pairs(raw, "BENCH-STATUS", key=int),
        cache_states=_pairs(raw, "BENCH-CACHE"),
    )


def run(label, url, *, seconds, connections=64, threads=2, paths=None, count=False,
        work_dir, headers=(PROXY_HEADER,), timeout=30):  # fmt: skip
    """One wrk run; `paths` (a list) makes it rotate through them on `url`'s host."""
    # A request unanswered after `timeout` seconds counts as an error (wrk's own default, 2 s,
    # makes wrk drop and reopen connections gunicorn is still working for).
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s",
               "--latency"]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    script_args = []
    if paths or count:
        work_dir = Path(work_dir)
        script = LUA_ROTATE if paths else LUA_THREADS_ONLY
        if count:
            script += LUA_COUNT
        script_path = work_dir / f"wrk-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.lua"
        script_path.write_text(script)
        command += ["-s", str(script_path)]
        if paths:
            paths_file = script_path.with_suffix(".paths")
            paths_file.write_text("\n".join(paths) + "\n")
            script_args = ["--", str(paths_file)]
    command.append(url)
    completed = subprocess.run(
        command + script_args, capture_output=True, text=True, timeout=seconds + timeout + 60
    )
    raw = completed.stdout + completed.stderr
    result = parse(label, raw)
    result.load_average = os.getloadavg()[0]
    return result
