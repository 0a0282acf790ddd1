"""The shapes the gazetteer hands out: a place, its errors and the distance between two points."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Nation = Literal["England", "Scotland", "Wales", "Northern Ireland"]
Kind = Literal["place", "postcode district", "postcode"]

NATIONS: tuple[Nation, ...] = ("England", "Scotland", "Wales", "Northern Ireland")
NHS_ENGLAND_REGIONS = (
    "North East and Yorkshire",
    "North West",
    "Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
# The IUGG mean radius: haversine on a sphere is within 0.5% of the ellipsoid across the UK.
EARTH_RADIUS_KM = 6371.0088
MAX_SUGGESTIONS = 5


class Located(Protocol):
    """Anything with a WGS84 latitude and longitude in degrees."""

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


@dataclass(frozen=True)
class Place:
    """A UK town, city, postcode district or postcode with WGS84 coordinates."""

    name: str
    nation: Nation
    lat: float
    lon: float
    population: int = 0
    county: str | None = None
    region: str | None = None
    kind: Kind = "place"

    @property
    def label(self) -> str:
        """The name with enough context to tell it from its namesakes, e.g. "Bangor, Gwynedd, Wales"."""
        parts = [self.name]
        if self.county and self.county != self.name:
            parts.append(self.county)
        parts.append(self.nation)
        return ", ".join(parts)


class PlaceError(ValueError):
    """Text that does not name exactly one place; ``message`` is fit to show to the person."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions: list[str] = list(dict.fromkeys(suggestions))[:MAX_SUGGESTIONS]


class UnknownPlaceError(PlaceError):
    """Nothing in the gazetteer matches; ``suggestions`` holds the nearest spellings."""


class AmbiguousPlaceError(PlaceError):
    """Several places share the name; ``candidates`` lists them, the most populous first."""

    def __init__(self, message: str, candidates: Sequence[Place]) -> None:
        super().__init__(message, [place.label for place in candidates])
        self.candidates: tuple[Place, ...] = tuple(candidates)

    @property
    def best(self) -> Place:
        """The most populous candidate, for a page that shows results while it asks."""
        return self.candidates[0]


def distance_km(a: Located, b: Located) -> float:
    """Great-circle (haversine) distance in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    # min() guards asin against rounding just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
