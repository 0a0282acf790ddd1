"""The demonstration listings, typed as a person would fill in the listing form (see ``demo``)."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from portal.models import Organisation
from portal.services import demo_data as words
from portal.services.places import Place

MAX_CLOSING_DAYS = 120


@dataclass(frozen=True)
class DemoHome:
    """An organisation with its gazetteer place and the nearby towns its listings are in."""

    organisation: Organisation
    spec: words.DemoOrganisation
    place: Place
    towns: tuple[str, ...]


def slug(text: str) -> str:
    """``text`` as a URL path segment."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _lower(name: str) -> str:
    # "Audiology" reads as "audiology" mid-sentence; "MRI physics" keeps its capitals.
    return name if name[:2].isupper() else name[0].lower() + name[1:]


class ListingMaker:
    """Builds the typed values of one listing after another, as a person would fill in the form."""

    def __init__(self, rng: random.Random, today: date, areas: dict[str, str], homes: list[DemoHome]) -> None:
        self.rng = rng
        self.today = today
        self.areas = areas
        self.homes = homes
        self.order = list(areas)
        rng.shuffle(self.order)
        self.kind_seen: Counter[str] = Counter()

    def _home_and_type(self, number: int) -> tuple[DemoHome, str]:
        # Every organisation gets a listing first, each kind cycling through its types, so that a
        # small seed still covers every region, nation and type.
        if number < len(self.homes):
            home = self.homes[number]
            allowed = words.TYPES_BY_KIND[home.spec.kind]
            kind = allowed[self.kind_seen[home.spec.kind] % len(allowed)]
            self.kind_seen[home.spec.kind] += 1
            return home, kind
        kind = self.rng.choices(list(words.TYPE_WEIGHTS), weights=list(words.TYPE_WEIGHTS.values()))[0]
        offering = [home for home in self.homes if kind in words.TYPES_BY_KIND[home.spec.kind]]
        return self.rng.choice(offering), kind

    def _areas(self, number: int) -> list[str]:
        first = self.order[number % len(self.order)]
        extra = self.rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
        others = self.rng.sample([slug for slug in self.order if slug != first], extra)
        return [first, *others]

    def listing(self, number: int) -> tuple[DemoHome, dict[str, Any]]:
        """The organisation and the form values of listing ``number``."""
        home, kind = self._home_and_type(number)
        rng = self.rng
        slugs = self._areas(number)
        area = self.areas[slugs[0]]
        closes_on = self.today + timedelta(days=rng.randint(1, MAX_CLOSING_DAYS))
        values: dict[str, Any] = {
            "type": kind,
            "service_areas": ";".join(slugs),
            "town": rng.choice(home.towns),
            "site_name": rng.choice(home.spec.sites) if home.spec.sites and rng.random() < 0.7 else "",
            "closes_on": closes_on.isoformat(),
            "apply_kind": "external",
            "apply_url": f"https://example.org/demo/{slug(home.spec.name)}/apply/{number + 1}",
        }
        values.update(_TYPE_VALUES[kind](rng, closes_on))
        names = {"area": area, "area_lower": _lower(area)}
        values["title"] = values["title"].format(**names)
        values["description"] = words.DESCRIPTIONS[kind].format(
            **names,
            organisation=home.spec.name,
            town=home.place.name,
            standard=values.get("apprenticeship_standard", ""),
        )
        if values.get("online") == "yes":
            values["town"] = values["site_name"] = ""
        return home, values


def _later(rng: random.Random, day: date, low: int, high: int) -> str:
    return (day + timedelta(days=rng.randint(low, high))).isoformat()


def _apprenticeship(rng: random.Random, closes_on: date) -> dict[str, Any]:
    number = rng.randint(2, 7)
    level, standard = words.APPRENTICESHIPS[number]
    stages = (
        ["graduate", "nhs-staff"]
        if number == 7
        else ["post16", *rng.sample(["career-changer", "nhs-staff"], rng.randint(0, 2))]
    )
    return {
        "title": f"{{area}} apprenticeship (level {number})",
        "level": level,
        "apprenticeship_level": str(number),
        "apprenticeship_standard": standard,
        "stages": stages,
        "minimum_age": "18" if number == 7 else "16",
        "pay_kind": "apprentice-wage",
        "hours": rng.choice(words.HOURS[:1] + words.HOURS[2:]),
        "places": str(rng.randint(1, 4)),
        "starts_on": _later(rng, closes_on, 30, 90),
    }


def _placement(rng: random.Random, closes_on: date) -> dict[str, Any]:
    return {
        "title": "{area} student placement",
        "level": rng.choice(("none", "practitioner")),
        "stages": rng.choice((["undergraduate"], ["undergraduate", "graduate"])),
        "minimum_age": "18",
        "pay_kind": "unpaid",
        "hours": rng.choice(("Weekdays, 9am to 5pm, for six weeks", "Weekdays, 9am to 5pm, for four weeks")),
        "places": str(rng.randint(1, 6)),
        "starts_on": _later(rng, closes_on, 14, 60),
    }


def _work_experience(rng: random.Random, closes_on: date) -> dict[str, Any]:
    stages, age = rng.choice(words.WORK_EXPERIENCE)
    return {
        "title": "Work experience week: {area_lower}",
        "level": "none",
        "stages": list(stages),
        "minimum_age": str(age),
        "pay_kind": "unpaid",
        "hours": "Five days, 9am to 4pm",
        "places": str(rng.randint(2, 12)),
        "starts_on": _later(rng, closes_on, 7, 45),
    }


def _job(rng: random.Random, closes_on: date) -> dict[str, Any]:
    level = rng.choice(list(words.JOB_BANDS))
    stages = {
        "assistant": ["post16", "career-changer", "nhs-staff"],
        "associate": ["career-changer", "nhs-staff"],
        "practitioner": ["graduate", "career-changer", "nhs-staff"],
    }.get(level, ["nhs-staff"])
    return {
        "title": words.JOB_TITLES[level],
        "level": level,
        "stages": stages,
        "minimum_age": rng.choice(("16", "18")) if level == "assistant" else "18",
        "pay_kind": "band",
        "pay_band": rng.choice(words.JOB_BANDS[level]),
        "hours": rng.choice(words.HOURS),
        "places": str(rng.randint(1, 3)),
        "starts_on": _later(rng, closes_on, 30, 90),
    }


def _training_post(rng: random.Random, closes_on: date) -> dict[str, Any]:
    title, level, band, stages = rng.choice(words.TRAINING_POSTS)
    return {
        "title": title,
        "level": level,
        "stages": list(stages),
        "minimum_age": "18",
        "pay_kind": "band",
        "pay_band": band,
        "hours": words.HOURS[0],
        "places": str(rng.randint(1, 4)),
        "starts_on": _later(rng, closes_on, 60, 150),
    }


def _event(rng: random.Random, closes_on: date) -> dict[str, Any]:
    stages = rng.choice(
        (["ks3", "gcse"], ["gcse", "post16"], ["ks3", "gcse", "post16"], ["post16", "career-changer"])
    )
    online = rng.random() < 0.4
    return {
        "title": rng.choice(words.EVENT_TITLES) + (" (online)" if online else ""),
        "level": "none",
        "stages": stages,
        "minimum_age": "11" if "ks3" in stages else ("14" if "gcse" in stages else "16"),
        "online": "yes" if online else "no",
        # An event in person for school students can take a class (no extra draw: the data stays the same).
        "open_to_school_groups": "yes" if not online and "ks3" in stages else "no",
        "pay_kind": "unpaid",
        "hours": rng.choice(("About one hour", "About two hours", "Half a day")),
        "places": str(rng.choice((20, 30, 50, 100, 200))),
        "event_date": _later(rng, closes_on, 0, 14),
        "event_time": rng.choice(words.EVENT_TIMES),
    }


_TYPE_VALUES = {
    "apprenticeship": _apprenticeship,
    "placement": _placement,
    "work-experience": _work_experience,
    "job": _job,
    "training-post": _training_post,
    "event": _event,
}
