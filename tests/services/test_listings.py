"""The listing rules: what passes, and the plain-words problem for each kind of bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.services.listings import check_listing

TODAY = date(2027, 1, 10)


def values(**changes: object) -> dict[str, object]:
    """A valid placement, as the form or a CSV row gives it."""
    return {
        "title": "Audiology placement",
        "type": "placement",
        "service_areas": ["audiology"],
        "level": "practitioner",
        "description": "Six weeks in a hearing clinic.",
        "stages": ["undergraduate"],
        "town": "Leeds",
        "closes_on": "31/1/2027",
        "pay_kind": "unpaid",
        "apply_kind": "portal",
        **changes,
    }


def problems(**changes: object) -> dict[str, str]:
    """The problems check_listing finds, by field."""
    listing, found = check_listing(values(**changes), TODAY)
    assert (listing is None) == bool(found)
    return {problem.field: problem.message for problem in found}


def test_a_valid_listing_passes_with_typed_values(db_session):
    listing, found = check_listing(values(closes_on="2027-01-31", places="3", postcode="ls1 4ap"), TODAY)
    assert not found
    assert listing.closes_on == date(2027, 1, 31) and listing.places == 3 and listing.postcode == "LS1 4AP"
    assert listing.region and listing.latitude


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"closes_on": "9/1/2027"}, "closes_on", "today or in the future"),
        ({"closes_on": "31/2/2027"}, "closes_on", "real date"),
        ({"starts_on": "20/1/2027"}, "starts_on", "on or after the closing date"),
        ({"title": ""}, "title", "Enter a title"),
        ({"title": "t" * 121}, "title", "120 characters or fewer"),
        ({"description": "d" * 5001}, "description", "5,000 characters or fewer"),
        ({"description": "<script>alert(1)</script>"}, "description", "markup is removed"),
        ({"service_areas": []}, "service_areas", "at least one"),
        ({"service_areas": ["not-an-area"]}, "service_areas", "We do not know"),
        ({"stages": []}, "stages", "at least one stage"),
        ({"town": "Leedz"}, "town", "Did you mean"),
        ({"postcode": "XX"}, "postcode", "full UK postcode"),
        ({"apply_kind": "external", "apply_url": "http://example.org"}, "apply_url", "https://"),
        ({"type": "job", "pay_kind": "unpaid"}, "pay_kind", "must be paid"),
        (
            {"type": "job", "pay_kind": "band", "pay_band": "4", "minimum_age": "14"},
            "minimum_age",
            "at least 16",
        ),
        (
            {"pay_kind": "salary", "salary_min": "30000", "salary_max": "20000"},
            "salary_max",
            "at least the lowest",
        ),
        ({"type": "event"}, "event_time", "Enter the time"),
    ],
)
def test_each_problem_is_tied_to_its_field(db_session, changes, field, words):
    found = problems(**changes)
    assert field in found and words in found[field], found


def test_markup_in_short_fields_is_kept_as_text_and_removed_from_the_description(db_session):
    markup = '"><img src=x onerror=alert(1)>'
    listing, found = check_listing(values(title=markup, description=f"Words {markup} more words"), TODAY)
    assert not found
    assert listing.title == markup and "<img" not in listing.description and "Words" in listing.description


def test_employment_types_default_to_sixteen(db_session):
    listing, _ = check_listing(values(type="job", pay_kind="band", pay_band="5"), TODAY)
    assert listing.minimum_age == 16


def test_dates_far_ahead_are_refused(db_session):
    far = (TODAY + timedelta(days=800)).isoformat()
    assert "within two years" in problems(closes_on=far)["closes_on"]
