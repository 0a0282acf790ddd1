"""The open figures API: every endpoint agrees with counts made afresh, and no count of 1 to 4 gets out.

The expected figures come from tests/services/test_workforce.py (``Expected``, plain loops over the
raw cells a test seeded). Differencing is attacked two ways: every response under every filter is
compared byte for byte after the withheld cells are given other small values, and the obvious
subtractions are worked out and shown to give published cells only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from sqlalchemy import select, text

from portal.extensions import db
from portal.models import AnonymousTally
from portal.models.opportunities import LIVE
from portal.services.demo import seed_demo
from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST
from portal.services.workforce import DIVISION_SLUGS, PERIOD_WEEKS, REGION_SLUGS, current_cells
from tests.hostile import PAYLOADS
from tests.workforce_expected import Expected, Fact, assert_nothing_from_1_to_4, people_counts
from tests.workforce_world import World, all_areas, every_filter, expected_for, monday, region_for, seed_world

ENDPOINTS = ("summary", "areas", "divisions", "regions", "weeks", "shortage")
# Every division and region, a few areas, alone and together, under every period and none.
GEOGRAPHY = [
    {},
    *({"division": slug} for slug in DIVISION_SLUGS),
    {"area": "audiology"},
    {"area": "andrology"},
    {"area": "bone-densitometry"},
]
EVERY_COMBINATION = [
    {**place, **({"region": region} if region else {}), **({"weeks": weeks} if weeks else {})}
    for place in GEOGRAPHY
    for region in (None, *REGION_SLUGS)
    for weeks in (None, *(str(n) for n in PERIOD_WEEKS))
]


def stats(client, endpoint: str, args: dict[str, str] | None = None) -> dict[str, Any]:
    """A stats answer that must be a 200."""
    response = client.get(f"/api/v1/stats/{endpoint}", query_string=args or {})
    assert response.status_code == 200, (endpoint, args, response.get_data(as_text=True))
    return response.get_json()


@pytest.fixture
def cells_kept(app: Flask, db_session) -> Iterator[Callable[[], None]]:
    """Requests reuse one load of the cells, as a worker does for WORKFORCE_CACHE_SECONDS; call to reload."""
    lifetime = app.config["WORKFORCE_CACHE_SECONDS"]
    app.config["WORKFORCE_CACHE_SECONDS"] = 3600

    def reload() -> None:
        current_cells(0)

    reload()
    yield reload
    app.config["WORKFORCE_CACHE_SECONDS"] = lifetime


@pytest.fixture
def documented(client) -> Callable[[str, dict[str, Any]], None]:
    """Check a stats answer against the schema the OpenAPI document gives it."""
    spec = client.get("/api/v1/openapi.json").get_json()
    validators = {}
    for endpoint in ENDPOINTS:
        schema = spec["paths"][f"/stats/{endpoint}"]["get"]["responses"]["200"]["content"]
        validators[endpoint] = Draft202012Validator(
            {**schema["application/json"]["schema"], "components": spec["components"]},
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    def check(endpoint: str, body: dict[str, Any]) -> None:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validators[endpoint].iter_errors(body)]
        assert not errors, (endpoint, errors[:5])

    return check


def context(world: World, args: dict[str, str]) -> dict[str, Any]:
    """The filters, period and demonstration flag every answer must carry."""
    expected = expected_for(world, args)
    return {
        "filters": {
            "area": args.get("area"),
            "division": args.get("division"),
            "region": args.get("region"),
            "weeks": int(args.get("weeks", 13)),
        },
        "period": {
            "weeks": len(expected.period),
            "first_week": expected.period[0].isoformat(),
            "last_week": world.this_week.isoformat(),
        },
        "includes_demo": world.includes_demo,
    }


def expected_shortage(expected: Expected) -> tuple[list[tuple], list[tuple]]:
    """Both rankings, from the rule: an imbalance of two to one that holds across the whole range."""
    outrun, outruns = [], []
    for row in expected.by_area():
        parts = [row["expressions_of_interest"]] + (
            [row["registered_interest"]] if row["registered_interest"] else []
        )
        known = sum(part["value"] or 0 for part in parts)
        withheld = sum(part["withheld_cells"] for part in parts)
        interest = {"value": None if withheld and not known else known, "withheld_cells": withheld}
        interest["suppressed"] = interest["value"] is None
        least, most = known + withheld, known + 4 * withheld
        places = row["places"]
        if places >= 5 and (places + 1) / (most + 1) >= 2:
            outrun.append((row["key"], places, interest, (places + 1) / (most + 1)))
        if least >= 5 and (places + 1) / (least + 1) <= 0.5:
            outruns.append((row["key"], places, interest, (places + 1) / (least + 1)))
    outrun.sort(key=lambda r: (-r[3], -r[1], r[0]))
    outruns.sort(key=lambda r: (r[3], -(r[2]["value"] or 0) - r[2]["withheld_cells"], r[0]))
    return outrun[:10], outruns[:10]


def _ranked(rows: list[dict[str, Any]]) -> list[tuple]:
    return [(r["slug"], r["places"], r["interest"], r["places_per_person"]) for r in rows]


def check_against(client, world: World, args: dict[str, str], documented) -> None:
    """Every endpoint under ``args`` says what ``Expected`` says, in the documented shape."""
    expected = expected_for(world, args)
    around = context(world, args)
    summary = stats(client, "summary", args)
    documented("summary", summary)
    assert summary["overall"] == expected.overall(), args
    assert {key: summary[key] for key in around} == around
    for endpoint, items in (
        ("areas", expected.by_area()),
        ("divisions", expected.by_division()),
        ("regions", expected.by_region()),
        ("weeks", expected.by_week()),
    ):
        body = stats(client, endpoint, args)
        documented(endpoint, body)
        assert body == {"count": len(items), "items": items, **around}, (endpoint, args)
    body = stats(client, "shortage", args)
    documented("shortage", body)
    outrun, outruns = expected_shortage(expected)
    assert _ranked(body["places_outrun_interest"]) == outrun, args
    assert _ranked(body["interest_outruns_places"]) == outruns, args
    assert {key: body[key] for key in around} == around


# --- Agreement with the seeded counts ------------------------------------------------------------


def test_every_endpoint_agrees_with_counts_made_afresh_under_every_filter(client, documented, cells_kept):
    world = seed_world()
    cells_kept()
    for args in every_filter():
        check_against(client, world, args, documented)


def test_the_summary_says_the_rule_and_links_to_the_rest_with_the_same_filters(client):
    seed_world()
    body = stats(client, "summary", {"division": "life-sciences", "weeks": "4"})
    assert "No count of 1 to 4 people is ever published" in body["suppression"]
    assert body["links"] == {
        name: f"http://localhost/api/v1/stats/{name}?division=life-sciences&weeks=4"
        for name in ("areas", "divisions", "regions", "weeks", "shortage")
    }
    assert stats(client, "summary")["links"]["weeks"] == "http://localhost/api/v1/stats/weeks"
    assert body["includes_demo"] is True and body["period"]["weeks"] == 4


def test_the_shortage_ranks_the_seeded_imbalances_and_gives_its_reasons(client):
    world = seed_world()
    body = stats(client, "shortage")
    outrun = {row["slug"]: row for row in body["places_outrun_interest"]}
    outruns = {row["slug"]: row for row in body["interest_outruns_places"]}
    assert outrun["aseptic-services"]["places"] == 40
    assert outrun["aseptic-services"]["interest"] == {"value": 0, "suppressed": False, "withheld_cells": 0}
    assert outrun["aseptic-services"]["places_per_person"] == 41.0
    assert outrun["aseptic-services"]["sentence"].startswith(
        "40 places offered and nobody has shown interest"
    )
    # The listing closed: no places now, and 25 registrations with 5 expressions of interest.
    assert outruns["allergy-diagnostics"]["places"] == 0
    assert outruns["allergy-diagnostics"]["interest"]["value"] == 30
    # Under five places, and under five people: not ranked either way.
    assert "bone-densitometry" not in outrun | outruns
    assert body["cautions"][0].startswith("This site holds demonstration data")
    assert not any("not recorded by region" in caution for caution in body["cautions"])
    in_london = stats(client, "shortage", {"region": "london"})
    assert any("not recorded by region" in caution for caution in in_london["cautions"])
    assert world.includes_demo


def test_without_demonstration_data_no_answer_claims_it(client):
    seed_world(demo=False)
    for endpoint in ENDPOINTS:
        assert stats(client, endpoint)["includes_demo"] is False
    assert not any("demonstration" in caution for caution in stats(client, "shortage")["cautions"])


def test_the_demonstration_seed_agrees_with_direct_sql_counts(client, documented, cells_kept):
    seed_demo(seed=5, opportunities=200)
    cells_kept()
    world = world_from_sql()
    raw = world.raw()
    assert any(1 <= n <= 4 for n in raw.values()) and any(n >= 5 for n in raw.values())
    assert sum(1 for key in raw if key[0] == EXPRESSION_OF_INTEREST) > 20
    for args in [{}, {"weeks": "4"}, {"weeks": "52"}, *({"division": s} for s in DIVISION_SLUGS)]:
        check_against(client, world, args, documented)
    for region in REGION_SLUGS:
        check_against(client, world, {"region": region}, documented)
    assert stats(client, "summary")["overall"]["live_listings"] == db.session.scalar(
        text("SELECT COUNT(*) FROM opportunity WHERE status = 'live' AND closes_on >= :today"),
        {"today": world.today},
    )


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def world_from_sql() -> World:
    """The listings and tallies in the database, read with plain SQL and nothing from the service."""
    today = datetime.now(UTC).date()
    world = World(today=today, this_week=monday(today), areas=all_areas())
    listings = db.session.execute(
        text(
            "SELECT o.id, a.service_area_slug, o.region, g.region, o.type, o.level, o.places, o.status,"
            " o.closes_on, o.live_since"
            " FROM opportunity o JOIN organisation g ON g.id = o.organisation_id"
            " JOIN opportunity_area a ON a.opportunity_id = o.id"
            " WHERE a.position = (SELECT MIN(position) FROM opportunity_area WHERE opportunity_id = o.id)"
        )
    )
    for listing_id, area, own, home, kind, level, places, status, closes_on, live_since in listings:
        world.facts[listing_id] = Fact(
            area=area,
            region=region_for(own, home),
            type=kind,
            level=level,
            places=0 if kind == "event" else places or 1,
            live_now=status == LIVE and _day(closes_on) >= today,
            went_live_week=None if live_since is None else monday(_moment(live_since).date()),
        )
    tallies = db.session.execute(
        text("SELECT kind, subject, week_start, count, is_demo FROM anonymous_tally")
    )
    for kind, subject, week, count, demo in tallies:
        world.tallies.append((kind, subject, _moment(week).date(), int(count), bool(demo)))
    return world


# --- The rule holds everywhere -----------------------------------------------------------------


def test_no_answer_under_any_filter_carries_a_count_from_1_to_4(client, cells_kept):
    seed_demo(seed=2, opportunities=200)
    seed_world()
    cells_kept()
    checked = suppressed = 0
    for args in EVERY_COMBINATION:
        for endpoint in ENDPOINTS:
            body = stats(client, endpoint, args)
            checked += assert_nothing_from_1_to_4(body, f"{endpoint} {args}")
            suppressed += sum(1 for count in people_counts(body) if count["suppressed"])
    # The walk met a great many counts, and many of them had to be withheld.
    assert checked > 10_000 and suppressed > 500


# --- Differencing cannot undo it -------------------------------------------------------------------


def every_answer(client) -> dict[tuple[str, str], bytes]:
    """The raw bytes of every stats endpoint under every combination of filters."""
    answers = {}
    for args in EVERY_COMBINATION:
        query = "&".join(f"{key}={value}" for key, value in args.items())
        for endpoint in ENDPOINTS:
            response = client.get(f"/api/v1/stats/{endpoint}?{query}")
            assert response.status_code == 200
            answers[(endpoint, query)] = response.get_data()
    return answers


def give_withheld_cells_other_values(world: World) -> int:
    """Change the tallies of every withheld cell so it holds another count from 1 to 4; returns how many."""
    rows: dict[tuple, list[AnonymousTally]] = defaultdict(list)
    for tally in db.session.scalars(select(AnonymousTally).order_by(AnonymousTally.id)):
        key = world.cell_of(tally.kind, tally.subject, _moment(tally.week_start).date(), tally.is_demo)
        if key is not None:
            rows[key].append(tally)
    changed = 0
    for tallies in rows.values():
        people = sum(tally.count for tally in tallies)
        if 1 <= people <= 4:
            # 5 - n is never n, and is 1 to 4 whenever n is.
            for position, tally in enumerate(tallies):
                tally.count = 5 - people if position == 0 else 0
            changed += 1
    db.session.flush()
    return changed


def test_every_answer_is_the_same_whatever_the_withheld_cells_hold(client, cells_kept):
    seed_demo(seed=3, opportunities=200)
    seed_world()
    world = world_from_sql()
    cells_kept()
    before = every_answer(client)
    withheld_before = {key: n for key, n in world.raw().items() if 1 <= n <= 4}
    assert give_withheld_cells_other_values(world) == len(withheld_before) > 100
    after_world = world_from_sql()
    withheld_after = {key: n for key, n in after_world.raw().items() if 1 <= n <= 4}
    assert withheld_after.keys() == withheld_before.keys()
    assert all(withheld_after[key] != n for key, n in withheld_before.items())
    cells_kept()
    assert every_answer(client) == before
    # And the comparison can fail: one more person in a published cell changes the answers.
    add_one = db.session.scalars(
        select(AnonymousTally).where(
            AnonymousTally.kind == AREA_INTEREST,
            AnonymousTally.subject == "audiology",
            AnonymousTally.count == 7,
            AnonymousTally.is_demo.is_(False),
        )
    ).one()
    add_one.count += 1
    db.session.flush()
    cells_kept()
    assert every_answer(client) != before


def _value(count: dict[str, Any] | None) -> int:
    return 0 if count is None or count["value"] is None else count["value"]


def attacks(client) -> dict[str, int]:
    """What each subtraction an attacker would try gives, on the seeded world."""
    overall = stats(client, "summary")["overall"]
    areas = stats(client, "areas")["items"]
    london = stats(client, "summary", {"region": "london"})["overall"]
    [physiological] = [
        row for row in stats(client, "divisions")["items"] if row["key"] == "physiological-sciences"
    ]
    others = stats(client, "areas", {"division": "physiological-sciences"})["items"]
    thirteen = stats(client, "summary", {"area": "audiology"})["overall"]
    four = stats(client, "summary", {"area": "audiology", "weeks": "4"})["overall"]
    return {
        "total minus the rows": _value(overall["registered_interest"])
        - sum(_value(row["registered_interest"]) for row in areas),
        "total minus the rows (interest in listings)": _value(overall["expressions_of_interest"])
        - sum(_value(row["expressions_of_interest"]) for row in areas),
        "all regions minus London": _value(overall["expressions_of_interest"])
        - _value(london["expressions_of_interest"]),
        "a division minus its other areas": _value(physiological["registered_interest"])
        - sum(_value(row["registered_interest"]) for row in others if row["key"] != "audiology"),
        "13 weeks minus 4": _value(thirteen["registered_interest"]) - _value(four["registered_interest"]),
    }


def differences(world: World, *, withheld_too: bool = False) -> dict[str, int]:
    """What each subtraction must give: the published cells of the difference (or every cell's count)."""
    raw = world.raw()
    period = set(Expected(raw, [], world.areas, world.this_week).period)
    last_four = {world.week(n) for n in range(4)}

    def cells(kind: str, keep: Callable[[tuple], bool]) -> int:
        return sum(
            n
            for key, n in raw.items()
            if key[0] == kind and key[2] in period and (withheld_too or not 1 <= n <= 4) and keep(key)
        )

    return {
        "total minus the rows": 0,
        "total minus the rows (interest in listings)": 0,
        "all regions minus London": cells(EXPRESSION_OF_INTEREST, lambda key: key[3] != "London"),
        "a division minus its other areas": cells(AREA_INTEREST, lambda key: key[1] == "audiology"),
        "13 weeks minus 4": cells(
            AREA_INTEREST, lambda key: key[1] == "audiology" and key[2] not in last_four
        ),
    }


def test_subtracting_figures_gives_published_cells_only_whatever_is_withheld(client):
    world = seed_world()
    want = differences(world)
    assert attacks(client) == want
    # Each subtraction aimed at withheld people: the true counts behind it are not what it gives.
    truth = differences(world, withheld_too=True)
    for attack in ("all regions minus London", "a division minus its other areas", "13 weeks minus 4"):
        assert truth[attack] != want[attack], attack
    overall = stats(client, "summary")["overall"]
    assert (
        overall["registered_interest"]["withheld_cells"]
        and overall["expressions_of_interest"]["withheld_cells"]
    )
    # Whatever the withheld cells hold, every subtraction gives the same.
    give_withheld_cells_other_values(world)
    assert attacks(client) == want
    assert differences(world_from_sql(), withheld_too=True) != truth


# --- Requests -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"area": "nope"}, "There is no service area called 'nope'."),
        ({"division": "sciences"}, "Choose a division from: " + ", ".join(DIVISION_SLUGS) + "."),
        ({"region": "england"}, "Choose a region from: " + ", ".join(REGION_SLUGS) + "."),
        ({"weeks": "5"}, "Choose a period of 4, 13, 52 weeks."),
        ({"weeks": "thirteen"}, "Choose a period of 4, 13, 52 weeks."),
        ({"area": "x" * 500}, "There is no service area called '" + "x" * 80 + "'."),
    ],
)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_unknown_filter_is_a_json_400_that_says_which(client, endpoint, args, message):
    response = client.get(f"/api/v1/stats/{endpoint}", query_string=args)
    assert response.status_code == 400 and response.is_json
    assert response.get_json() == {"error": {"code": "bad_request", "message": message}}


@pytest.mark.parametrize("name", ["area", "division", "region", "weeks"])
def test_hostile_filters_are_json_400s(client, name):
    for payload in (p for p in PAYLOADS if p):
        response = client.get("/api/v1/stats/areas", query_string={name: payload})
        assert response.status_code == 400 and response.is_json, (name, payload[:40])
        assert set(response.get_json()["error"]) == {"code", "message"}


def test_empty_filters_are_no_filters(client):
    assert stats(client, "summary", {"area": "", "division": "", "region": "", "weeks": ""})["filters"] == {
        "area": None,
        "division": None,
        "region": None,
        "weeks": 13,
    }


def test_the_stats_are_read_only_and_public(client):
    for endpoint in ENDPOINTS:
        response = client.post(f"/api/v1/stats/{endpoint}")
        assert response.status_code == 405 and "GET" in response.headers["Allow"]
        assert response.get_json()["error"]["code"] == "method_not_allowed"
        answer = client.get(f"/api/v1/stats/{endpoint}")
        assert answer.headers["Cache-Control"].startswith("public, max-age=")
        assert "Set-Cookie" not in answer.headers


def test_the_stats_are_rate_limited(limited):
    answers = [limited.get("/api/v1/stats/summary").status_code for _ in range(61)]
    assert answers[:60] == [200] * 60 and answers[60] == 429
    assert limited.get("/api/v1/stats/summary").get_json()["error"]["code"] == "too_many_requests"


def test_the_document_describes_the_filters_from_the_definitions_that_check_them(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p for p in spec["paths"]["/stats/areas"]["get"]["parameters"]}
    assert parameters["weeks"]["schema"]["enum"] == list(PERIOD_WEEKS)
    assert parameters["division"]["schema"]["enum"] == list(DIVISION_SLUGS)
    assert parameters["region"]["schema"]["enum"] == list(REGION_SLUGS)
    assert spec["components"]["schemas"]["ServiceAreaSlug"]["enum"] == sorted(all_areas())
    assert all(
        spec["paths"][f"/stats/{e}"]["get"]["parameters"] == list(parameters.values()) for e in ENDPOINTS
    )
    count = Draft202012Validator({"$ref": "#/components/schemas/Count", "components": spec["components"]})
    for value in (1, 2, 3, 4):
        assert not count.is_valid({"value": value, "suppressed": False, "withheld_cells": 0})
    assert count.is_valid({"value": None, "suppressed": True, "withheld_cells": 2})
    assert count.is_valid({"value": 5, "suppressed": False, "withheld_cells": 1})
    assert not count.is_valid({"value": None, "suppressed": False, "withheld_cells": 2})
