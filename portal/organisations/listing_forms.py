"""The listing form: one field per name in ``listings.FIELDS``, checked by ``check_listing``, not WTForms.

The fields carry no validators and choice fields do not check their choices: the one set of rules
lives in ``portal.services.listings`` (shared with the CSV import), and its problems are put back
onto the fields here so the error summary links to each one. Dates are single text fields that take
"31/3/2027" or "2027-03-31", both of which ``check_listing`` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.forms import PortalForm
from portal.services.entry_routes import STAGES
from portal.services.listings import (
    APPLY_KINDS,
    FIELDS,
    LEVELS,
    MAX_AREAS,
    OPPORTUNITY_TYPES,
    PAY_BANDS,
    PAY_KINDS,
    ListingData,
    ListingProblem,
)
from portal.services.opportunities import CLOSE_REASONS


def _choices(options: Mapping[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in options.items()]


def _free_choices(field: Any) -> Any:
    # check_listing, not WTForms, decides what is a valid choice, and says so in plain words.
    field.kwargs["validate_choice"] = False
    return field


class ListingForm(PortalForm):
    """Everything a poster writes about one opportunity."""

    title = StringField("Title")
    type = _free_choices(RadioField("Type of opportunity", choices=_choices(OPPORTUNITY_TYPES)))
    service_areas = _free_choices(SelectMultipleField("Service areas", choices=[]))
    level = _free_choices(SelectField("Career level", choices=[]))
    apprenticeship_level = StringField("Apprenticeship level (2 to 7)")
    apprenticeship_standard = StringField("Apprenticeship standard (optional)")
    description = TextAreaField("Description")
    stages = _free_choices(SelectMultipleField("Who it suits", choices=[]))
    minimum_age = StringField("Minimum age (optional)")
    open_to_school_groups = BooleanField("Open to school groups", false_values=("", "n", "no", "false", "0"))
    online = BooleanField("It takes place online", false_values=("", "n", "no", "false", "0"))
    site_name = StringField("Site or building (optional)")
    town = StringField("Town or city")
    postcode = StringField("Postcode (optional)")
    starts_on = StringField("Start date (optional)")
    closes_on = StringField("Closing date")
    event_date = StringField("Date of the event")
    event_time = StringField("Time the event starts")
    places = StringField("Number of places (optional)")
    pay_kind = _free_choices(RadioField("Pay", choices=_choices(PAY_KINDS)))
    pay_band = _free_choices(
        SelectField(
            "Agenda for Change band",
            choices=[SelectChoice("", "Choose a band")] + [SelectChoice(b, f"Band {b}") for b in PAY_BANDS],
        )
    )
    salary_min = StringField("Lowest salary, in pounds a year")
    salary_max = StringField("Highest salary, in pounds a year")
    hours = StringField("Hours (optional)")
    apply_kind = _free_choices(RadioField("How people apply", choices=_choices(APPLY_KINDS)))
    apply_url = StringField("Link to apply")

    def with_choices(self, labels: Mapping[str, Mapping[str, str]], areas: Iterable[Any]) -> ListingForm:
        """Fill the area, level and stage choices from the content and its vocabulary."""
        self.service_areas.choices = [SelectChoice(area.slug, area.name) for area in areas]
        self.level.choices = [SelectChoice("", "Choose a level")] + [
            SelectChoice(level, labels["career_levels"].get(level, level)) for level in LEVELS
        ]
        self.stages.choices = [SelectChoice(stage, labels["stages"][stage]) for stage in STAGES]
        return self

    def values(self) -> dict[str, Any]:
        """What the person typed, keyed as ``check_listing`` expects."""
        return {name: self[name].data for name in FIELDS}

    def area_slots(self) -> list[str]:
        """The chosen areas padded to one slot per select, so each select keeps its choice."""
        chosen = [slug for slug in (self.service_areas.data or []) if slug][:MAX_AREAS]
        return chosen + [""] * (MAX_AREAS - len(chosen))

    def show_problems(self, problems: Iterable[ListingProblem]) -> None:
        """Put each problem on its field, so the summary links to it and the field shows it."""
        for problem in problems:
            self[problem.field].errors = [*self[problem.field].errors, problem.message]


def _day(value: date | None) -> str:
    return f"{value.day}/{value.month}/{value.year}" if value else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def initial_values(listing: ListingData | Any, area_slugs: list[str]) -> dict[str, Any]:
    """A saved listing (an Opportunity or pending ListingData) as the form's starting values."""
    starts_at: datetime | None = listing.event_starts_at
    text_names = ("title", "type", "level", "apprenticeship_standard", "description", "site_name", "town")
    values: dict[str, Any] = {name: getattr(listing, name) or "" for name in text_names}
    values.update(
        {name: getattr(listing, name) or "" for name in ("postcode", "pay_kind", "pay_band", "hours")}
    )
    values.update(
        {
            "service_areas": area_slugs,
            "stages": list(listing.stages or []),
            "online": bool(listing.online),
            "open_to_school_groups": bool(getattr(listing, "open_to_school_groups", False)),
            "apply_kind": listing.apply_kind,
            "apply_url": listing.apply_url or "",
            "starts_on": _day(listing.starts_on),
            "closes_on": _day(listing.closes_on),
            "event_date": _day(starts_at.date()) if starts_at else "",
            "event_time": starts_at.strftime("%H:%M") if starts_at else "",
        }
    )
    for name in ("apprenticeship_level", "minimum_age", "places", "salary_min", "salary_max"):
        values[name] = _number(getattr(listing, name))
    return values


class CloseForm(PortalForm):
    """Why a poster takes a live listing down."""

    reason = RadioField(
        "Why are you closing this listing?",
        choices=[SelectChoice(code, text) for code, text in CLOSE_REASONS.items() if code != "expired"],
        validate_choice=False,
    )

    def chosen_reason(self) -> str | None:
        """The reason chosen, or None after putting a message on the field."""
        if self.reason.data not in CLOSE_REASONS or self.reason.data == "expired":
            self.reason.errors = ["Choose why you are closing the listing"]
            return None
        return self.reason.data
