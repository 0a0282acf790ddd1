"""Kill -9 mid-request: acknowledged posts are stored exactly once, and nothing is half-written.

A gunicorn with two workers serves a database (SQLite in a temporary folder, or PostgreSQL when
DATABASE_URL is given). Several clients post forms of each kind that creates a record (a listing
report, "was this useful?" feedback, a class code, an expression of interest), each with a fresh
one-time submission key and a unique text, while workers are SIGKILLed at random moments. Then:

- every post that was acknowledged (a 2xx or 3xx came back) is in the database exactly once;
- nothing is half-written: each stored key names a row that exists, each record of those kinds has
  its key (the key and the record commit together), and the database's foreign keys all hold;
- posting every key again creates nothing more.

Run: ``.venv/bin/python -m bench.drills.kill_worker`` (prints one line per outcome).
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench.drills.instances import Instance, run_cli, start_instance

LOAD_SECONDS = 5.0
CLIENTS = 6
# Seconds between kills, chosen at random: often enough to land mid-request, rarely enough that a
# respawned worker serves some requests before the next kill.
KILL_EVERY = (0.8, 1.6)
PASSWORD = "kill worker drill password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Each kind: where it posts, the table its record goes in, and the column that holds the post's tag.
KINDS = {
    "report": ("listing_report", "details"),
    "feedback": ("match_feedback", None),
    "class": ("class_code", "label"),
    "interest": ("expression_of_interest", "message"),
}
ENDPOINTS = {
    "report": "opportunities.report",
    "feedback": "explore.feedback",
    "class": "schools.new_class",
    "interest": "candidates.express_interest",
}


@dataclass
class Post:
    """One form post: its kind, key and tag, the form data, and what came back (None: no answer)."""

    kind: str
    key: str
    tag: str
    path: str
    data: dict[str, str]
    status: int | None = None

    @property
    def acknowledged(self) -> bool:
        """Whether a 2xx or 3xx came back."""
        return self.status is not None and 200 <= self.status < 400


@dataclass
class Outcome:
    """One property the drill checked, whether it held, and what was seen."""

    name: str
    held: bool
    seen: str

    def line(self) -> str:
        """The outcome as the drill prints it."""
        return f"{'PASS' if self.held else 'FAIL'}  {self.name}: {self.seen}"


@dataclass
class World:
    """The server, the database and the signed-in browsers the posts come from."""

    server: Instance
    database_url: str
    listing_ids: list[int]
    browsers: dict[str, requests.Session] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    kills: int = 0


def _seed(database_url: str) -> tuple[list[int], str, str]:
    """A trust with live listings taking interest here, a school with a teacher, and a candidate."""
    from portal import create_app
    from portal.extensions import db
    from portal.models import Candidate, Membership, Opportunity, Organisation, User
    from portal.models.candidates import AGE_18_PLUS
    from portal.models.opportunities import LIVE
    from portal.models.organisations import APPROVED, OWNER
    from portal.services.passwords import hash_password

    now, digest = datetime.now(UTC), hash_password(PASSWORD)
    place = {"town": "Leeds", "region": "North East and Yorkshire", "status": APPROVED}
    app = create_app({"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        trust = Organisation(name="Drill Trust", kind="nhs-trust", created_at=now, approved_at=now, **place)
        school = Organisation(
            name="Drill Academy", kind="college-or-school", created_at=now, approved_at=now, **place
        )
        teacher = User(
            email="teacher@drill.example.org",
            name="Drill Teacher",
            password_hash=digest,
            created_at=now,
            email_verified_at=now,
        )
        candidate = Candidate(
            email="candidate@drill.example.net",
            password_hash=digest,
            age_band=AGE_18_PLUS,
            created_at=now,
            email_verified_at=now,
            last_active_at=now,
        )
        listings = [
            Opportunity(
                organisation=trust,
                status=LIVE,
                type="event",
                title=f"Drill open day {number}",
                level="practitioner",
                description="A day in the laboratories.",
                stages=["undergraduate"],
                town="Leeds",
                region="North East and Yorkshire",
                latitude=53.79648,
                longitude=-1.54785,
                closes_on=date.today() + timedelta(days=30),
                places=2,
                pay_kind="unpaid",
                apply_kind="portal",
                created_at=now,
                updated_at=now,
                live_since=now,
                search_text=f"drill open day {number}",
            )
            for number in range(400)
        ]
        db.session.add_all([trust, school, teacher, candidate, *listings])
        db.session.add(Membership(organisation=school, user=teacher, role=OWNER, created_at=now))
        db.session.commit()
        ids, emails = [listing.id for listing in listings], (teacher.email, candidate.email)
        db.session.remove()
        db.engine.dispose()
    return ids, *emails


def _token_from(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=30)
    match = CSRF.search(page.text)
    if match is None:
        raise RuntimeError(f"no CSRF token at {url} ({page.status_code})")
    return match.group(1)


def _signed_in(server: Instance, sign_in_path: str, email: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    token = _token_from(browser, server.url(sign_in_path))
    answer = browser.post(
        server.url(sign_in_path),
        data={"csrf_token": token, "email": email, "password": PASSWORD, "next": ""},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"signing in at {sign_in_path} gave {answer.status_code}")
    return browser, _token_from(browser, server.url("/find-your-fit"))


def _make_posts(world: World, count: int) -> Iterator[Post]:
    """Posts of each kind in turn, each with a fresh key and a unique tag."""
    listings = iter(world.listing_ids)
    for number in range(count):
        kind = list(KINDS)[number % len(KINDS)]
        key, tag = secrets.token_urlsafe(32), f"drill-{number}-{secrets.token_hex(4)}"
        listing = world.listing_ids[number % len(world.listing_ids)]
        if kind == "report":
            path, data = (
                f"/opportunities/{listing}/report",
                {"reason": "wrong-or-out-of-date", "details": tag},
            )
        elif kind == "feedback":
            path, data = (
                "/find-your-fit/feedback",
                {"useful": "yes", "stage": "", "top_slug": "", "confident": "no"},
            )
        elif kind == "class":
            path, data = "/schools/classes/new", {"label": tag}
        else:
            path, data = f"/account/interest/{next(listings)}", {"message": tag, "share_email": "no"}
        yield Post(kind, key, tag, path, {**data, "submission_key": key})


def _browser_for(world: World, kind: str) -> tuple[requests.Session, str]:
    who = {"class": "teacher", "interest": "candidate"}.get(kind, "anonymous")
    return world.browsers[who], world.tokens[who]


def _send(world: World, post: Post) -> Post:
    browser, token = _browser_for(world, post.kind)
    # One browser per thread would keep cookies apart; these sessions only read the jar they share.
    with suppress(requests.RequestException):
        answer = requests.post(
            world.server.url(post.path),
            data={**post.data, "csrf_token": token},
            cookies=browser.cookies,
            allow_redirects=False,
            timeout=30,
        )
        post.status = answer.status_code
    return post


def _kill_workers(world: World, stop: threading.Event, deadline: float) -> None:
    while not stop.wait(random.uniform(*KILL_EVERY)) and time.monotonic() < deadline:
        pids = world.server.worker_pids()
        if pids:
            with suppress(ProcessLookupError):
                os.kill(random.choice(pids), signal.SIGKILL)
                world.kills += 1


def load_under_kills(world: World, seconds: float = LOAD_SECONDS) -> list[Post]:
    """Post concurrently for ``seconds`` while a thread SIGKILLs a random worker now and then."""
    stop = threading.Event()
    deadline = time.monotonic() + seconds
    # Kills stop with the load: the posts still in flight then finish on live workers.
    killer = threading.Thread(target=_kill_workers, args=(world, stop, deadline), daemon=True)
    posts: list[Post] = []
    pending = _make_posts(world, len(world.listing_ids) * len(KINDS))
    lock = threading.Lock()

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                post = next(pending)
                posts.append(post)
            _send(world, post)

    killer.start()
    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            for running_client in [pool.submit(client) for _ in range(CLIENTS)]:
                running_client.result()
    finally:
        stop.set()
        killer.join()
    return posts


def _rows(database_url: str, sql: str, **parameters: object) -> list[tuple]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), parameters)]
    finally:
        engine.dispose()


def _stored(database_url: str) -> tuple[dict[str, tuple], dict[str, Counter]]:
    """Stored keys (key -> form, table, id), and for each kind how often each tag is stored."""
    keys = {
        row[0]: row[1:]
        for row in _rows(database_url, "SELECT key, form, created_table, created_id FROM form_submission")
    }
    tags: dict[str, Counter] = {}
    for kind, (table, column) in KINDS.items():
        if column is not None:
            tags[kind] = Counter(row[0] for row in _rows(database_url, f"SELECT {column} FROM {table}"))
    return keys, tags


def _foreign_key_problems(database_url: str) -> list[tuple]:
    if database_url.startswith("sqlite"):
        return _rows(database_url, "PRAGMA foreign_key_check")
    # PostgreSQL enforces every foreign key on commit: a row pointing nowhere cannot exist. Check
    # that none was declared NOT VALID (the only way one could be skipped).
    return _rows(database_url, "SELECT conname FROM pg_constraint WHERE contype = 'f' AND NOT convalidated")


def _missing_records(database_url: str, keys: dict[str, tuple]) -> list[str]:
    missing = []
    for key, (_form, table, row_id) in keys.items():
        if table is None or not _rows(database_url, f"SELECT 1 FROM {table} WHERE id = :id", id=row_id):
            missing.append(key[:8])
    return missing


def check(world: World, posts: list[Post]) -> list[Outcome]:
    """The properties the drill exists for."""
    url = world.database_url
    keys, tags = _stored(url)
    acknowledged = [post for post in posts if post.acknowledged]
    lost = [post for post in acknowledged if post.key not in keys]
    doubled = [post for post in acknowledged if post.kind in tags and tags[post.kind][post.tag] != 1]
    counts = {
        kind: (
            _rows(url, f"SELECT count(*) FROM {table}")[0][0],
            sum(1 for v in keys.values() if v[0] == ENDPOINTS[kind]),
        )
        for kind, (table, _) in KINDS.items()
    }
    outcomes = [
        Outcome(
            "every acknowledged post is stored exactly once",
            bool(acknowledged) and not lost and not doubled,
            f"{len(acknowledged)} of {len(posts)} acknowledged ({world.kills} workers killed); "
            f"{len(lost)} without their key, {len(doubled)} stored other than once",
        ),
        Outcome(
            "nothing is half-written",
            not _missing_records(url, keys)
            and all(rows == stored for rows, stored in counts.values())
            and not _foreign_key_problems(url),
            f"records and their keys per kind {counts}; keys naming no row: {_missing_records(url, keys)}; "
            f"foreign key problems: {_foreign_key_problems(url)[:5]}",
        ),
    ]
    before = {kind: rows for kind, (rows, _) in counts.items()}
    for post in posts:  # the retry a browser makes after a timeout, or the back button
        post.status = None
        for _attempt in range(3):  # a worker still starting up may leave a connection unanswered
            if _send(world, post).status is not None:
                break
    after = {kind: _rows(url, f"SELECT count(*) FROM {table}")[0][0] for kind, (table, _) in KINDS.items()}
    new_keys = set(_stored(url)[0]) - set(keys)
    unstored = {post.key for post in posts if post.key not in keys}
    unanswered = Counter(str(post.status) for post in posts if post.key in keys and not post.acknowledged)
    outcomes.append(
        Outcome(
            "a retried post with the same key creates nothing more",
            all(
                after[kind] - before[kind] <= sum(p.key in new_keys and p.kind == kind for p in posts)
                for kind in KINDS
            )
            and new_keys <= unstored
            and not unanswered,
            f"records before the retries {before}, after {after}; {len(new_keys)} posts stored only on retry;"
            f" retries of stored posts not acknowledged: {dict(unanswered)}",
        )
    )
    return outcomes


@contextmanager
def drill_world(database_url: str | None = None, workers: int = 2) -> Iterator[World]:
    """A migrated database with the rows the posts need, a gunicorn serving it, and signed-in browsers."""
    directory = Path(tempfile.mkdtemp(prefix="portal-kill-worker-"))
    url = database_url or f"sqlite:///{directory / 'portal.sqlite3'}"
    settings = {"DATABASE_URL": url, "RATELIMIT_ENABLED": "false", "PUBLIC_CACHE_SECONDS": "0"}
    run_cli(["db", "upgrade"], settings)
    listing_ids, teacher, candidate = _seed(url)
    server = start_instance("kill-worker", settings, workers, instance_dir=directory)
    try:
        world = World(server, url, listing_ids)
        anonymous = requests.Session()
        world.browsers["anonymous"] = anonymous
        world.tokens["anonymous"] = _token_from(
            anonymous, server.url(f"/opportunities/{listing_ids[0]}/report")
        )
        for who, path, email in (
            ("teacher", "/organisations/sign-in", teacher),
            ("candidate", "/account/sign-in", candidate),
        ):
            world.browsers[who], world.tokens[who] = _signed_in(server, path, email)
        yield world
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def main() -> int:
    """Run the drill and print one line per outcome."""
    with drill_world(os.environ.get("DATABASE_URL")) as world:
        posts = load_under_kills(world)
        outcomes = check(world, posts)
    print(f"{len(posts)} posts over {LOAD_SECONDS:.0f} s with {world.kills} workers SIGKILLed")
    for outcome in outcomes:
        print(outcome.line())
    return 0 if all(outcome.held for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
