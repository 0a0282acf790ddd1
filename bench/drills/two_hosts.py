"""Two hosts, one database, one Redis: what one host changes or grants, the other shows or honours.

Two gunicorn instances, each with its own INSTANCE_DIR (no shared disk), share a throwaway
PostgreSQL database, Redis (under prefixes of their own), SECRET_KEY and PUBLIC_URL. The drill
checks, and prints one line per outcome:

- a content load (``flask content load`` from a changed copy of content/) shows on B's profile page;
- a listing approved by an administrator shows on B's listing page and in B's search;
- a moderation decision (the listing withdrawn) takes it off B;
- a session cookie from signing in on A is valid on B;
- a CSRF token from a form A served is accepted by B;
- A and B answer from the same matcher index (the changed profile's new word finds it on both);
- rate limits are shared: A and B together allow /api/v1/match its documented 60 a minute.

"Visible on the other host" has a stated bound, BOUND_SECONDS: every worker re-reads the public
generation and the index version at most every 2 s, so one request made BOUND_SECONDS after a
commit must show it. The drill waits the bound and asserts on one request; it measures nothing.

Run: ``.venv/bin/python -m bench.drills.two_hosts`` (PostgreSQL at ADMIN_DATABASE_URL, Redis at
REDIS_URL; defaults are the local ones).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import redis
import requests

from bench.drills.instances import (
    PROJECT_ROOT,
    Instance,
    create_database,
    drop_database,
    run_cli,
    start_instance,
)

# Both caches re-read what they depend on at most every 2 s; one second more covers a request in flight.
RE_READ_SECONDS = 2.0
BOUND_SECONDS = RE_READ_SECONDS + 1.0
MATCH_LIMIT = 60  # the documented limit on /api/v1/match, per minute
RATE_REQUESTS = 70
CHANGED_AREA = "audiology"
# A made-up word, in no profile, so only the changed summary can make the matcher find it.
MARKER = "quillwortian"
LISTING_WORD = "Fernbrake"
PASSWORD = "two hosts drill password"
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Outcome:
    """One thing the drill checked, whether it held, and what was seen."""

    name: str
    held: bool
    seen: str

    def line(self) -> str:
        """The outcome as the drill prints it."""
        return f"{'PASS' if self.held else 'FAIL'}  {self.name}: {self.seen}"


@dataclass
class Pair:
    """Hosts A and B and what they share."""

    a: Instance
    b: Instance
    database_url: str
    settings: dict[str, str]
    content_dir: Path
    # The drill's listing id and candidate email, once made.
    listing: tuple[int, str] = (0, "")
    outcomes: list[Outcome] = field(default_factory=list)

    def check(self, name: str, held: bool, seen: str) -> bool:
        """Record one outcome."""
        self.outcomes.append(Outcome(name, held, seen))
        return held


def wait_the_bound() -> None:
    """Let every worker's re-read interval pass (the stated bound, not a measurement)."""
    time.sleep(BOUND_SECONDS)


@contextmanager
def throwaway_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for the drill, dropped afterwards."""
    name = f"portal_drill_{secrets.token_hex(6)}"
    url = create_database(admin_url, name)
    try:
        yield url
    finally:
        drop_database(admin_url, name)


def _forget_redis_keys(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)


def changed_content(directory: Path) -> Path:
    """A copy of content/ in ``directory`` whose CHANGED_AREA summary names MARKER."""
    copy = directory / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    profile = copy / "service-areas" / f"{CHANGED_AREA}.md"
    text = profile.read_text()
    text = text.replace("summary: >-\n", f"summary: >-\n  Now with {MARKER} hearing tests.\n", 1)
    profile.write_text(text)
    return copy


@contextmanager
def two_hosts(
    admin_url: str = DEFAULT_ADMIN_URL, redis_url: str = DEFAULT_REDIS_URL, workers: int = 1
) -> Iterator[Pair]:
    """A migrated database with the real content, and hosts A and B serving it."""
    prefix = f"portal-drill-{secrets.token_hex(6)}"
    scratch = Path(tempfile.mkdtemp(prefix="portal-two-hosts-"))
    with throwaway_database(admin_url) as url:
        shared = {
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "RATELIMIT_KEY_PREFIX": f"{prefix}-limits",
            # The shared page cache's prefix (whichever name the caching code reads).
            "PAGE_CACHE_PREFIX": f"{prefix}-cache:",
            "RATELIMIT_ENABLED": "true",
            "SECRET_KEY": secrets.token_hex(32),
            "PUBLIC_URL": "http://portal.drill.example",
            "JOBS_QUEUE": f"{prefix}-jobs",
        }
        run_cli(["db", "upgrade"], shared)
        run_cli(["content", "load"], shared)
        hosts: list[Instance] = []
        try:
            for name in ("a", "b"):
                directory = scratch / name
                directory.mkdir()
                hosts.append(start_instance(name, shared, workers, instance_dir=directory))
            yield Pair(hosts[0], hosts[1], url, shared, changed_content(scratch))
        finally:
            for host in hosts:
                host.stop()
            _forget_redis_keys(redis_url, prefix)
            shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def portal_app(database_url: str) -> Iterator[None]:
    """An app context on the drill's database, to act through the services as a host's request would."""
    from portal import create_app
    from portal.extensions import db

    app = create_app({"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()


def _people_and_listing(database_url: str) -> tuple[int, str]:
    """An approved trust with a submitted listing, an administrator and a candidate; the listing's id."""
    from portal.extensions import db
    from portal.models import Candidate, Membership, Opportunity, OpportunityArea, Organisation, User
    from portal.models.candidates import AGE_18_PLUS
    from portal.models.opportunities import SUBMITTED
    from portal.models.organisations import APPROVED, OWNER
    from portal.services.passwords import hash_password

    now = datetime.now(UTC)
    digest = hash_password(PASSWORD)
    email = f"candidate-{secrets.token_hex(4)}@example.net"
    with portal_app(database_url):
        trust = Organisation(
            name="Drill Hospitals NHS Trust",
            kind="nhs-trust",
            town="Leeds",
            region="North East and Yorkshire",
            status=APPROVED,
            created_at=now,
            approved_at=now,
        )
        owner = User(
            email="owner@drill.example.org", name="Drill Owner", password_hash=digest, created_at=now
        )
        admin = User(
            email="admin@drill.example.org",
            name="Drill Admin",
            password_hash=digest,
            created_at=now,
            is_admin=True,
        )
        db.session.add_all(
            [trust, owner, admin, Membership(organisation=trust, user=owner, role=OWNER, created_at=now)]
        )
        listing = Opportunity(
            organisation=trust,
            status=SUBMITTED,
            type="placement",
            title=f"{LISTING_WORD} audiology placement",
            level="practitioner",
            description="Spend six weeks in a hearing clinic.",
            stages=["undergraduate"],
            town="Leeds",
            region="North East and Yorkshire",
            latitude=53.79648,
            longitude=-1.54785,
            closes_on=date.today() + timedelta(days=30),
            places=2,
            pay_kind="unpaid",
            apply_kind="external",
            apply_url="https://example.org/apply",
            created_at=now,
            updated_at=now,
        )
        listing.search_text = f"{listing.title} {trust.name} Leeds".lower()
        listing.areas = [OpportunityArea(service_area_slug=CHANGED_AREA, position=0)]
        candidate = Candidate(
            email=email,
            password_hash=digest,
            age_band=AGE_18_PLUS,
            created_at=now,
            email_verified_at=now,
            last_active_at=now,
        )
        db.session.add_all([listing, candidate])
        db.session.commit()
        return listing.id, email


def _moderate(database_url: str, listing_id: int, action: Callable) -> None:
    from portal.extensions import db
    from portal.models import Opportunity, User

    with portal_app(database_url):
        admin = db.session.query(User).filter_by(is_admin=True).one()
        action(db.session.get(Opportunity, listing_id), admin)
        db.session.commit()


def _get(host: Instance, path: str, **options: object) -> requests.Response:
    return requests.get(host.url(path), timeout=15, allow_redirects=False, **options)  # type: ignore[arg-type]


def check_content_load(pair: Pair) -> None:
    """A content load on the database shows on B's profile page within the bound."""
    path = f"/service-areas/{CHANGED_AREA}"
    before = _get(pair.b, path)  # B has the page cached from before the load
    settings = {**pair.settings, "CONTENT_DIR": str(pair.content_dir)}
    run_cli(["content", "load"], settings)
    wait_the_bound()
    after = _get(pair.b, path)
    pair.check(
        "content load shows on B",
        MARKER not in before.text and after.status_code == 200 and MARKER in after.text,
        f"B's {path} {before.status_code} without the new summary, then {after.status_code}"
        f" {'with' if MARKER in after.text else 'WITHOUT'} it {BOUND_SECONDS:.0f} s after the load",
    )


def check_same_index(pair: Pair) -> int:
    """A and B answer from the same (new) index: the new word finds the changed profile on both."""
    tops = []
    for host in (pair.a, pair.b):
        answer = _get(host, f"/api/v1/match?q={MARKER}")
        suggestions = answer.json().get("suggestions", []) if answer.status_code == 200 else []
        tops.append(suggestions[0]["slug"] if suggestions else None)
    pair.check(
        "A and B use the same matcher index",
        tops == [CHANGED_AREA, CHANGED_AREA],
        f"top suggestion for {MARKER!r}: A {tops[0]}, B {tops[1]}",
    )
    return len(tops)


def check_listing_lifecycle(pair: Pair) -> None:
    """An approval made through the services shows on B; a withdrawal takes the listing off B."""
    from portal.services.opportunities import approve, close_listing

    listing_id, _ = pair.listing
    detail, search = f"/opportunities/{listing_id}", f"/opportunities/?q={LISTING_WORD.lower()}"
    hidden = _get(pair.b, detail).status_code, LISTING_WORD in _get(pair.b, search).text
    _moderate(pair.database_url, listing_id, approve)
    wait_the_bound()
    shown = _get(pair.b, detail), _get(pair.b, search)
    pair.check(
        "an approved listing shows on B",
        hidden == (404, False) and shown[0].status_code == 200 and LISTING_WORD in shown[1].text,
        f"before: page {hidden[0]}, in search {hidden[1]}; {BOUND_SECONDS:.0f} s after approval: page"
        f" {shown[0].status_code}, in search {LISTING_WORD in shown[1].text}",
    )
    _moderate(
        pair.database_url, listing_id, lambda listing, admin: close_listing(listing, admin, "withdrawn")
    )
    wait_the_bound()
    gone = _get(pair.b, detail), _get(pair.b, search)
    pair.check(
        "a withdrawal made elsewhere shows on B",
        LISTING_WORD not in gone[1].text and (gone[0].status_code == 404 or "closed" in gone[0].text.lower()),
        f"{BOUND_SECONDS:.0f} s after withdrawal: page {gone[0].status_code},"
        f" in search {LISTING_WORD in gone[1].text}",
    )


def _sign_in_form(host: Instance, browser: requests.Session) -> str:
    page = browser.get(host.url("/account/sign-in"), timeout=15)
    match = CSRF.search(page.text)
    if match is None:
        raise AssertionError(f"no CSRF token on {host.name}'s sign-in page ({page.status_code})")
    return match.group(1)


def check_sessions_and_csrf(pair: Pair) -> None:
    """Signing in on A holds on B, and a token from A's form is accepted by B."""
    _, email = pair.listing
    on_a = requests.Session()
    token = _sign_in_form(pair.a, on_a)
    signed_in = on_a.post(
        pair.a.url("/account/sign-in"),
        data={"csrf_token": token, "email": email, "password": PASSWORD, "next": ""},
        allow_redirects=False,
        timeout=15,
    )
    on_b = requests.Session()
    on_b.cookies.update(on_a.cookies)
    account = on_b.get(pair.b.url("/account/"), allow_redirects=False, timeout=15)
    pair.check(
        "a session from A is valid on B",
        signed_in.status_code in (302, 303) and account.status_code == 200 and "Sign out" in account.text,
        f"sign-in on A {signed_in.status_code}; B's /account/ {account.status_code}",
    )
    browser = requests.Session()
    token = _sign_in_form(pair.a, browser)
    posted = browser.post(
        pair.b.url("/account/sign-in"),
        data={"csrf_token": token, "email": email, "password": PASSWORD, "next": ""},
        allow_redirects=False,
        timeout=15,
    )
    pair.check(
        "a CSRF token from A is accepted by B",
        posted.status_code in (302, 303),
        f"B answered the form A served with {posted.status_code}",
    )


def check_shared_rate_limit(pair: Pair, already_sent: int) -> None:
    """Requests to A and B together are limited to the documented count."""
    statuses = [
        _get(pair.a if turn % 2 else pair.b, "/api/v1/match?q=heart").status_code
        for turn in range(RATE_REQUESTS)
    ]
    allowed = sum(status != 429 for status in statuses)
    expected = MATCH_LIMIT - already_sent
    pair.check(
        "A and B share the rate limit",
        allowed == expected and statuses.count(429) == RATE_REQUESTS - expected,
        f"{allowed} of {RATE_REQUESTS} allowed across A and B (the limit leaves {expected} after"
        f" {already_sent} earlier matches)",
    )


def run_drill(pair: Pair) -> list[Outcome]:
    """Every check, in an order that keeps the rate-limit count known."""
    pair.listing = _people_and_listing(pair.database_url)
    check_content_load(pair)
    check_listing_lifecycle(pair)
    check_sessions_and_csrf(pair)
    sent = check_same_index(pair)
    check_shared_rate_limit(pair, sent)
    return pair.outcomes


def main() -> int:
    """Run the drill against the local services and print one line per outcome."""
    admin_url = os.environ.get("ADMIN_DATABASE_URL", DEFAULT_ADMIN_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    with two_hosts(admin_url, redis_url, workers=int(os.environ.get("DRILL_WORKERS", "2"))) as pair:
        outcomes = run_drill(pair)
    print(f"two hosts, one database and one Redis; stated bound {BOUND_SECONDS:.0f} s")
    for outcome in outcomes:
        print(outcome.line())
    return 0 if all(outcome.held for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
