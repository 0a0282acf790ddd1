"""Schemathesis drives the API from its own OpenAPI document: no server error, no answer off the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.workforce_world import seed_world

MAX_EXAMPLES = 40
# Searches near a place may refuse schema-valid input, as the contract says: no schema can list every
# UK town, nor say that radius_km needs near. Such a refusal must be that one, and nothing else.
PLACE_SEARCHES = {"GET /opportunities"}
# Schemathesis reads bodies as they come from the app; JSON is compressed for clients that ask, which
# is checked in tests/test_caching.py.
PLAIN = {"Accept-Encoding": "identity"}


def refused_only_for_the_place(ctx, response, case) -> None:
    """A schema-valid search is refused only for an unknown or ambiguous place, or a radius without one."""
    if response.status_code == 400:
        error = response.json()["error"]
        assert error["code"] in ("unknown_place", "ambiguous_place") or "radius_km" in error["message"], error


def test_every_operation_keeps_to_its_document(app, db_session):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6, "every documented operation is exercised"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case) -> None:
            if case.operation.label in PLACE_SEARCHES:
                case.call_and_validate(
                    headers=PLAIN,
                    excluded_checks=[positive_data_acceptance],
                    additional_checks=[refused_only_for_the_place],
                )
            else:
                case.call_and_validate(headers=PLAIN)

        keeps_to_the_document()


def test_the_stats_keep_to_their_document_on_seeded_figures(app, db_session):
    # An empty database publishes only zeros: seed withheld and published cells, demonstration data
    # and listings of every kind, so every branch of every stats schema is met.
    seed_world()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    stats = [operation for operation in operations if operation.label.startswith("GET /stats/")]
    assert len(stats) == 6, "every stats operation is exercised"
    for operation in stats:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case) -> None:
            case.call_and_validate(headers=PLAIN)

        keeps_to_the_document()
