"""The rules a listing must meet, checked once for the web form and the CSV import alike.

``check_listing(values, today)`` takes what a person typed (strings; lists for areas and stages)
and returns either a ``ListingData`` ready to save, or problems in plain words, each tied to the
field it is about, so a form can show it beside the field and an import beside the row.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import nh3

from portal.extensions import db
from portal.models import ServiceArea
from portal.models.opportunities import OPPORTUNITY_TYPES
from portal.services.entry_routes import STAGES
from portal.services.places import PlaceError, find_place, is_valid_postcode, parse_postcode

LEVELS = (
    "none",
    "assistant",
    "associate",
    "practitioner",
    "specialist-practitioner",
    "trainee-clinical-scientist",
    "clinical-scientist",
    "principal-clinical-scientist",
    "consultant-clinical-scientist",
)
PAY_KINDS = {
    "band": "An Agenda for Change band",
    "salary": "A salary range",
    "apprentice-wage": "The apprentice wage set by the employer",
    "unpaid": "Unpaid",
}
PAY_BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")
APPLY_KINDS = {"portal": "Through this portal", "external": "On our own website"}
TITLE_LENGTH = 120
DESCRIPTION_LENGTH = 5000
SHORT_TEXT = 120
MAX_AREAS = 3
MAX_PLACES = 500
MAX_SALARY = 250_000
MAX_DAYS_AHEAD = 2 * 366
# Types that pay or employ take people of 16 or over; younger people come to events and work experience.
EMPLOYMENT_TYPES = {"apprenticeship", "job", "training-post"}
EMPLOYMENT_MINIMUM_AGE = 16
# Types a teacher can bring a class or a group of students to.
SCHOOL_GROUP_TYPES = ("event", "work-experience")
_YES = ("y", "yes", "true", "1", "on")
FIELDS = (
    "title",
    "type",
    "service_areas",
    "level",
    "apprenticeship_level",
    "apprenticeship_standard",
    "description",
    "stages",
    "minimum_age",
    "open_to_school_groups",
    "online",
    "site_name",
    "town",
    "postcode",
    "starts_on",
    "closes_on",
    "event_date",
    "event_time",
    "places",
    "pay_kind",
    "pay_band",
    "salary_min",
    "salary_max",
    "hours",
    "apply_kind",
    "apply_url",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ListingProblem:
    """One thing wrong with a listing, said so that the poster knows what to change."""

    field: str
    message: str


@dataclass
class ListingData:
    """A listing that has passed every check: typed values ready to store on an Opportunity."""

    title: str
    type: str
    service_areas: list[str]
    level: str
    description: str
    stages: list[str]
    closes_on: date
    pay_kind: str
    apply_kind: str
    online: bool = False
    open_to_school_groups: bool = False
    apprenticeship_level: int | None = None
    apprenticeship_standard: str | None = None
    minimum_age: int | None = None
    site_name: str | None = None
    town: str | None = None
    region: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    postcode: str | None = None
    starts_on: date | None = None
    event_starts_at: datetime | None = None
    places: int | None = None
    pay_band: str | None = None
    salary_min: int | None = None
    salary_max: int | None = None
    hours: str | None = None
    apply_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def column_values(self) -> dict[str, Any]:
        """The values as Opportunity columns (areas are stored apart)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.pop("service_areas")
        values.pop("extra")
        return values


class _Checker:
    """Collects problems while reading one listing's values."""

    def __init__(self, values: Mapping[str, Any], today: date) -> None:
        self.values = values
        self.today = today
        self.problems: list[ListingProblem] = []

    def problem(self, name: str, message: str) -> None:
        self.problems.append(ListingProblem(name, message))

    def text(self, name: str, label: str, limit: int = SHORT_TEXT, required: bool = False) -> str | None:
        raw = self.values.get(name)
        value = _clean(raw if isinstance(raw, str) else "")
        if not value:
            if required:
                self.problem(name, f"Enter {label}")
            return None
        if len(value) > limit:
            self.problem(name, f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer")
            return None
        return value

    def choice(self, name: str, options: Mapping[str, str] | tuple[str, ...], message: str) -> str | None:
        value = _clean(str(self.values.get(name) or "")).lower()
        if value not in options:
            self.problem(name, message)
            return None
        return value

    def whole_number(self, name: str, label: str, low: int, high: int, required: bool = False) -> int | None:
        raw = _clean(str(self.values.get(name) or "")).replace(",", "").replace("£", "")
        if not raw:
            if required:
                self.problem(name, f"Enter {label}")
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.problem(
                name, f"{label[0].upper()}{label[1:]} must be a whole number from {low:,} to {high:,}"
            )
            return None
        return int(raw)

    def day(self, name: str, label: str, required: bool = False) -> date | None:
        raw = self.values.get(name)
        if isinstance(raw, date):
            return raw
        text = _clean(str(raw or ""))
        if not text:
            if required:
                self.problem(name, f"Enter {label}")
            return None
        parsed = _parse_date(text)
        if parsed is None:
            self.problem(
                name, f"{label[0].upper()}{label[1:]} must be a real date, like 31/3/2027 or 2027-03-31"
            )
        return parsed


def _clean(text: str) -> str:
    """Text without control characters or direction overrides, trimmed."""
    return _CONTROL.sub("", text).strip()


def _parse_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_time(text: str) -> time | None:
    for pattern in ("%H:%M", "%I:%M%p", "%I%p", "%I:%M %p", "%I %p"):
        try:
            return datetime.strptime(text.replace(".", ":").upper(), pattern).time()
        except ValueError:
            continue
    return None


def plain_description(text: str) -> str:
    """The description as plain text: any markup is removed, paragraphs and line breaks kept."""
    # nh3 escapes what is left; it is stored as text and escaped again wherever it is shown.
    return html.unescape(nh3.clean(text, tags=set(), strip_comments=True))


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[;,]", value)
    return [_clean(str(item)).lower() for item in (value or []) if _clean(str(item))]


def _is_yes(value: Any) -> bool:
    return str(value or "").strip().lower() in _YES


def _check_school_groups(check: _Checker, kind: str | None) -> bool:
    if not _is_yes(check.values.get("open_to_school_groups")):
        return False
    if kind is not None and kind not in SCHOOL_GROUP_TYPES:
        check.problem(
            "open_to_school_groups",
            "Only events and work experience can be open to school groups: untick the box or change the type",
        )
    return kind in SCHOOL_GROUP_TYPES


def _check_areas(check: _Checker) -> list[str]:
    slugs = list(dict.fromkeys(_as_list(check.values.get("service_areas"))))
    if not slugs:
        check.problem("service_areas", "Choose at least one service area")
        return []
    if len(slugs) > MAX_AREAS:
        check.problem("service_areas", f"Choose no more than {MAX_AREAS} service areas")
        return []
    known = set(db.session.scalars(db.select(ServiceArea.slug).where(ServiceArea.slug.in_(slugs))))
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        check.problem(
            "service_areas", f"We do not know the service area “{unknown[0][:80]}”: choose one from the list"
        )
        return []
    return slugs


def _check_stages(check: _Checker) -> list[str]:
    stages = list(dict.fromkeys(_as_list(check.values.get("stages"))))
    if not stages:
        check.problem("stages", "Choose at least one stage this suits")
    elif any(stage not in STAGES for stage in stages):
        check.problem("stages", "Choose stages from the list")
        return []
    return stages


def place_message(error: PlaceError) -> str:
    """The gazetteer's message with its suggestions, as one sentence a person can act on."""
    if not error.suggestions:
        return error.message
    return f"{error.message} Did you mean {' or '.join(error.suggestions[:3])}?"


def _check_place(check: _Checker, data: dict[str, Any]) -> None:
    online = _is_yes(check.values.get("online"))
    data["online"] = online
    data["site_name"] = check.text("site_name", "the site name")
    town = check.text("town", "the town or city", required=not online)
    if town:
        try:
            place = find_place(town)
        except PlaceError as error:
            check.problem("town", place_message(error))
        else:
            data.update(
                town=place.name, region=place.region or place.nation, latitude=place.lat, longitude=place.lon
            )
    postcode = check.text("postcode", "the postcode", limit=10)
    if postcode:
        if not is_valid_postcode(postcode):
            check.problem("postcode", "Enter a full UK postcode, like LS1 4AP, or leave it out")
        else:
            data["postcode"] = parse_postcode(postcode).text  # type: ignore[union-attr]


def _check_dates(check: _Checker, data: dict[str, Any], kind: str | None) -> None:
    closes_on = check.day("closes_on", "the closing date", required=True)
    starts_on = check.day("starts_on", "the start date")
    if closes_on is not None:
        if closes_on < check.today:
            check.problem("closes_on", "The closing date must be today or in the future")
        elif (closes_on - check.today).days > MAX_DAYS_AHEAD:
            check.problem("closes_on", "The closing date must be within two years")
    if starts_on and closes_on and starts_on < closes_on and kind != "event":
        check.problem("starts_on", "The start date must be on or after the closing date")
    data.update(closes_on=closes_on, starts_on=starts_on)
    if kind == "event":
        _check_event_time(check, data, closes_on)


def _check_event_time(check: _Checker, data: dict[str, Any], closes_on: date | None) -> None:
    day = check.day("event_date", "the date of the event", required=True)
    raw_time = _clean(str(check.values.get("event_time") or ""))
    when = _parse_time(raw_time) if raw_time else None
    if not raw_time:
        check.problem("event_time", "Enter the time the event starts, like 10:00 or 2pm")
    elif when is None:
        check.problem("event_time", "The time must be a real time, like 10:00 or 2pm")
    if day and closes_on and day < closes_on:
        check.problem("event_date", "The event must be on or after the closing date for booking")
    if day and when:
        data["event_starts_at"] = datetime.combine(day, when)


def _check_pay(check: _Checker, data: dict[str, Any], kind: str | None) -> None:
    pay_kind = check.choice("pay_kind", PAY_KINDS, "Say how this is paid, or that it is unpaid")
    data["pay_kind"] = pay_kind
    if pay_kind == "band":
        data["pay_band"] = check.choice("pay_band", PAY_BANDS, "Choose the Agenda for Change band")
    elif pay_kind == "salary":
        low = check.whole_number("salary_min", "the lowest salary", 1, MAX_SALARY, required=True)
        high = check.whole_number("salary_max", "the highest salary", 1, MAX_SALARY, required=True)
        if low and high and high < low:
            check.problem("salary_max", "The highest salary must be at least the lowest")
        data.update(salary_min=low, salary_max=high)
    elif pay_kind == "unpaid" and kind in EMPLOYMENT_TYPES:
        check.problem("pay_kind", "Jobs, apprenticeships and training posts must be paid: say how")
    elif pay_kind == "apprentice-wage" and kind != "apprenticeship":
        check.problem("pay_kind", "The apprentice wage is only for apprenticeships")


def _check_apply(check: _Checker, data: dict[str, Any]) -> None:
    apply_kind = check.choice("apply_kind", APPLY_KINDS, "Say how people apply")
    data["apply_kind"] = apply_kind
    url = check.text("apply_url", "the link to apply", limit=500, required=apply_kind == "external")
    if url and not re.fullmatch(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d{1,5})?(/[^\s<>\"']*)?", url):
        check.problem("apply_url", "The link to apply must be a full web address starting with https://")
        url = None
    data["apply_url"] = url if apply_kind == "external" else None


def _check_type_details(check: _Checker, data: dict[str, Any], kind: str | None) -> None:
    if kind == "apprenticeship":
        data["apprenticeship_level"] = check.whole_number(
            "apprenticeship_level", "the apprenticeship level", 2, 7, required=True
        )
        data["apprenticeship_standard"] = check.text("apprenticeship_standard", "the apprenticeship standard")
    minimum_age = check.whole_number("minimum_age", "the minimum age", 11, 99)
    if kind in EMPLOYMENT_TYPES and (minimum_age or 0) < EMPLOYMENT_MINIMUM_AGE:
        if minimum_age is not None:
            check.problem(
                "minimum_age", f"The minimum age for a {OPPORTUNITY_TYPES[kind].lower()} is at least 16"
            )
        minimum_age = EMPLOYMENT_MINIMUM_AGE
    data["minimum_age"] = minimum_age


_SECTIONS: tuple[Callable[[_Checker, dict[str, Any], str | None], None], ...] = (
    _check_type_details,
    lambda check, data, kind: _check_place(check, data),
    _check_dates,
    _check_pay,
    lambda check, data, kind: _check_apply(check, data),
)


def check_listing(values: Mapping[str, Any], today: date) -> tuple[ListingData | None, list[ListingProblem]]:
    """The listing ``values`` describe, checked against every rule, or the problems found."""
    check = _Checker(values, today)
    kind = check.choice("type", OPPORTUNITY_TYPES, "Choose the type of opportunity")
    data: dict[str, Any] = {
        "type": kind,
        "title": check.text("title", "a title", TITLE_LENGTH, required=True),
        "service_areas": _check_areas(check),
        "level": check.choice("level", LEVELS, "Choose the level"),
        "stages": _check_stages(check),
        "open_to_school_groups": _check_school_groups(check, kind),
        "places": check.whole_number("places", "the number of places", 1, MAX_PLACES),
        "hours": check.text("hours", "the hours"),
    }
    description = check.text("description", "a description", DESCRIPTION_LENGTH, required=True)
    data["description"] = plain_description(description).strip() if description else None
    if description and not data["description"]:
        # Markup alone (a <script> block) cleans down to nothing, which must not pass as a description.
        check.problem("description", "Enter a description in words: markup is removed")
    for section in _SECTIONS:
        section(check, data, kind)
    if check.problems:
        return None, check.problems
    return ListingData(**data), []
