"""Drill: the database goes away under a running portal, and comes back.

Creates a throwaway PostgreSQL cluster of its own (never the machine's cluster on 5432), migrates
it, loads the content and serves the portal with gunicorn (two workers, gunicorn.conf.py). It checks
that pages and the API answer 200, stops the cluster, checks that pages answer the 503 page and the
API its JSON 503 (with Retry-After and no-store, and no error text), starts the cluster again and
checks that both workers answer 200 again without a restart. The cluster is always dropped.

Needs root and Debian's postgresql-common (pg_createcluster). Run from the project root:

    .venv/bin/python -m bench.drills.database_down
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.drills.instances import PORTAL_SETTINGS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
POSTGRESQL_VERSION = os.environ.get("DRILL_POSTGRESQL_VERSION", "15")
WORKERS = 2
START_SECONDS = 60
RECOVERY_SECONDS = 30
# Pages that read the database on every request (the page cache is off in the drill).
PAGES = ("/service-areas/", "/opportunities/")
API_PATHS = ("/api/v1/service-areas", "/api/v1/entry-routes")
# Text that must never reach a visitor, whatever failed.
LEAKS = ("Traceback", "OperationalError", "psycopg", "postgres", "sqlalchemy", "connection refused")


class DrillError(AssertionError):
    """The portal did not behave as the drill expects."""


def skip_reason() -> str | None:
    """Why this drill cannot run here, or None when it can."""
    if shutil.which("pg_createcluster") is None or shutil.which("pg_ctlcluster") is None:
        return "pg_createcluster is not installed (Debian's postgresql-common)"
    if os.geteuid() != 0:
        return "pg_createcluster needs root"
    if not Path(f"/usr/lib/postgresql/{POSTGRESQL_VERSION}/bin/postgres").exists():
        return f"PostgreSQL {POSTGRESQL_VERSION} is not installed"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    completed = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if completed.returncode != 0:
        raise DrillError(
            f"{' '.join(command[:4])} failed ({completed.returncode}):\n{completed.stderr[-2000:]}"
        )
    return completed.stdout


@dataclass
class Cluster:
    """A PostgreSQL cluster of the drill's own, reached over TCP with trust authentication."""

    name: str
    port: int
    version: str = POSTGRESQL_VERSION

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its ``postgres`` database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Start the cluster and wait until it takes connections."""
        _run(["pg_ctlcluster", self.version, self.name, "start"])
        deadline = time.monotonic() + 30
        while not _accepts_connections(self.port):
            if time.monotonic() > deadline:
                raise DrillError(f"cluster {self.name} did not start listening on {self.port}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the cluster at once (fast shutdown: open connections are cut)."""
        _run(["pg_ctlcluster", self.version, self.name, "stop", "--mode", "fast"])


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A new, started cluster with a name and port of its own, dropped afterwards whatever happens."""
    cluster = Cluster(name=f"drill_{os.getpid()}_{secrets.token_hex(3)}", port=free_port())
    try:
        _run(
            [
                *("pg_createcluster", cluster.version, cluster.name, "--port", str(cluster.port)),
                *("--", "--auth=trust", "--no-sync"),
            ]
        )
        cluster.start()
        yield cluster
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", cluster.version, cluster.name],
            capture_output=True,
            timeout=60,
            check=False,
        )


def portal_environment(database_url: str, instance_dir: Path, port: int) -> dict[str, str]:
    """The environment of the drill's portal: development settings on the given database, no cache."""
    env = {name: value for name, value in os.environ.items() if name not in PORTAL_SETTINGS}
    env.update(
        PORTAL_ENV="development",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=database_url,
        INSTANCE_DIR=str(instance_dir),
        MAIL_OUTBOX_DIR=str(instance_dir / "outbox"),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(WORKERS),
        PUBLIC_CACHE_SECONDS="0",
        WORKFORCE_CACHE_SECONDS="0",
        DEMO_DATA="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Migrate the drill's database and load the content, with the portal's own commands."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    _run([*flask, "db", "upgrade"], env)
    _run([*flask, "content", "load"], env)


@dataclass
class Answer:
    """One HTTP response: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> object:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class Server:
    """A gunicorn serving the portal, and the log it writes."""

    process: subprocess.Popen
    port: int
    log: Path
    seen_pids: set[str] = field(default_factory=set)

    def get(self, path: str) -> Answer:
        """One GET over a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Connection": "close"})
            response = connection.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()

    def log_text(self) -> str:
        """Everything gunicorn and the portal have logged so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[Server]:
    """gunicorn with gunicorn.conf.py and two workers, stopped afterwards."""
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--graceful-timeout", "2"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "wsgi:app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, int(env["PORT"]), log)
    try:
        _wait_until_serving(server)
        yield server
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise DrillError(
                f"gunicorn exited with {server.process.returncode}:\n{server.log_text()[-3000:]}"
            )
        try:
            if server.get(API_PATHS[0]).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise DrillError(f"gunicorn did not answer within {START_SECONDS} s:\n{server.log_text()[-3000:]}")


def _every_path() -> list[str]:
    # Enough requests that both workers take some (sync workers, fresh connection each time).
    return [*PAGES, *API_PATHS] * 3


def check_all_answer_200(server: Server) -> None:
    """Every page and API path answers 200."""
    for path in _every_path():
        answer = server.get(path)
        if answer.status != 200:
            raise DrillError(f"{path} answered {answer.status}, not 200")


def check_unavailable(server: Server) -> None:
    """Pages answer the friendly 503 page, the API its JSON 503; nothing leaks."""
    for path in _every_path():
        answer = server.get(path)
        problems = _unavailable_problems(path, answer)
        if problems:
            raise DrillError(f"{path} while the database is down: {'; '.join(problems)}")


def _unavailable_problems(path: str, answer: Answer) -> list[str]:
    problems = []
    if answer.status != 503:
        problems.append(f"status {answer.status}, not 503")
    if not answer.headers.get("retry-after", "").isdigit():
        problems.append("no Retry-After")
    if answer.headers.get("cache-control") != "no-store":
        problems.append(f"Cache-Control {answer.headers.get('cache-control')!r}, not no-store")
    problems += [f"the body shows {leak!r}" for leak in LEAKS if leak.lower() in answer.body.lower()]
    if path.startswith("/api/"):
        body = (
            answer.json() if answer.headers.get("content-type", "").startswith("application/json") else None
        )
        if not (isinstance(body, dict) and body.get("error", {}).get("code") == "service_unavailable"):
            problems.append(f"not the API's JSON error: {answer.body[:200]!r}")
    elif "Sorry, the service is unavailable" not in answer.body or "try again later" not in answer.body:
        problems.append("not the 'Sorry, the service is unavailable' page")
    return problems


def wait_for_recovery(server: Server) -> float:
    """Seconds until every path answers 200 again on its own; DrillError if that takes too long."""
    started = time.monotonic()
    while True:
        try:
            check_all_answer_200(server)
            return time.monotonic() - started
        except DrillError:
            if time.monotonic() - started > RECOVERY_SECONDS:
                raise
            time.sleep(0.5)


def check_log(server: Server) -> list[str]:
    """The portal's lines about the outage; DrillError if the log holds a traceback."""
    text = server.log_text()
    if "Traceback" in text:
        raise DrillError(f"the log holds a traceback:\n{text[-3000:]}")
    return [line for line in text.splitlines() if "Database unavailable" in line]


def run_drill(report=print) -> list[str]:
    """Run the whole drill, reporting each step; returns the log lines about the outage."""
    with tempfile.TemporaryDirectory(prefix="database-drill-") as directory, throwaway_cluster() as cluster:
        report(f"cluster {cluster.name} on port {cluster.port}: created and started")
        env = portal_environment(cluster.url, Path(directory), free_port())
        prepare_database(env)
        report("migrated and loaded the content")
        with serve(env, Path(directory) / "gunicorn.log") as server:
            check_all_answer_200(server)
            report(f"database up: {len(_every_path())} requests answered 200")
            cluster.stop()
            check_unavailable(server)
            report(
                "database down: pages answered the 503 page, the API JSON 503, with Retry-After and no-store"
            )
            cluster.start()
            seconds = wait_for_recovery(server)
            report(
                f"database back: every request answered 200 again after {seconds:.1f} s, without a restart"
            )
            lines = check_log(server)
            report(f"log: {len(lines)} 'Database unavailable' lines, no traceback")
            return lines


def main() -> int:
    """Run the drill and print its outcome."""
    reason = skip_reason()
    if reason:
        print(f"database drill not run: {reason}")
        return 2
    try:
        run_drill()
    except DrillError as failure:
        print(f"database drill FAILED: {failure}")
        return 1
    print(
        "database drill PASSED: the portal answered 503 while the database was down and recovered by itself"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
