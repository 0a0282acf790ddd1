"""Schemathesis drives the API from its own OpenAPI document: no server error, no answer off the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

MAX_EXAMPLES = 40


def test_every_operation_keeps_to_its_document(app, db_session):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6, "every documented operation is exercised"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case) -> None:
            case.call_and_validate()

        keeps_to_the_document()
