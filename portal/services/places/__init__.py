"""An offline UK gazetteer: towns, cities and postcode districts to points, and distances between them.

Routes call ``find_place(text)`` and catch ``PlaceError`` (its ``message`` and ``suggestions`` are fit
to show). Nothing here calls a web service; data comes from registry packages (see ``data``).
"""

from __future__ import annotations

import functools
import time
import unicodedata
from dataclasses import dataclass

from portal.services.places.model import (
    NATIONS,
    NHS_ENGLAND_REGIONS,
    AmbiguousPlaceError,
    Located,
    Place,
    PlaceError,
    UnknownPlaceError,
    distance_km,
)
from portal.services.places.postcodes import (
    Postcode,
    is_valid_district,
    is_valid_postcode,
    looks_like_postcode,
    parse_postcode,
    postcode_point,
)
from portal.services.places.towns import Gazetteer, gazetteer, normalise

__all__ = [
    "NATIONS",
    "NHS_ENGLAND_REGIONS",
    "AmbiguousPlaceError",
    "Gazetteer",
    "Located",
    "Place",
    "PlaceError",
    "Postcode",
    "UnknownPlaceError",
    "distance_km",
    "find_place",
    "gazetteer",
    "is_valid_district",
    "is_valid_postcode",
    "load",
    "nearest_places",
    "normalise",
    "parse_postcode",
]

MAX_LENGTH = 100
# Control, format (bidi overrides, zero-width joiners), private-use and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})


@dataclass(frozen=True)
class _Point:
    lat: float
    lon: float


def find_place(text: str) -> Place:
    """The place ``text`` names: a town or city ("Leeds", "Bangor, Wales"), a district or a postcode.

    Raises ``UnknownPlaceError`` (with spelling suggestions) or ``AmbiguousPlaceError`` (with the
    namesakes); both are ``PlaceError``, and no other exception comes out for any text.
    """
    text = _checked(text)
    postcode = parse_postcode(text)
    if postcode is not None:
        return _postcode_place(postcode)
    if looks_like_postcode(text):
        raise UnknownPlaceError(
            f"“{text.strip()}” is not a UK postcode or postcode district (like LS1 or LS1 4AP)."
        )
    return gazetteer().find(text)


def _checked(text: object) -> str:
    # Surrounding whitespace (a pasted tab or newline) is trimmed; anything inside is judged.
    trimmed = text.strip() if isinstance(text, str) else ""
    if not trimmed:
        raise UnknownPlaceError("Type the name of a town, a city or a postcode district.")
    if len(trimmed) > MAX_LENGTH:
        raise UnknownPlaceError(f"A place name is at most {MAX_LENGTH} characters long.")
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in trimmed):
        raise UnknownPlaceError("A place name cannot hold control or invisible formatting characters.")
    return trimmed


@functools.lru_cache(maxsize=4096)
def _postcode_place(postcode: Postcode) -> Place:
    point = postcode_point(postcode)
    if point is None and postcode.inward is not None:
        # A postcode too new (or long retired) for the data still names its district.
        postcode = Postcode(postcode.outward)
        point = postcode_point(postcode)
    if point is None:
        raise UnknownPlaceError(_unplaceable(postcode))
    # Code-Point Open has no nation column: take the nearest town's, which may err on a border.
    nearest, _ = gazetteer().nearest(_Point(*point), limit=1)[0]
    return Place(
        name=postcode.text,
        nation=nearest.nation,
        lat=point[0],
        lon=point[1],
        kind="postcode" if postcode.inward else "postcode district",
    )


def _unplaceable(postcode: Postcode) -> str:
    if postcode.area == "BT":
        return (
            f"{postcode.outward} is in Northern Ireland, whose postcodes this service cannot place yet: "
            "type the town instead, for example Belfast or Omagh."
        )
    return f"There is no postcode district {postcode.outward} in Great Britain's postcode data."


def nearest_places(
    point: Located, limit: int = 5, within_km: float | None = None
) -> list[tuple[Place, float]]:
    """The towns nearest ``point`` with their distances in km, nearest first."""
    return gazetteer().nearest(point, limit=limit, within_km=within_km)


def load() -> float:
    """Build the gazetteer now rather than on the first search (e.g. after a worker forks); seconds taken."""
    started = time.perf_counter()
    gazetteer()
    return time.perf_counter() - started
