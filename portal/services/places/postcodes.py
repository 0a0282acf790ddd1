"""UK postcodes and postcode districts: format rules and points from Ordnance Survey Code-Point Open."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from convertbng.cutil import convert_lonlat

from portal.services.places import data

# The outward code's six shapes (A9, A99, A9A, AA9, AA99, AA9A) with the letters each position may
# hold; the inward code is a digit and two letters, never C, I, K, M, O or V.
OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_FULL = re.compile(rf"({OUTWARD})({INWARD})")
_DISTRICT = re.compile(OUTWARD)
_ASCII_ALNUM = re.compile(r"[A-Z0-9]{2,7}")
# Code-Point Open's "no coordinates" rows carry quality 90 and a 0, 0 grid reference.
_NO_COORDINATES = b"0"


@dataclass(frozen=True)
class Postcode:
    """A well-formed postcode ("LS1 4AP") or postcode district ("LS1", with ``inward`` None)."""

    outward: str
    inward: str | None = None

    @property
    def text(self) -> str:
        """The canonical spelling: upper case, one space before the inward code."""
        return f"{self.outward} {self.inward}" if self.inward else self.outward

    @property
    def area(self) -> str:
        """The postcode area, the outward code's leading letters ("LS", "W")."""
        return re.match(r"[A-Z]+", self.outward)[0]  # type: ignore[index]


def _compact(text: str) -> str:
    return "".join(text.split()).upper()


def parse_postcode(text: str) -> Postcode | None:
    """``text`` as a postcode or district if it is one in UK format ("ls14ap" -> "LS1 4AP"), else None."""
    compact = _compact(text)
    if not compact.isascii() or not _ASCII_ALNUM.fullmatch(compact):
        return None
    full = _FULL.fullmatch(compact)
    if full:
        return Postcode(full[1], full[2])
    return Postcode(compact) if _DISTRICT.fullmatch(compact) else None


def looks_like_postcode(text: str) -> bool:
    """Letters and digits only, with a digit: meant as a postcode even if malformed ("LS1 4A", "12345")."""
    compact = _compact(text)
    return bool(compact) and compact.isascii() and compact.isalnum() and any(c.isdigit() for c in compact)


def is_valid_postcode(text: str) -> bool:
    """True for a full postcode in UK format ("EC1A 1BB")."""
    parsed = parse_postcode(text)
    return parsed is not None and parsed.inward is not None


def is_valid_district(text: str) -> bool:
    """True for a postcode district, the outward code alone ("EC1A")."""
    parsed = parse_postcode(text)
    return parsed is not None and parsed.inward is None


@functools.cache
def district_points(area: str) -> dict[str, tuple[float, float]]:
    """Each district of ``area`` -> (lat, lon) of the mean of its postcodes' grid references."""
    rows = data.codepoint_area(area)
    if rows is None:
        return {}
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows.splitlines():
        postcode, _quality, easting, northing = row.split(b",")
        if easting == _NO_COORDINATES:
            continue
        total = sums[postcode.split(b" ")[0].decode("ascii")]
        total[0] += int(easting)
        total[1] += int(northing)
        total[2] += 1
    districts = list(sums)
    # Averaging on the flat OSGB36 grid, then one OSTN15 conversion, is exact enough at district scale.
    lons, lats = convert_lonlat(
        [sums[d][0] / sums[d][2] for d in districts], [sums[d][1] / sums[d][2] for d in districts]
    )
    return {d: (float(lat), float(lon)) for d, lat, lon in zip(districts, lats, lons, strict=True)}


def postcode_point(postcode: Postcode) -> tuple[float, float] | None:
    """(lat, lon) of one postcode or district, or None if Code-Point Open does not hold it."""
    if postcode.inward is None:
        return district_points(postcode.area).get(postcode.outward)
    row = _row(data.codepoint_area(postcode.area) or b"", postcode.text)
    if row is None:
        return None
    _postcode, _quality, easting, northing = row.split(b",")
    if easting == _NO_COORDINATES:
        return None
    lons, lats = convert_lonlat([int(easting)], [int(northing)])
    return float(lats[0]), float(lons[0])


def _row(rows: bytes, postcode: str) -> bytes | None:
    needle = f"{postcode},".encode("ascii")
    if rows.startswith(needle):
        start = 0
    else:
        found = rows.find(b"\n" + needle)
        if found == -1:
            return None
        start = found + 1
    end = rows.find(b"\n", start)
    return rows[start : end if end != -1 else len(rows)].strip()
