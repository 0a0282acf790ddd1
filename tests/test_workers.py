"""A real gunicorn with two workers: rate limits hold for the whole server, access logs cannot be forged."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from flask import Flask

from portal.config import PROJECT_ROOT
from portal.extensions import worker_share
from portal.gunicorn_logging import ACCESS_LOG_FORMAT

LIMIT = 60  # the documented limit on /api/v1/match
REQUESTS = 75
WORKERS = 2
START_SECONDS = 25
# Settings a developer may have exported that would change what these servers do.
PORTAL_SETTINGS = (
    "PORTAL_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "PUBLIC_URL",
    "TRUSTED_HOSTS",
    "RATELIMIT_ENABLED",
    "RATELIMIT_KEY_PREFIX",
    "MAIL_FROM",
    "MAIL_OUTBOX_DIR",
    "JOBS_QUEUE",
    "MAIL_URL",
    "CONTENT_DIR",
    "WEB_CONCURRENCY",
)
LINE = re.compile(r"<(?P<pid>\d+)> (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) \d+ms")


def test_each_worker_takes_its_share_of_an_in_memory_limit():
    memory = {"RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": 2}
    assert worker_share(60, memory) == 30
    assert worker_share(10, {**memory, "WEB_CONCURRENCY": 3}) == 3
    assert worker_share(1, {**memory, "WEB_CONCURRENCY": 4}) == 1
    assert worker_share(60, {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "WEB_CONCURRENCY": 2}) == 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A gunicorn serving the portal on 127.0.0.1, and the access log it writes."""

    process: subprocess.Popen
    port: int
    access_log: Path
    error_log: Path

    def get(self, path: str) -> int:
        """The status of one GET over a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Connection": "close"})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def get_all(self, paths: list[str], concurrency: int = 6) -> list[int]:
        """Statuses of many GETs, several at a time so that both workers take some."""
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(self.get, paths))

    def log_bytes(self) -> bytes:
        """Everything in the access log so far."""
        return self.access_log.read_bytes() if self.access_log.exists() else b""

    def wait_for_log(self, start: int, lines: int, seconds: float = 10) -> bytes:
        """The access log after byte ``start`` once it has ``lines`` lines (gunicorn logs after replying)."""
        deadline = time.monotonic() + seconds
        while self.log_bytes()[start:].count(b"\n") < lines and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # room for any extra line a forged request would add
        return self.log_bytes()[start:]

    def describe(self) -> str:
        """What the server wrote, for a failure message."""
        return self.error_log.read_text(errors="replace")[-3000:] if self.error_log.exists() else ""


def _environment(app: Flask, port: int, settings: dict[str, str]) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in PORTAL_SETTINGS}
    env.update(
        PORTAL_ENV="development",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(WORKERS),
        PUBLIC_CACHE_SECONDS="0",
        DEMO_DATA="0",
        PYTHONDONTWRITEBYTECODE="1",
        **settings,
    )
    return env


def _wait_until_both_workers_serve(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.process.returncode}:\n{server.describe()}")
        try:
            server.get_all(["/api/v1/service-areas"] * 8)
        except OSError:
            time.sleep(0.2)
            continue
        if len({m["pid"] for m in LINE.finditer(server.log_bytes().decode())}) == WORKERS:
            return
    pytest.fail(f"both gunicorn workers did not answer within {START_SECONDS} s:\n{server.describe()}")


def _serve(app: Flask, directory: Path, settings: dict[str, str]) -> Iterator[Server]:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("runs once, on SQLite: rate limits and access logs do not depend on the database")
    port = _free_port()
    access_log, error_log = directory / "access.log", directory / "error.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(PROJECT_ROOT / "gunicorn.conf.py"),
        # The pid shows which worker answered; the rest is the configured format.
        "--access-logformat",
        f"%(p)s {ACCESS_LOG_FORMAT}",
        "--access-logfile",
        str(access_log),
        "--graceful-timeout",
        "2",
        "wsgi:app",
    ]
    with error_log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=_environment(app, port, settings),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, port, access_log, error_log)
    try:
        _wait_until_both_workers_serve(server)
        yield server
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def key_prefix(redis_url: str) -> Iterator[str]:
    """A Redis key prefix of this run's own, whose keys are deleted afterwards."""
    prefix = f"portal-test-{secrets.token_hex(8)}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)


@pytest.fixture(scope="module")
def redis_server(
    app: Flask, tmp_path_factory: pytest.TempPathFactory, redis_url: str, key_prefix: str
) -> Iterator[Server]:
    """Two workers counting rate limits in Redis."""
    settings = {"REDIS_URL": redis_url, "RATELIMIT_KEY_PREFIX": key_prefix}
    yield from _serve(app, tmp_path_factory.mktemp("gunicorn-redis"), settings)


@pytest.fixture(scope="module")
def memory_server(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two workers, each counting rate limits in its own memory."""
    yield from _serve(app, tmp_path_factory.mktemp("gunicorn-memory"), {})


def _match_lines(log: bytes) -> list[re.Match]:
    return [m for m in LINE.finditer(log.decode()) if m["path"] == "/api/v1/match"]


def test_two_workers_sharing_redis_allow_exactly_the_documented_limit(
    redis_server: Server, redis_url: str, key_prefix: str
):
    start = len(redis_server.log_bytes())
    statuses = redis_server.get_all(["/api/v1/match?q=x"] * REQUESTS)
    assert Counter(s == 429 for s in statuses) == {False: LIMIT, True: REQUESTS - LIMIT}, Counter(statuses)
    lines = _match_lines(redis_server.wait_for_log(start, REQUESTS))
    assert len(lines) == REQUESTS
    assert len({line["pid"] for line in lines}) == WORKERS, "one worker served every request"
    assert sum(line["status"] != "429" for line in lines) == LIMIT
    # The count lives in Redis under our prefix, not in either worker.
    assert list(redis.Redis.from_url(redis_url).scan_iter(match=f"*{key_prefix}*"))


def test_two_workers_without_redis_never_allow_more_than_the_limit_together(memory_server: Server):
    start = len(memory_server.log_bytes())
    statuses = memory_server.get_all(["/api/v1/match?q=x"] * REQUESTS)
    allowed = sum(s != 429 for s in statuses)
    assert 0 < allowed <= LIMIT, Counter(statuses)
    lines = _match_lines(memory_server.wait_for_log(start, REQUESTS))
    assert len({line["pid"] for line in lines}) == WORKERS, "one worker served every request"
    per_worker = Counter(line["pid"] for line in lines if line["status"] != "429")
    assert max(per_worker.values()) <= LIMIT // WORKERS, per_worker


def test_the_access_log_never_holds_a_query_string(memory_server: Server):
    start = len(memory_server.log_bytes())
    memory_server.get("/service-areas/?q=my+name+is+alex")
    log = memory_server.wait_for_log(start, 1)
    assert b"GET /service-areas/ " in log
    assert b"alex" not in log and b"q=" not in log


FORGED = {
    "/find-your-fit%0D%0AGET%20/admin%20200%200ms": "/find-your-fit\\r\\nGET /admin 200 0ms",
    "/service-areas/a%00b": "/service-areas/a\\x00b",
    "/service-areas/%E2%80%AEgpj.exe": "/service-areas/\\u202egpj.exe",
    "/service-areas/a%E2%80%A8b%C2%85c%0Bd": "/service-areas/a\\u2028b\\x85c\\x0bd",
}


def test_forged_paths_give_one_escaped_access_log_line_each(memory_server: Server):
    start = len(memory_server.log_bytes())
    # A NUL is refused outright (400); the other paths are simply not found.
    status = {path: 400 if "%00" in path else 404 for path in FORGED}
    for path in FORGED:
        assert memory_server.get(path) == status[path]
    written = memory_server.wait_for_log(start, len(FORGED))
    for raw in (b"\r", b"\x00", b"\x0b", "\u202e".encode(), "\u2028".encode(), "\x85".encode()):
        assert raw not in written
    lines = written.decode("ascii").split("\n")
    assert lines.pop() == ""
    assert len(lines) == len(FORGED), lines
    for path, escaped in FORGED.items():
        [line] = [line for line in lines if escaped in line]
        assert re.fullmatch(rf"<\d+> GET {re.escape(escaped)} {status[path]} \d+ms", line), line
