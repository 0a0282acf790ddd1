"""Small builders shared by the parts of the OpenAPI document."""

from __future__ import annotations

from typing import Any

STRINGS = {"type": "array", "items": {"type": "string"}}


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(name: str) -> dict[str, Any]:
    """A ``{"count", "items"}`` answer of ``name`` items."""
    return {
        "type": "object",
        "required": ["count", "items"],
        "properties": {"count": {"type": "integer"}, "items": {"type": "array", "items": ref(name)}},
    }


def json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A JSON response with ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}
