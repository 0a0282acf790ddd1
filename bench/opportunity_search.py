"""Latency of the opportunity search with many live listings: the service, the JSON API and the page.

Seeds N synthetic listings (deterministic for a seed) into a throwaway database, then times each kind
of search. Standalone: ``.venv/bin/python bench/opportunity_search.py --listings 10000``; add
``--database-url postgresql+psycopg://.../portal_bench --reset`` to run on PostgreSQL (``--reset``
drops everything in that database's public schema first). ``run()`` is for ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from portal import create_app
from portal.content.files import read_content
from portal.extensions import db
from portal.models import Opportunity, OpportunityArea, Organisation, ServiceArea
from portal.services.content_loader import load_content
from portal.services.listings import LEVELS
from portal.services.matching import build_index
from portal.services.opportunity_filters import SearchFilters
from portal.services.opportunity_search import search_live_opportunities
from portal.services.places import gazetteer

TYPES = ("apprenticeship", "placement", "work-experience", "job", "training-post", "event")
STAGES = ("ks3", "gcse", "post16", "undergraduate", "graduate", "nhs-staff", "career-changer")
WORDS = ("clinic", "laboratory", "taster", "trainee", "assistant", "open day", "practitioner", "scientist")
# (name, query string) for the service, the API and the page alike.
SCENARIOS = (
    ("everything", ""),
    ("keyword: audiology", "q=audiology"),
    ("keyword: blood tests", "q=blood+tests"),
    ("keyword: broad (laboratory)", "q=laboratory"),
    ("near Leeds, 25 km", "near=Leeds"),
    ("near London, 100 km", "near=London&radius_km=100"),
    ("keyword near a place", "q=audiology&near=Manchester&radius_km=50"),
    ("type, level and stage", "type=job&type=apprenticeship&level=practitioner&stage=graduate"),
    ("area with children", "service_area=audiology"),
    ("closing soon, page 3", "closing_soon=true&page=3"),
)


def make_app(database_url: str | None, reset: bool) -> Flask:
    """The portal on a migrated database holding the real content and index."""
    url = database_url or f"sqlite:///{tempfile.mkdtemp(prefix='portal-bench-')}/bench.sqlite3"
    app = create_app({"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "localhost"})
    with app.app_context():
        if database_url and reset:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        load_content(read_content(app.config["CONTENT_DIR"]))
        build_index(app.extensions["content_reference"].abbreviations)
        db.session.commit()
    return app


def seed(listings: int, seed_value: int = 1) -> None:
    """Insert ``listings`` synthetic listings (about 1 in 10 not live or past its date) in bulk."""
    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    towns = sorted(gazetteer().places, key=lambda p: -p.population)[:120]
    areas = list(db.session.execute(select(ServiceArea.slug, ServiceArea.name)))
    organisations = [
        {
            "name": f"Bench Trust {n}",
            "kind": "nhs-trust",
            "town": towns[n % len(towns)].name,
            "status": "approved",
            "is_demo": True,
            "created_at": now,
        }
        for n in range(200)
    ]
    db.session.execute(insert(Organisation), organisations)
    org_ids = list(db.session.scalars(select(Organisation.id).where(Organisation.name.like("Bench Trust %"))))
    rows, links = [], []
    for n in range(listings):
        town, chosen = rng.choice(towns), rng.sample(areas, rng.randint(1, 3))
        online = rng.random() < 0.05
        title = f"{chosen[0][1]} {rng.choice(WORDS)}"[:120]
        status = "live" if rng.random() < 0.9 else rng.choice(("draft", "submitted", "closed"))
        closes = date.today() + timedelta(days=rng.randint(-5, 120))
        rows.append(
            {"id": n + 1, "organisation_id": rng.choice(org_ids), "status": status, "type": rng.choice(TYPES),
             "title": title, "level": rng.choice(LEVELS), "description": "A synthetic listing. " * 20,
             "stages": rng.sample(STAGES, rng.randint(1, 3)), "online": online,
             "town": None if online else town.name, "latitude": None if online else town.lat,
             "longitude": None if online else town.lon, "closes_on": closes, "pay_kind": "unpaid",
             "apply_kind": "external", "apply_url": "https://example.org/apply", "is_demo": True,
             "search_text": " ".join([title, *(name for _, name in chosen), town.name]).lower(),
             "created_at": now, "updated_at": now, "live_since": now - timedelta(minutes=n)}
        )  # fmt: skip
        links += [
            {"opportunity_id": n + 1, "service_area_slug": slug, "position": i}
            for i, (slug, _) in enumerate(chosen)
        ]
    db.session.execute(insert(Opportunity), rows)
    db.session.execute(insert(OpportunityArea), links)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load; without it the planner guesses 5 live rows.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE opportunity, opportunity_area, organisation")


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 2),
    }


def timed(call: Callable[[], Any], repeats: int) -> dict[str, float]:
    """Latency of ``call`` after one warm-up call."""
    call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def _service_call(query: str) -> Callable[[], Any]:
    args = dict(pair.split("=", 1) for pair in query.split("&") if pair)
    multi = {key: value.replace("+", " ") for key, value in args.items() if key != "type"}
    types = [pair.split("=", 1)[1] for pair in query.split("&") if pair.startswith("type=")]
    filters = SearchFilters(**multi, type=tuple(types))
    return lambda: search_live_opportunities(filters)


def run(
    listings: int = 10_000, database_url: str | None = None, reset: bool = False, repeats: int = 30
) -> dict:
    """Seed, then time every scenario through the service, the API and the HTML page."""
    app = make_app(database_url, reset)
    with app.app_context():
        started = time.perf_counter()
        seed(listings)
        seed_s = time.perf_counter() - started
        client = app.test_client()
        results = []
        for name, query in SCENARIOS:
            count = client.get(f"/api/v1/opportunities?{query}").get_json()["count"]
            results.append(
                {
                    "scenario": name,
                    "matches": count,
                    "service": timed(_service_call(query), repeats),
                    "api": timed(lambda q=query: client.get(f"/api/v1/opportunities?{q}"), repeats),
                    "page": timed(lambda q=query: client.get(f"/opportunities/?{q}"), repeats),
                }
            )
        dialect = db.engine.dialect.name
    return {"listings": listings, "database": dialect, "seed_s": round(seed_s, 1), "results": results}


def print_table(report: dict) -> None:
    """The figures as a plain table."""
    print(f"{report['listings']:,} listings on {report['database']} (seeded in {report['seed_s']} s)")
    print(f"{'scenario':32} {'matches':>7} {'service p50/p95':>17} {'API p50/p95':>15} {'page p50/p95':>15}")
    for row in report["results"]:
        cells = [f"{row[k]['p50_ms']:.1f}/{row[k]['p95_ms']:.1f}" for k in ("service", "api", "page")]
        print(f"{row['scenario']:32} {row['matches']:>7} {cells[0]:>17} {cells[1]:>15} {cells[2]:>15}")


def main() -> None:
    """Parse the command line, run, print, and write JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--database-url", help="a throwaway PostgreSQL database (default: temporary SQLite)")
    parser.add_argument("--reset", action="store_true", help="drop the public schema of --database-url first")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    options = parser.parse_args()
    report = run(options.listings, options.database_url, options.reset, options.repeats)
    print_table(report)
    if options.output:
        options.output.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
