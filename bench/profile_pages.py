"""Where a request's time goes, in-process: pyinstrument over many requests through the test client.

Prepares a throwaway SQLite instance (content, index, 10,000 demonstration listings), builds the app
with ``create_app()`` as `make run` would (development settings: the page cache and the rate limits
on, in memory), and for each endpoint times a run of requests, then profiles another run. Each
request comes from its own address, so the rate limits count but never refuse, and sends a browser's
Accept headers. Prints, per endpoint, the mean time and the functions that cost most by self time and
by inclusive time, the SQL statements one request runs, and pyinstrument's call tree, trimmed.

Standalone: ``.venv/bin/python bench/profile_pages.py`` (pyinstrument comes from bench/.deps: `make -C
bench profile` installs it); writes results/profile.json.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from memory_and_rebuild import LISTINGS, csrf_token, instance_environment, prepare_instance  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PROFILE_INTERVAL_S = 0.0002
TOP = 10
TREE_LINES = 45
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "en-GB,en;q=0.9",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) bench",
}
MATCH_TEXT = "I like fixing machines and helping people hear"


@dataclass(frozen=True)
class Endpoint:
    """One kind of request and how many of it to time and to profile."""

    name: str
    method: str
    path: str
    repeats: int
    body: str | None = None  # "form" (Find your fit, with a CSRF token) or "json"


ENDPOINTS = (
    Endpoint("home (cached page)", "GET", "/", 600),
    Endpoint("profile (cached page)", "GET", "/service-areas/audiology", 600),
    Endpoint("browse (cached page)", "GET", "/service-areas/", 600),
    Endpoint("browse, filtered (cached page)", "GET", "/service-areas/?q=heart&view=a-z", 600),
    Endpoint("find your fit POST", "POST", "/find-your-fit", 60, body="form"),
    Endpoint("api match POST", "POST", "/api/v1/match", 100, body="json"),
    Endpoint("opportunity search page", "GET", "/opportunities/?q=audiology&near=Leeds", 40),
    Endpoint("opportunity search API", "GET", "/api/v1/opportunities?q=laboratory", 40),
)


class Addresses:
    """A new client address for every request, so per-address rate limits count but never refuse."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        """The next address in 10.0.0.0/8."""
        self.count += 1
        return f"10.{(self.count >> 16) & 255}.{(self.count >> 8) & 255}.{self.count & 255}"


@contextlib.contextmanager
def counted_statements(engine: Any) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block, each cut to its first line."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split())[:140])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def request_maker(client: Any, endpoint: Endpoint, addresses: Addresses) -> Callable[[], Any]:
    """A call that sends ``endpoint`` once, as a browser or API client would."""
    headers = dict(BROWSER_HEADERS)
    if endpoint.body == "json":
        headers["Accept"] = "application/json"
        payload = json.dumps({"q": MATCH_TEXT})
        return lambda: client.post(
            endpoint.path,
            data=payload,
            content_type="application/json",
            headers=headers,
            environ_base={"REMOTE_ADDR": addresses.next()},
        )
    if endpoint.body == "form":
        page = client.get(endpoint.path, headers=headers).get_data(as_text=True)
        form = {"csrf_token": csrf_token(page) or "", "about": MATCH_TEXT}
        return lambda: client.post(
            endpoint.path, data=form, headers=headers, environ_base={"REMOTE_ADDR": addresses.next()}
        )
    return lambda: client.get(endpoint.path, headers=headers, environ_base={"REMOTE_ADDR": addresses.next()})


def _walk(frame: Any, ancestors: frozenset, self_times: dict, inclusive: dict) -> None:
    key = (frame.function, frame.file_path_short or "", frame.line_no or 0)
    self_times[key] = self_times.get(key, 0.0) + frame.total_self_time
    if key not in ancestors:  # a recursive call's time is already in its outer call
        inclusive[key] = inclusive.get(key, 0.0) + frame.time
    for child in frame.children:
        _walk(child, ancestors | {key}, self_times, inclusive)


def _rows(times: dict, total: float, count: int, skip_above: float = 1.01) -> list[dict]:
    ordered = sorted(times.items(), key=lambda item: -item[1])
    rows = []
    for (function, path, line), seconds in ordered:
        share = seconds / total if total else 0.0
        # The import machinery wraps every import: it says nothing about which module costs what.
        if share > skip_above or function.startswith("[") or path.startswith("<frozen importlib"):
            continue
        rows.append(
            {
                "function": function,
                "where": f"{path}:{line}",
                "share": round(share, 4),
                "ms_per_request": round(seconds * 1000 / count, 3),
            }
        )
        if len(rows) == TOP:
            break
    return rows


def _app_frames(frame: Any) -> list[Any]:
    """The outermost frames of Flask handling a request: the test client's own work is left out."""
    if frame.function == "wsgi_app" and (frame.file_path or "").endswith("flask/app.py"):
        return [frame]
    return [found for child in frame.children for found in _app_frames(child)]


def profile_calls(call: Callable[[], Any], count: int) -> dict:
    """Profile ``count`` calls: the top functions by self and inclusive time, and the trimmed tree.

    Shares are of the time Flask spent on the requests (``Flask.wsgi_app``), not of the test client's.
    """
    profiler = Profiler(interval=PROFILE_INTERVAL_S)
    profiler.start()
    for _ in range(count):
        call()
    session = profiler.stop()
    root = session.root_frame()
    self_times: dict = {}
    inclusive: dict = {}
    frames = _app_frames(root) if root is not None else []
    for frame in frames:
        _walk(frame, frozenset(), self_times, inclusive)
    total = sum(frame.time for frame in frames)
    tree = profiler.output_text(unicode=False, color=False, show_all=False)
    return {
        "profiled_requests": count,
        "app_ms_per_request": round(total * 1000 / count, 3),
        "profiler_cpu_s": round(session.cpu_time, 3),
        "profiler_wall_s": round(session.duration, 3),
        "top_self": _rows(self_times, total, count),
        # Frames that hold nearly all of the time are Flask's dispatch around every request: left
        # out, so what remains says which part of the request costs what.
        "top_inclusive": _rows(inclusive, total, count, skip_above=0.9),
        "tree": tree.splitlines()[:TREE_LINES],
    }


def time_calls(call: Callable[[], Any], count: int) -> dict:
    """Mean, median and p95 in milliseconds over ``count`` calls, and the mean CPU time.

    The CPU time is this process's, which is the request's own (the test client runs it in this
    thread): it holds up better than the wall clock when others share the machine.
    """
    samples = []
    started_cpu = time.process_time()
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    cpu = time.process_time() - started_cpu
    ordered = sorted(samples)
    return {
        "requests": count,
        "mean_ms": round(statistics.fmean(samples) * 1000, 3),
        "p50_ms": round(statistics.median(samples) * 1000, 3),
        "p95_ms": round(ordered[min(count - 1, int(0.95 * count))] * 1000, 3),
        "cpu_mean_ms": round(cpu * 1000 / count, 3),
    }


def measure_endpoint(app: Any, endpoint: Endpoint, addresses: Addresses, scale: float = 1.0) -> dict:
    """Warm up, look at one response and its SQL, time a run, profile another run."""
    endpoint = dataclasses.replace(endpoint, repeats=max(5, round(endpoint.repeats * scale)))
    from portal.extensions import db

    client = app.test_client()
    call = request_maker(client, endpoint, addresses)
    for _ in range(3):
        call()
    with app.app_context(), counted_statements(db.engine) as statements:
        response = call()
    result: dict[str, Any] = {
        "method": endpoint.method,
        "path": endpoint.path,
        "status": response.status_code,
        "response_bytes": len(response.get_data()),
        "sets_cookie": "Set-Cookie" in response.headers,
        "content_encoding": response.headers.get("Content-Encoding"),
        "sql_one_request": len(statements),
        "sql_statements": statements,
    }
    if response.status_code >= 400:
        result["error"] = f"answered {response.status_code}: not timed"
        return result
    with app.app_context(), counted_statements(db.engine) as timed_statements:
        result["timing"] = time_calls(call, endpoint.repeats)
    # Some reads are cached for a few seconds, so one request may show fewer than the average.
    result["sql_per_request_mean"] = round(len(timed_statements) / endpoint.repeats, 2)
    result["mean_ms"] = result["timing"]["mean_ms"]
    result["profile"] = profile_calls(call, endpoint.repeats)
    return result


def start_app() -> tuple[Any, dict]:
    """``create_app()`` (imports included), profiled: what every worker and `flask` command pays first."""
    profiler = Profiler(interval=0.001)
    started, started_cpu = time.perf_counter(), time.process_time()
    profiler.start()
    from portal import create_app

    app = create_app()
    session = profiler.stop()
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    inclusive: dict = {}
    root = session.root_frame()
    if root is not None:
        _walk(root, frozenset(), {}, inclusive)
    return app, {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "top_inclusive": _rows(inclusive, root.time if root else 0.0, 1, skip_above=0.9),
        "tree": profiler.output_text(unicode=False, color=False).splitlines()[:TREE_LINES],
    }


def measure(listings: int, output: Path, only: set[str] | None = None, scale: float = 1.0) -> dict:
    """Prepare an instance, then measure every endpoint in this process.

    ``output`` is rewritten after each endpoint, so a run cut short keeps what it measured.
    """
    instance = Path(tempfile.mkdtemp(prefix="portal-profile-"))
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        print(f"preparing an instance with {listings:,} demonstration listings", flush=True)
        prepare_s = prepare_instance(instance, None, listings)
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(instance_environment(instance, None))
        # The rate limits stay on, as `make run` has them: their bookkeeping is part of the cost.
        os.environ["RATELIMIT_ENABLED"] = "true"
        app, startup = start_app()
        report: dict[str, Any] = {
            "listings": listings,
            "prepare_s": round(prepare_s, 1),
            "settings": {
                "PUBLIC_CACHE_SECONDS": app.config.get("PUBLIC_CACHE_SECONDS"),
                "RATELIMIT_ENABLED": app.config.get("RATELIMIT_ENABLED"),
                "RATELIMIT_STORAGE_URI": app.config.get("RATELIMIT_STORAGE_URI"),
                "profile_interval_s": PROFILE_INTERVAL_S,
                "scale": scale,
            },
            "startup": startup,
            "endpoints": {},
            "environment": {"python": platform.python_version(), "cpus": os.cpu_count()},
        }
        addresses = Addresses()
        for endpoint in ENDPOINTS:
            if only and endpoint.name not in only:
                continue
            print(f"{endpoint.name}: {endpoint.method} {endpoint.path}", flush=True)
            try:
                result = measure_endpoint(app, endpoint, addresses, scale)
            except Exception as error:  # one broken page must not lose the figures of the others
                result = {"path": endpoint.path, "error": f"{type(error).__name__}: {error}"}
            report["endpoints"][endpoint.name] = result
            # Others share the machine: a load above the core count means the figures are slowed by it.
            report["environment"]["load_average"] = [round(x, 2) for x in os.getloadavg()]
            output.write_text(json.dumps(report, indent=2))
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return report


def print_summary(report: dict) -> None:
    """Per endpoint: the mean, the SQL count, the top functions and the trimmed call tree."""
    startup = report["startup"]
    print(f"\n=== create_app(), imports included: {startup['wall_s']} s ({startup['cpu_s']} s CPU)")
    for row in startup["top_inclusive"]:
        print(f"    {row['share']:6.1%} {row['ms_per_request']:9.1f} ms  {row['function']}  {row['where']}")
    for name, result in report["endpoints"].items():
        print(f"\n=== {name}: {result.get('path')}")
        if "error" in result:
            print(f"  {result['error']}")
            continue
        timing = result["timing"]
        print(
            f"  {timing['mean_ms']:.2f} ms mean ({timing['cpu_mean_ms']:.2f} ms CPU), "
            f"p50 {timing['p50_ms']:.2f}, p95 {timing['p95_ms']:.2f} "
            f"over {timing['requests']} requests; {result['sql_per_request_mean']} SQL statements a request; "
            f"sets a cookie: {result['sets_cookie']}"
        )
        for statement in result["sql_statements"][:8]:
            print(f"    sql: {statement}")
        print("  top by self time:")
        for row in result["profile"]["top_self"]:
            print(
                f"    {row['share']:6.1%} {row['ms_per_request']:8.3f} ms  {row['function']}  {row['where']}"
            )
        print("  top by inclusive time (below the dispatch):")
        for row in result["profile"]["top_inclusive"]:
            print(
                f"    {row['share']:6.1%} {row['ms_per_request']:8.3f} ms  {row['function']}  {row['where']}"
            )
        print("  call tree (trimmed):")
        for line in result["profile"]["tree"]:
            print(f"    {line}")


def main() -> None:
    """Parse the command line, measure, print and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=LISTINGS)
    parser.add_argument("--output", type=Path, default=RESULTS / "profile.json")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="just this endpoint (repeatable), e.g. 'api match POST'",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every endpoint's request count")
    options = parser.parse_args()
    report = measure(options.listings, options.output, set(options.only or ()), options.scale)
    print_summary(report)


if __name__ == "__main__":
    main()
