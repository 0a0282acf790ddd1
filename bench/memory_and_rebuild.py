"""The cost of the matcher's index and of serving: rebuild time, and each gunicorn worker's memory.

Prepares a throwaway instance with the content, the index and the demonstration data at 10,000 live
listings: SQLite in a temporary INSTANCE_DIR, and PostgreSQL in a throwaway database when one answers
on 127.0.0.1:5432. On each it times

- a forced rebuild of the index (every stored version removed first, so ``build_index`` fits, saves
  and stores a new one, then the commit), the median of 3; the index holds the profiles and the
  neighbouring professions, not the listings (a keyword search scores listings by their areas and
  words), so it costs the same with 10 listings or 10,000;
- an unchanged rebuild (what every `make run` and `flask matching build` does when nothing changed:
  the stored index is checked by loading it) and a worker's first load of the index, medians of 3;

then starts gunicorn with gunicorn.conf.py (2 workers, no rate limits, no access log), sends each
kind of request (home, browse, a profile, Find your fit, /api/v1/match, opportunity search) from
several threads so that both workers load the index and fill their caches, and reads the RSS (and
PSS and private memory, from /proc/<pid>/smaps_rollup) of the master and each worker, before and after.

Standalone: ``.venv/bin/python bench/memory_and_rebuild.py [--no-postgresql]``; writes
results/memory.json.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import http.cookiejar
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).resolve().parent / "results"
LISTINGS = 10_000
REPEATS = 3
POSTGRES = ("127.0.0.1", 5432)
POSTGRES_DB = "portal_bench_memory"
WORKERS = 2
WARM_ROUNDS = 12
WARM_THREADS = 4
BOOT_LIMIT_S = 180.0
PROFILE = "audiology"
MATCH_TEXTS = (
    "I like fixing machines and helping people hear",
    "blood tests in a laboratory",
    "scanning hearts with ultrasound",
)
SEARCHES = ("q=audiology", "q=laboratory&near=Leeds", "type=job", "near=London&radius_km=100")


def postgresql_answers() -> bool:
    """Whether something listens on the local PostgreSQL port."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(POSTGRES) == 0


@contextlib.contextmanager
def throwaway_postgresql() -> Iterator[str]:
    """A fresh database on the local PostgreSQL for the length of the block, dropped after."""
    base = ["-h", POSTGRES[0], "-p", str(POSTGRES[1]), "-U", "postgres"]
    subprocess.run(["dropdb", *base, "--if-exists", POSTGRES_DB], check=True)
    subprocess.run(["createdb", *base, POSTGRES_DB], check=True)
    try:
        yield f"postgresql+psycopg://postgres@{POSTGRES[0]}:{POSTGRES[1]}/{POSTGRES_DB}"
    finally:
        subprocess.run(["dropdb", *base, "--if-exists", "--force", POSTGRES_DB], check=False)


def instance_environment(instance: Path, database_url: str | None) -> dict[str, str]:
    """The settings a portal process of this instance runs with."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "PORTAL_ENV")}
    env.update({"INSTANCE_DIR": str(instance), "RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare_instance(instance: Path, database_url: str | None = None, listings: int = LISTINGS) -> float:
    """Migrate, load the content, build the index and seed ``listings`` demo listings; seconds taken.

    Runs in a child process, so the database is ready for gunicorn and this process keeps no app.
    """
    script = (
        "from flask_migrate import upgrade\n"
        "from portal import create_app\n"
        "from portal.content.files import read_content\n"
        "from portal.extensions import db\n"
        "from portal.services.content_loader import load_content\n"
        "from portal.services.demo import seed_demo\n"
        "from portal.services.matching import build_index\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    upgrade()\n"
        "    load_content(read_content(app.config['CONTENT_DIR']))\n"
        "    reference = app.extensions['content_reference']\n"
        "    build_index(reference.abbreviations, reference.professions)\n"
        "    db.session.commit()\n"
        f"    seed_demo(opportunities={listings})\n"
        "    db.session.commit()\n"
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", script],
        env=instance_environment(instance, database_url),
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _timed(
    call: Callable[[], None], before: Callable[[], None] | None = None, repeats: int = REPEATS
) -> dict:
    """Median wall-clock and CPU seconds of ``call`` (``before`` runs first each time, untimed).

    The CPU time is this process's own, so it holds up better than the wall clock when others share
    the machine; a database server's work shows only in the wall clock.
    """
    wall, cpu = [], []
    for _ in range(repeats):
        if before is not None:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {
        "median_s": round(statistics.median(wall), 3),
        "median_cpu_s": round(statistics.median(cpu), 3),
        "samples_s": [round(s, 3) for s in wall],
    }


def time_rebuilds(instance: Path, database_url: str | None, repeats: int = REPEATS) -> dict:
    """Forced and unchanged rebuilds and a first load of the index, each the median of ``repeats``."""
    os.environ.update(instance_environment(instance, database_url))
    if not database_url:
        os.environ.pop("DATABASE_URL", None)
    from sqlalchemy import delete, func, select

    from portal import create_app
    from portal.extensions import db
    from portal.models import MatchingIndexFile, MatchingIndexVersion, Opportunity
    from portal.services import matching

    app = create_app()
    with app.app_context():
        reference = app.extensions["content_reference"]

        def forget_every_version() -> None:
            db.session.execute(delete(MatchingIndexFile))
            db.session.execute(delete(MatchingIndexVersion))
            db.session.commit()
            matching.forget_loaded_index()

        def build_and_commit() -> None:
            matching.build_index(reference.abbreviations, reference.professions)
            db.session.commit()

        forced = _timed(build_and_commit, before=forget_every_version, repeats=repeats)
        unchanged = _timed(build_and_commit, repeats=repeats)
        version = matching.latest_version()
        first_load = _timed(lambda: matching.load_version(version), repeats=repeats)
        stored = db.session.scalar(select(func.sum(func.length(MatchingIndexFile.data))))
        live = db.session.scalar(select(func.count()).where(Opportunity.status == "live"))
        facts = {
            "documents": version.document_count,
            "stored_bytes": int(stored or 0),
            "live_listings": int(live or 0),
            "dialect": db.engine.dialect.name,
        }
        db.session.remove()
        db.engine.dispose()
    return {
        "forced_rebuild": forced,
        "unchanged_rebuild": unchanged,
        "first_load": first_load,
        **facts,
    }


def time_cli_build(instance: Path, database_url: str | None) -> float:
    """`flask --app wsgi matching build` on an unchanged index, start to exit (app import included)."""
    flask = Path(sys.executable).with_name("flask")
    started = time.perf_counter()
    subprocess.run(
        [str(flask), "--app", "wsgi", "matching", "build"],
        env=instance_environment(instance, database_url),
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return round(time.perf_counter() - started, 2)


# Serving: gunicorn and its workers' memory.


def free_port() -> int:
    """A TCP port nobody is listening on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return sorted(found)


def memory_of(pid: int) -> dict:
    """RSS from /proc/<pid>/status; PSS and private memory from smaps_rollup when readable (MiB)."""
    figures: dict[str, float | None] = {"rss_mib": None, "pss_mib": None, "private_mib": None}
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    figures["rss_mib"] = round(int(status["VmRSS"].split()[0]) / 1024, 1)
    with contextlib.suppress(OSError):
        rollup = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            rollup[name] = int(value.split()[0])
        figures["pss_mib"] = round(rollup["Pss"] / 1024, 1)
        figures["private_mib"] = round((rollup["Private_Clean"] + rollup["Private_Dirty"]) / 1024, 1)
    return figures


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _TokenFinder(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value")


def csrf_token(page: str) -> str | None:
    """The CSRF token of the first form on ``page``."""
    finder = _TokenFinder()
    finder.feed(page)
    return finder.token


class Visitor:
    """One browser: its own cookies, so Find your fit's CSRF token matches its session."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def send(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
        """Status and body of one request."""
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, ""

    def every_kind(self, round_number: int) -> list[int]:
        """One request of each kind; their statuses."""
        text = MATCH_TEXTS[round_number % len(MATCH_TEXTS)]
        statuses = [
            self.send("/")[0],
            self.send("/service-areas/")[0],
            self.send(f"/service-areas/{PROFILE}")[0],
            self.send("/opportunities/?" + SEARCHES[round_number % len(SEARCHES)])[0],
            self.send("/api/v1/opportunities?" + SEARCHES[round_number % len(SEARCHES)])[0],
            self.send(
                "/api/v1/match",
                json.dumps({"q": text}).encode(),
                {"Content-Type": "application/json"},
            )[0],
        ]
        status, page = self.send("/find-your-fit")
        token = csrf_token(page) if status == 200 else None
        form = urllib.parse.urlencode({"csrf_token": token or "", "about": text}).encode()
        statuses.append(self.send("/find-your-fit", form)[0])
        return statuses


def _wait_for_workers(master: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + BOOT_LIMIT_S
    while time.monotonic() < deadline:
        if master.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {master.returncode}")
        if len(children(master.pid)) >= WORKERS:
            with contextlib.suppress(OSError), urllib.request.urlopen(base + "/", timeout=5):
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


def _warm(base: str) -> dict[int, int]:
    """Every kind of request from several threads at once, so both workers serve each kind."""
    counts: dict[int, int] = {}
    lock = threading.Lock()

    def visit(thread_number: int) -> None:
        visitor = Visitor(base)
        for round_number in range(WARM_ROUNDS):
            for status in visitor.every_kind(round_number + thread_number):
                with lock:
                    counts[status] = counts.get(status, 0) + 1

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(WARM_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def measure_serving(instance: Path, database_url: str | None) -> dict:
    """gunicorn with 2 workers on this instance: memory after boot and after every kind of request."""
    port = free_port()
    env = instance_environment(instance, database_url)
    env.update({"PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": str(WORKERS)})
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--config", "gunicorn.conf.py", "--access-logfile", "/dev/null", "wsgi:app"]
    master = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        _wait_for_workers(master, base)
        boot_s = time.perf_counter() - started
        workers = children(master.pid)
        booted = {pid: memory_of(pid) for pid in workers}
        cpu_before = {pid: cpu_seconds(pid) for pid in workers}
        statuses = _warm(base)
        after = {pid: memory_of(pid) for pid in workers}
        return {
            "boot_s": round(boot_s, 2),
            "statuses": {str(status): count for status, count in sorted(statuses.items())},
            "master": memory_of(master.pid),
            "workers": [
                {
                    "after_boot": booted[pid],
                    "after_warm_up": after[pid],
                    "warm_up_cpu_s": round(cpu_seconds(pid) - cpu_before[pid], 2),
                }
                for pid in workers
            ],
            "workers_still_original": children(master.pid) == workers,
        }
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(master.pid, signal.SIGTERM)
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(master.pid, signal.SIGKILL)
            master.wait()


def measure_database(database_url: str | None) -> dict:
    """Prepare an instance on this database, then time rebuilds and measure serving."""
    instance = Path(tempfile.mkdtemp(prefix="portal-memory-"))
    try:
        prepare_s = prepare_instance(instance, database_url)
        print(f"  prepared in {prepare_s:.1f} s", flush=True)
        rebuilds = time_rebuilds(instance, database_url)
        rebuilds["cli_unchanged_build_s"] = time_cli_build(instance, database_url)
        print(f"  forced rebuild {rebuilds['forced_rebuild']['median_s']} s", flush=True)
        serving = measure_serving(instance, database_url)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return {"prepare_s": round(prepare_s, 1), "index": rebuilds, "serving": serving}


def print_summary(report: dict) -> None:
    """The figures per database."""
    for name, result in report["databases"].items():
        index, serving = result["index"], result["serving"]
        print(f"{name}: {index['live_listings']:,} live listings, index of {index['documents']} profiles")
        print(
            f"  index: forced rebuild {index['forced_rebuild']['median_s']} s "
            f"({index['forced_rebuild']['median_cpu_s']} s CPU), unchanged "
            f"{index['unchanged_rebuild']['median_s']} s, first load {index['first_load']['median_s']} s, "
            f"`flask matching build` (unchanged) {index['cli_unchanged_build_s']} s, "
            f"stored {index['stored_bytes'] / 2**20:.1f} MiB"
        )
        master = serving["master"]
        print(f"  gunicorn booted in {serving['boot_s']} s; statuses {serving['statuses']}")
        print(f"  master: RSS {master['rss_mib']} MiB, PSS {master['pss_mib']} MiB")
        for n, worker in enumerate(serving["workers"], 1):
            boot, warm = worker["after_boot"], worker["after_warm_up"]
            print(
                f"  worker {n}: RSS {boot['rss_mib']} -> {warm['rss_mib']} MiB, PSS {boot['pss_mib']} -> "
                f"{warm['pss_mib']} MiB, private {warm['private_mib']} MiB "
                f"({worker['warm_up_cpu_s']} s CPU warming up)"
            )


def main() -> None:
    """Parse the command line, measure on SQLite (and PostgreSQL if it answers), print, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only")
    parser.add_argument("--output", type=Path, default=RESULTS / "memory.json")
    options = parser.parse_args()
    databases = {}
    print("SQLite", flush=True)
    databases["sqlite"] = measure_database(None)
    if not options.no_postgresql and postgresql_answers():
        print("PostgreSQL", flush=True)
        with throwaway_postgresql() as url:
            databases["postgresql"] = measure_database(url)
    report = {
        "listings": LISTINGS,
        "workers": WORKERS,
        "warm_up": {"threads": WARM_THREADS, "rounds": WARM_ROUNDS, "kinds": 7},
        "databases": databases,
        "environment": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
    }
    print_summary(report)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
