"""Open workforce figures: aggregates only, with every count of 1 to 4 people withheld."""

from portal.api.blueprint import bp  # noqa: F401
