"""What the workforce figures cost: recording an anonymous count, and working the figures out.

Counts are written on the request that shows a Find your fit answer (the areas suggested) and on
the link from a result to its profile (the area opened), so their cost is paid by those pages.
This measures each write alone (one upsert and its commit), the two pages that make them, and a
profile page for comparison; then loading the published cells and building every view from them,
on the demonstration data with N listings. Standalone:
``.venv/bin/python bench/workforce.py --listings 10000`` (add ``--database-url ... --reset`` for
PostgreSQL, as for opportunity_search.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from opportunity_search import make_app, timed
from sqlalchemy import select
from werkzeug.test import TestResponse

from portal.extensions import db
from portal.models import ServiceArea
from portal.services.demo import seed_demo
from portal.services.tallies import OPENED, SUGGESTED, add_to_tallies
from portal.services.workforce import Figures, Filters, load_cells, shortage

ANSWER = {
    "about": "I like chemistry and working in a lab, and I want to help find out what is wrong with people"
}


def _record(kind: str, slugs: list[str]) -> None:
    add_to_tallies(kind, slugs)
    db.session.commit()


def _checked(response: TestResponse, status: int) -> TestResponse:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.path} answered {response.status_code}, not {status}")
    return response


def _all_views() -> None:
    figures = Figures(load_cells(), Filters())
    figures.overall(), figures.by_area(), figures.by_division(), figures.by_region(), figures.by_week()
    shortage(figures)


def run(listings: int, database_url: str | None, reset: bool, repeats: int) -> dict:
    """Seed the demonstration data, then time the writes, the pages that make them, and the figures."""
    app = make_app(database_url, reset)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        started = time.perf_counter()
        report = seed_demo(opportunities=listings)
        db.session.commit()
        seed_s = time.perf_counter() - started
        slugs = list(db.session.scalars(select(ServiceArea.slug).order_by(ServiceArea.slug)))
        client = app.test_client()
        slug = "audiology"
        timings = {
            "record 10 suggested areas (one upsert + commit)": timed(
                lambda: _record(SUGGESTED, slugs[:10]), repeats
            ),
            "record 1 opened area (one upsert + commit)": timed(lambda: _record(OPENED, [slug]), repeats),
            "POST /find-your-fit (records the suggestions)": timed(
                lambda: _checked(client.post("/find-your-fit", data=ANSWER), 200), repeats
            ),
            "GET /find-your-fit/open/<slug> (records, redirects)": timed(
                lambda: _checked(client.get(f"/find-your-fit/open/{slug}"), 303), repeats
            ),
            "GET /service-areas/<slug> (for comparison)": timed(
                lambda: _checked(client.get(f"/service-areas/{slug}"), 200), repeats
            ),
            "load published cells": timed(load_cells, repeats),
            "load cells + every view + shortage": timed(_all_views, repeats),
        }
        dialect = db.engine.dialect.name
    return {
        "listings": listings,
        "tallies": report.tallies,
        "database": dialect,
        "seed_s": round(seed_s, 1),
        "timings": timings,
    }


def print_table(report: dict) -> None:
    """The figures as a plain table."""
    print(
        f"{report['listings']:,} demonstration listings and {report['tallies']:,} weekly tallies on "
        f"{report['database']} (seeded in {report['seed_s']} s)"
    )
    print(f"{'what':55} {'p50 ms':>8} {'p95 ms':>8}")
    for name, timing in report["timings"].items():
        print(f"{name:55} {timing['p50_ms']:>8.2f} {timing['p95_ms']:>8.2f}")


def main() -> None:
    """Parse the command line, run, print, and write JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=50)
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
