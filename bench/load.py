"""HTTP load on the portal under gunicorn, as a share of a bare Flask app served the same way.

Prepares a database with the real content, the matcher index and 10,000 live demonstration listings
through the project's own commands (SQLite in a temporary folder, or a throwaway PostgreSQL database),
serves it with the project's ``gunicorn.conf.py`` (two sync workers, no rate limits, no access log) and
drives each endpoint with wrk: a warm-up pass, then a measured one. ``hello_app.py`` is served and
loaded the same way in the same run, so each figure is also read as a ratio to that baseline.

``.venv/bin/python bench/load.py --database sqlite --seconds 10`` (``make -C bench load`` runs both
databases). ``--project-root`` serves another checkout, for a before/after comparison.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
LISTINGS = 10_000
WORKERS = 2
CONNECTIONS = 16
THREADS = 2
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "portal_bench_load"
# wrk's own default is 2 s; a slower answer should show in the latency, not vanish as a timeout.
WRK_TIMEOUT = "5s"
# Only what a shell needs: settings left over in the caller's environment must not change the figures.
KEPT_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
BROWSER_HEADERS = {"Accept-Encoding": "gzip, br"}
PAGE_HEADERS = {**BROWSER_HEADERS, "Accept": "text/html"}
JSON_HEADERS = {**BROWSER_HEADERS, "Accept": "application/json"}
RESULT_MARK = "LOAD-RESULT "
# Printed by wrk's Lua hook when a pass ends: wrk's own counters, exactly as its summary shows them.
DONE_HOOK = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    "RESULT_MARK", summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
""".replace("RESULT_MARK", RESULT_MARK)


@dataclass(frozen=True)
class Endpoint:
    """One URL to load, what a correct answer contains, and the goal it is held to."""

    name: str
    path: str
    goal_ratio: float
    looks_right: Callable[[str], bool]
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=lambda: dict(PAGE_HEADERS))
    body: str | None = None


def _count_found(body: str) -> int:
    found = re.search(r"([\d,]+) opportunit(?:y|ies) found", body)
    return int(found.group(1).replace(",", "")) if found else 0


def _json(body: str) -> dict:
    with contextlib.suppress(ValueError):
        return json.loads(body)
    return {}


MATCH_BODY = json.dumps({"q": "I like chemistry and want to find out why people are ill", "stage": "post16"})
ENDPOINTS = (
    Endpoint("home", "/", 0.6, lambda body: "<h1" in body and "service-areas" in body),
    Endpoint("browse", "/service-areas/", 0.6, lambda body: "/service-areas/clinical-biochemistry" in body),
    Endpoint(
        "profile",
        "/service-areas/clinical-biochemistry",
        0.6,
        lambda body: "<h1" in body and "biochemistry" in body.lower(),
    ),
    Endpoint(
        "find your fit",
        "/find-your-fit",
        0.3,
        lambda body: "Your suggestions" in body and "/service-areas/" in body,
        method="POST",
    ),
    Endpoint(
        "opportunities near Leeds",
        "/opportunities/?near=Leeds&radius_km=25",
        0.3,
        lambda b: _count_found(b) > 0,
    ),
    Endpoint(
        "API match",
        "/api/v1/match",
        0.3,
        lambda body: bool(_json(body).get("suggestions")),
        method="POST",
        headers={**JSON_HEADERS, "Content-Type": "application/json"},
        body=MATCH_BODY,
    ),
    Endpoint(
        "API opportunities",
        "/api/v1/opportunities?q=audiology&near=Leeds&radius_km=50",
        0.3,
        lambda body: _json(body).get("count", 0) > 0,
        headers=dict(JSON_HEADERS),
    ),
)
HELLO = Endpoint("hello (baseline)", "/", 1.0, lambda body: "Hello, world" in body)


class BenchError(RuntimeError):
    """The benchmark cannot give a true figure; the message says why."""


@dataclass
class Setup:
    """Where the portal under test lives and how to run its commands."""

    root: Path
    tools: Path
    database: str
    instance: Path
    database_url: str
    logs: list[Path] = field(default_factory=list)

    def environment(self, **extra: str) -> dict[str, str]:
        """The portal's settings, and nothing else from the caller's environment."""
        kept = {name: os.environ[name] for name in KEPT_ENVIRONMENT if name in os.environ}
        return {
            **kept,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PORTAL_ENV": "development",
            "INSTANCE_DIR": str(self.instance),
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": SECRET_KEY,
            "RATELIMIT_ENABLED": "false",
            "WEB_CONCURRENCY": str(WORKERS),
            **extra,
        }


# One key for every command and worker of a run, so a CSRF token signed by one worker passes in the other.
SECRET_KEY = secrets.token_hex(32)


def tool_folder(root: Path) -> Path:
    """The checkout's own virtual environment, or this interpreter's when it has none."""
    own = root / ".venv" / "bin"
    return own if (own / "gunicorn").exists() else Path(sys.executable).parent


def flask(setup: Setup, *arguments: str, optional: bool = False) -> str:
    """Run ``flask --app wsgi ...`` in the checkout and return what it printed; stop the run if it fails."""
    command = [str(setup.tools / "flask"), "--app", "wsgi", *arguments]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=setup.root, env=setup.environment(), capture_output=True, text=True)
    if done.returncode and optional and "No such command" in done.stderr:
        print(f"    flask {' '.join(arguments)}: not in this checkout, skipped")
        return ""
    if done.returncode:
        raise BenchError(f"flask {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    print(f"    flask {' '.join(arguments)} ({time.perf_counter() - started:.0f} s)")
    return done.stdout


def psql(database: str, statement: str) -> None:
    """One statement on the local PostgreSQL as its superuser."""
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-q", "-v", "ON_ERROR_STOP=1"]
    done = subprocess.run([*command, "-c", statement], capture_output=True, text=True)
    if done.returncode:
        raise BenchError(f"psql {statement!r} failed: {done.stderr.strip()}")


def prepare(setup: Setup) -> None:
    """Migrate, load the content and index, seed the listings (then let PostgreSQL count the rows)."""
    print(f"==> Preparing {setup.database} with {LISTINGS:,} live listings ({setup.root})")
    flask(setup, "db", "upgrade")
    # Checkouts whose content load does not also build the index need the separate step.
    if "matching index" not in flask(setup, "content", "load"):
        flask(setup, "matching", "build", optional=True)
    flask(setup, "demo", "seed", "--opportunities", str(LISTINGS))
    if setup.database == "postgresql":
        # What autovacuum would do within a minute of a bulk load; without it the planner guesses.
        psql(POSTGRES_DATABASE, "ANALYZE")


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A gunicorn that answers, and the log it writes (its workers' start and stop lines)."""

    base: str
    log: Path


class Servers:
    """Every gunicorn this run starts, each stopped on the way out whatever happens."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen] = []

    def start(self, command: list[str], cwd: Path, env: dict[str, str], log: Path, port: int) -> Server:
        """Start gunicorn and wait until it listens on ``port``."""
        with log.open("w") as stream:
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=stream, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running.append(process)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start (exit {process.returncode}):\n{log.read_text()}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return Server(f"http://127.0.0.1:{port}", log)
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not listen on port {port} within 90 s:\n{log.read_text()}")

    def stop_all(self) -> None:
        """SIGTERM each master (it stops its workers), then SIGKILL its group if still there after 30 s."""
        for process in self.running:
            if process.poll() is None:
                process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # The master started its own session, so its group is exactly it and its workers.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()


def serve_portal(servers: Servers, setup: Setup, max_requests: int | None) -> Server:
    """The checkout's app with its own gunicorn.conf.py; only the address and the access log are ours."""
    port = free_port()
    config = setup.root / "gunicorn.conf.py"
    # Checkouts from before gunicorn.conf.py kept the same settings in a module.
    named = str(config) if config.exists() else "python:portal.gunicorn_config"
    command = [str(setup.tools / "gunicorn"), "--config", named]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"]
    if max_requests is not None:
        command += ["--max-requests", str(max_requests)]
    log = setup.instance / "gunicorn-portal.log"
    env = setup.environment(HOST="127.0.0.1", PORT=str(port))
    return servers.start(command, setup.root, env, log, port)


def serve_hello(servers: Servers, setup: Setup) -> Server:
    """The bare app: the same worker count and class, gunicorn's defaults for everything else."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "/dev/null"]
    command += ["--workers", str(WORKERS), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"]
    command += ["--access-logfile", "/dev/null", "hello_app:app"]
    kept = {name: os.environ[name] for name in KEPT_ENVIRONMENT if name in os.environ}
    return servers.start(command, BENCH, kept, setup.instance / "gunicorn-hello.log", port)


def with_csrf(server: Server, endpoint: Endpoint) -> Endpoint:
    """The Find your fit POST as a browser sends it: the form's session cookie and CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{server.base}{endpoint.path}", timeout=90) as response:
        form = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if token is None or not jar:
        raise BenchError(f"{endpoint.path}: the form has no CSRF token or set no session cookie")
    fields = {"csrf_token": token.group(1), "about": "I like chemistry and finding out why people are ill"}
    headers = {**endpoint.headers, "Content-Type": "application/x-www-form-urlencoded"}
    headers["Cookie"] = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
    return Endpoint(
        endpoint.name,
        endpoint.path,
        endpoint.goal_ratio,
        endpoint.looks_right,
        method="POST",
        headers=headers,
        body=urllib.parse.urlencode({**fields, "stage": "post16"}),
    )


def check(base: str, endpoint: Endpoint) -> None:
    """One plain request first: a 200 with a body that looks right, or the run stops here."""
    headers = {key: value for key, value in endpoint.headers.items() if key != "Accept-Encoding"}
    data = endpoint.body.encode() if endpoint.body is not None else None
    request = urllib.request.Request(f"{base}{endpoint.path}", data, headers, method=endpoint.method)
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode(errors="replace")
    if status != 200 or not endpoint.looks_right(body):
        raise BenchError(f"{endpoint.name}: {endpoint.method} {endpoint.path} gave {status}:\n{body[:2000]}")


def check_every_worker(base: str, endpoint: Endpoint) -> None:
    """Check it with more requests at once than there are workers, so each has answered it before wrk.

    A worker loads the matcher index on its first match and fills its page cache on each page's first
    request; wrk's warm-up pass alone may end before the second worker has done either.
    """
    with concurrent.futures.ThreadPoolExecutor(2 * WORKERS) as pool:
        for answered in [pool.submit(check, base, endpoint) for _ in range(2 * WORKERS)]:
            answered.result()


def lua_string(text: str) -> str:
    """``text`` as a double-quoted Lua literal (the bodies and headers here are plain ASCII)."""
    if not text.isascii() or not text.isprintable():
        raise BenchError(f"cannot put {text!r} in a wrk script")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(endpoint: Endpoint, folder: Path) -> Path:
    """The Lua script that sets the method, headers and body and reports wrk's counters."""
    lines = [f"wrk.method = {lua_string(endpoint.method)}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in endpoint.headers.items()]
    if endpoint.body is not None:
        lines.append(f"wrk.body = {lua_string(endpoint.body)}")
    path = folder / f"{re.sub(r'[^a-z]+', '-', endpoint.name.lower()).strip('-')}.lua"
    path.write_text("\n".join(lines) + "\n" + DONE_HOOK)
    return path


def wrk(url: str, script: Path, seconds: int) -> dict:
    """One wrk pass; its counters, and its printed summary for reading later."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", WRK_TIMEOUT, "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True)
    marked = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if done.returncode or not marked:
        raise BenchError(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    counters = json.loads(marked[0][len(RESULT_MARK) :])
    counters["output"] = [line for line in done.stdout.splitlines() if not line.startswith(RESULT_MARK)]
    return counters


def worker_boots(log: Path) -> int:
    """How many workers gunicorn has started so far, by its own log."""
    return log.read_text(errors="replace").count("Booting worker")


def measure(server: Server, endpoint: Endpoint, options: argparse.Namespace, folder: Path) -> dict:
    """Check, warm up, then measure one endpoint, counting the workers replaced while it was measured."""
    base = server.base
    check(base, endpoint)
    check_every_worker(base, endpoint)
    script = wrk_script(endpoint, folder)
    wrk(f"{base}{endpoint.path}", script, options.warmup_seconds)
    # wrk leaves up to 16 requests queued when it stops; one more request waits behind them all, so once
    # it is answered the measured pass starts on an idle server, not on the warm-up's backlog.
    check(base, endpoint)
    boots = worker_boots(server.log)
    counters = wrk(f"{base}{endpoint.path}", script, options.seconds)
    restarts = worker_boots(server.log) - boots
    errors = {kind: counters[kind] for kind in ("connect", "read", "write", "timeout", "status")}
    row = {
        "endpoint": endpoint.name,
        "method": endpoint.method,
        "path": endpoint.path,
        "goal_ratio": endpoint.goal_ratio,
        "requests": counters["requests"],
        "requests_per_s": round(counters["requests"] / (counters["duration_us"] / 1e6), 1),
        "p50_ms": round(counters["p50_us"] / 1000, 2),
        "p90_ms": round(counters["p90_us"] / 1000, 2),
        "p99_ms": round(counters["p99_us"] / 1000, 2),
        "max_ms": round(counters["max_us"] / 1000, 2),
        "errors": errors,
        "error_total": sum(errors.values()),
        "worker_restarts": restarts,
        "wrk_output": counters["output"],
    }
    shown = f"{row['requests_per_s']:8.1f} req/s  p50 {row['p50_ms']:6.2f} ms  p99 {row['p99_ms']:7.2f} ms"
    flag = f"  ERRORS {errors}" if row["error_total"] else ""
    flag += "" if row["requests"] else "  NO REQUEST FINISHED"
    flag += f"  ({restarts} worker(s) replaced)" if restarts else ""
    print(f"    {endpoint.name:28} {shown}{flag}")
    return row


def run(setup: Setup, options: argparse.Namespace) -> dict:
    """Prepare, serve both apps, and load the baseline before and after the portal's endpoints."""
    prepare(setup)
    servers = Servers()
    try:
        hello = serve_hello(servers, setup)
        portal = serve_portal(servers, setup, options.max_requests)
        print(f"==> Load: {CONNECTIONS} connections, {THREADS} threads, {options.seconds} s per endpoint")
        folder = setup.instance
        before = measure(hello, HELLO, options, folder)
        chosen = [e for e in ENDPOINTS if not options.only or e.name in options.only]
        rows = []
        for endpoint in chosen:
            ready = with_csrf(portal, endpoint) if endpoint.path == "/find-your-fit" else endpoint
            rows.append(measure(portal, ready, options, folder))
        after = measure(hello, HELLO, options, folder)
    finally:
        servers.stop_all()
    baseline = (before["requests_per_s"] + after["requests_per_s"]) / 2
    for row in rows:
        row["ratio"] = round(row["requests_per_s"] / baseline, 3) if baseline else 0.0
    return {
        "baseline": {"requests_per_s": round(baseline, 1), "before": before, "after": after},
        "endpoints": rows,
    }


@contextlib.contextmanager
def database(kind: str, root: Path) -> Iterator[Setup]:
    """A fresh instance folder, and a fresh PostgreSQL database when asked; both removed afterwards."""
    instance = Path(tempfile.mkdtemp(prefix=f"portal-load-{kind}-"))
    if kind == "sqlite":
        url = f"sqlite:///{instance / 'portal.sqlite3'}"
    else:
        psql("postgres", f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        psql("postgres", f"CREATE DATABASE {POSTGRES_DATABASE}")
        url = f"{POSTGRES}/{POSTGRES_DATABASE}"
    try:
        yield Setup(root, tool_folder(root), kind, instance, url)
    finally:
        if kind == "postgresql":
            psql("postgres", f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        shutil.rmtree(instance, ignore_errors=True)


def stop_on_sigterm() -> None:
    """Let SIGTERM unwind like Ctrl+C does, so the servers and the database are cleaned up."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def main() -> None:
    """Parse the command line, run one database, print the figures and write them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=10, help="measured pass per endpoint")
    parser.add_argument("--warmup-seconds", type=int, default=3, help="warm-up pass per endpoint")
    parser.add_argument("--project-root", type=Path, default=BENCH.parent, help="the checkout to serve")
    parser.add_argument(
        "--max-requests", type=int, help="override gunicorn.conf.py's max_requests (0: never replace workers)"
    )
    parser.add_argument("--only", action="append", help="load only this endpoint (repeatable)")
    parser.add_argument("--output", type=Path, help="default results/load-<database>.json")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk): the HTTP load figures are skipped")
    stop_on_sigterm()
    root = options.project_root.resolve()
    output = options.output or RESULTS / f"load-{options.database}.json"
    # A failed run must not leave the last run's figures to be reported as this one's.
    output.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        with database(options.database, root) as setup:
            figures = run(setup, options)
    except BenchError as error:
        sys.exit(f"!! HTTP load on {options.database} stopped: {error}")
    report = {
        "database": options.database,
        "project_root": str(root),
        "listings": LISTINGS,
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "threads": THREADS,
        "seconds": options.seconds,
        "warmup_seconds": options.warmup_seconds,
        "max_requests": "as gunicorn.conf.py" if options.max_requests is None else options.max_requests,
        "run": {
            "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores visible",
            "took_s": round(time.perf_counter() - started),
        },
        **figures,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    errors = sum(row["error_total"] for row in figures["endpoints"])
    print(f"    baseline {figures['baseline']['requests_per_s']} req/s; errors {errors}; {output}")


if __name__ == "__main__":
    main()
