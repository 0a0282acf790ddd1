"""Start real gunicorn instances of the portal for drills: given settings, wait until it answers, stop it.

Each instance gets an environment of its own (nothing a developer exported leaks in), its own
INSTANCE_DIR unless one is given, a free port and a log file. Drills and their tests share this.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 120
# Settings a developer may have exported that would change what an instance does.
PORTAL_SETTINGS = (
    "PORTAL_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "PUBLIC_URL",
    "TRUSTED_HOSTS",
    "RATELIMIT_ENABLED",
    "RATELIMIT_KEY_PREFIX",
    "PAGE_CACHE_PREFIX",
    "MAIL_FROM",
    "MAIL_OUTBOX_DIR",
    "MAIL_URL",
    "JOBS_QUEUE",
    "CONTENT_DIR",
    "INSTANCE_DIR",
    "WEB_CONCURRENCY",
    "PUBLIC_CACHE_SECONDS",
    "DEMO_DATA",
)


class InstanceError(RuntimeError):
    """An instance did not start, or stopped when it should have been serving."""


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def portal_environment(settings: dict[str, str]) -> dict[str, str]:
    """The process environment without any portal setting from outside, plus ``settings``."""
    env = {name: value for name, value in os.environ.items() if name not in PORTAL_SETTINGS}
    env.update(PORTAL_ENV="development", DEMO_DATA="0", PYTHONDONTWRITEBYTECODE="1")
    env.update(settings)
    return env


def run_cli(arguments: list[str], settings: dict[str, str], timeout: float = 300) -> str:
    """Run ``flask --app wsgi ...`` with ``settings`` and return its output; raise if it fails."""
    completed = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
        cwd=PROJECT_ROOT,
        env=portal_environment(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise InstanceError(f"flask {' '.join(arguments)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


@dataclass
class Instance:
    """One gunicorn serving the portal on 127.0.0.1."""

    name: str
    port: int
    process: subprocess.Popen
    instance_dir: Path
    log: Path
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """Where it listens, as http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this instance."""
        return self.origin + path

    def worker_pids(self) -> list[int]:
        """The worker processes the gunicorn master has forked now."""
        listing = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in listing.stdout.split()]

    def log_tail(self, characters: int = 3000) -> str:
        """The end of what gunicorn wrote, for a failure message."""
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""

    def wait_until_answering(self, seconds: float = START_SECONDS, workers: int = 1) -> None:
        """Return once ``/api/v1/service-areas`` answers and ``workers`` workers run; raise otherwise."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise InstanceError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                answer = requests.get(self.url("/api/v1/service-areas"), timeout=5)
                if answer.status_code == 200 and len(self.worker_pids()) >= workers:
                    return
            time.sleep(0.2)
        raise InstanceError(f"{self.name} did not answer within {seconds} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop gunicorn quickly (SIGINT), or kill it if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_instance(
    name: str,
    settings: dict[str, str],
    workers: int = 1,
    instance_dir: Path | None = None,
    extra_arguments: tuple[str, ...] = (),
) -> Instance:
    """Start gunicorn with ``settings`` (DATABASE_URL at least) and wait until it answers."""
    directory = instance_dir or Path(tempfile.mkdtemp(prefix=f"portal-{name}-"))
    port = free_port()
    env = portal_environment(
        {
            "SECRET_KEY": secrets.token_hex(32),
            "INSTANCE_DIR": str(directory),
            "MAIL_OUTBOX_DIR": str(directory / "outbox"),
            **settings,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
        }
    )
    log = directory / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(PROJECT_ROOT / "gunicorn.conf.py"),
        "--graceful-timeout",
        "2",
        *extra_arguments,
        "wsgi:app",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    instance = Instance(name, port, process, directory, log, settings)
    try:
        instance.wait_until_answering(workers=workers)
    except BaseException:
        instance.stop()
        raise
    return instance


@contextlib.contextmanager
def running(name: str, settings: dict[str, str], workers: int = 1, **options: object) -> Iterator[Instance]:
    """An instance for the length of a ``with`` block, stopped afterwards whatever happens."""
    instance = start_instance(name, settings, workers, **options)  # type: ignore[arg-type]
    try:
        yield instance
    finally:
        instance.stop()


def create_database(admin_url: str, name: str) -> str:
    """Create PostgreSQL database ``name`` through ``admin_url`` and return its SQLAlchemy URL."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, name: str) -> None:
    """Drop PostgreSQL database ``name``, ending any connection still open to it."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()
