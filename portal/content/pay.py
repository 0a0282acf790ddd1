"""Agenda for Change pay in pounds: the table in content/pay-scales.yaml and band texts read against it.

Profiles give bands as text ("5", "5 to 6", "8a to 8c"); entry routes mention them in sentences
("Band 2 or 3 of Agenda for Change"). Both are turned into one range in pounds, from the entry point
of the lowest band to the top of the highest, with the year and nation always beside the figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

PAY_SCALES_FILE = "pay-scales.yaml"
_BAND = r"[1-9][a-d]?"
BAND_TEXT = re.compile(rf"^({_BAND})(?: (to|or) ({_BAND}))?$")
# "Band 7 or higher" names band 7 only: the second half must itself be a band.
BANDS_IN_SENTENCE = re.compile(rf"\bBands? ({_BAND})(?: (to|or) ({_BAND}))?\b", re.IGNORECASE)


@dataclass(frozen=True)
class PayBand:
    """One band's entry and top points (and the middle point, where the table has one)."""

    band: str
    entry: int
    top: int
    middle: int | None = None


@dataclass(frozen=True)
class PayRange:
    """What a band text pays in a year: from ``low`` to ``high`` pounds, for one year and nation."""

    bands: str
    low: int
    high: int
    nation: str
    year: str

    @property
    def label(self) -> str:
        """``Band 5`` or ``Bands 8a to 8c``, the way the page names the bands."""
        return f"{'Bands' if ' to ' in self.bands else 'Band'} {self.bands}"

    @property
    def text(self) -> str:
        """The sentence pages show, e.g. ``Band 5: £31,049 to £37,796 a year (England, 2025/26)``."""
        amounts = f"£{self.low:,}" if self.low == self.high else f"£{self.low:,} to £{self.high:,}"
        return f"{self.label}: {amounts} a year ({self.nation}, {self.year})"

    def as_json(self) -> dict[str, Any]:
        """The API's ``pay`` object."""
        return {
            "from": self.low,
            "to": self.high,
            "currency": "GBP",
            "period": "year",
            "nation": self.nation,
            "year": self.year,
        }


def parse_band_text(text: str) -> tuple[str, ...] | None:
    """Return the bands a text such as ``"5"``, ``"8a to 8b"`` or ``"6 or 7"`` names, or None."""
    found = BAND_TEXT.match(str(text).strip().lower())
    if not found:
        return None
    first, _, second = found.groups()
    return (first, second) if second else (first,)


def band_texts_in(sentence: str) -> list[str]:
    """Return each band text mentioned in a sentence, e.g. ``["2 or 3"]`` from "Band 2 or 3 of ..."."""
    texts = []
    for first, joiner, second in BANDS_IN_SENTENCE.findall(sentence or ""):
        text = f"{first} {joiner} {second}".lower() if second else first.lower()
        if text not in texts:
            texts.append(text)
    return texts


@dataclass(frozen=True)
class PayScales:
    """One year's table for one nation; bands in order, lowest first."""

    year: str
    applies_from: str
    nation: str
    hours_per_week: float
    source: str
    bands: tuple[PayBand, ...]

    def band(self, name: str) -> PayBand | None:
        """The band called ``name``, or None if the table does not have it."""
        return next((band for band in self.bands if band.band == name), None)

    def range_for(self, text: str) -> PayRange | None:
        """The pounds a band text stands for, or None when the text or one of its bands is unknown."""
        names = parse_band_text(text)
        if names is None:
            return None
        # self.bands is ordered lowest first, so the first and last found are the ends of the range.
        found = [band for band in self.bands if band.band in names]
        if len(found) != len(set(names)):
            return None
        label = " ".join(str(text).split()).lower()
        return PayRange(label, found[0].entry, found[-1].top, self.nation, self.year)

    @property
    def applies_from_text(self) -> str:
        """The start date as a reader writes it, e.g. ``1 April 2025``."""
        start = date.fromisoformat(self.applies_from)
        return f"{start.day} {start:%B %Y}"

    def ranges_in(self, sentences: str | Iterable[str]) -> list[PayRange]:
        """Pay for every band the table knows among those the sentences mention, each once."""
        texts = [sentences] if isinstance(sentences, str) else list(sentences)
        found: list[PayRange] = []
        for text in band_texts_in(" ".join(str(t) for t in texts if t)):
            pay = self.range_for(text)
            if pay is not None and pay not in found:
                found.append(pay)
        return found


def pay_scales_from(data: dict[str, Any]) -> PayScales:
    """Build the typed table from the parsed YAML (already checked against its schema)."""
    return PayScales(
        year=str(data["year"]),
        applies_from=str(data["applies_from"]),
        nation=str(data["nation"]),
        hours_per_week=float(data["hours_per_week"]),
        source=str(data["source"]),
        bands=tuple(
            PayBand(str(row["band"]), int(row["entry"]), int(row["top"]), row.get("middle"))
            for row in data["bands"]
        ),
    )
