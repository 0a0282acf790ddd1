"""Band texts in the forms content uses become one range in pounds, with the year and nation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.content.files import CONTENT_DIR, read_content, read_reference
from portal.content.pay import band_texts_in, parse_band_text

CONTENT = read_content(CONTENT_DIR)
SCALES = read_reference(CONTENT_DIR).pay_scales
PROFILE_BAND_TEXTS = sorted(
    {row["bands"] for profile in CONTENT.profiles.values() for row in profile["pay_bands"]}
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", "Band 5: £31,049 to £37,796 a year (England, 2025/26)"),
        ("2", "Band 2: £24,465 a year (England, 2025/26)"),
        ("2 to 3", "Bands 2 to 3: £24,465 to £26,598 a year (England, 2025/26)"),
        ("5 to 6", "Bands 5 to 6: £31,049 to £46,580 a year (England, 2025/26)"),
        ("8a to 8b", "Bands 8a to 8b: £55,690 to £74,896 a year (England, 2025/26)"),
        ("8a to 8c", "Bands 8a to 8c: £55,690 to £88,682 a year (England, 2025/26)"),
        ("8b to 9", "Bands 8b to 9: £64,455 to £125,637 a year (England, 2025/26)"),
        ("6 or 7", "Band 6 or 7: £38,682 to £54,710 a year (England, 2025/26)"),
    ],
)
def test_a_band_text_becomes_the_range_from_the_lowest_entry_to_the_highest_top(text, expected):
    assert SCALES.range_for(text).text == expected


def test_a_range_written_backwards_still_runs_low_to_high():
    found = SCALES.range_for("7 to 5")
    assert (found.low, found.high) == (31049, 54710)


@pytest.mark.parametrize("text", PROFILE_BAND_TEXTS)
def test_every_band_text_in_the_profiles_has_pounds(text):
    found = SCALES.range_for(text)
    assert found is not None, text
    assert 0 < found.low <= found.high
    assert found.text.endswith("a year (England, 2025/26)")


@pytest.mark.parametrize("text", ["1", "10", "8e", "5 to 8e", "varies", "", "5 and 6", "Band 5"])
def test_a_band_the_table_does_not_know_has_no_pounds(text):
    assert SCALES.range_for(text) is None


def test_the_api_shape_keeps_whole_pounds_and_says_what_they_are():
    assert SCALES.range_for("6").as_json() == {
        "from": 38682,
        "to": 46580,
        "currency": "GBP",
        "period": "year",
        "nation": "England",
        "year": "2025/26",
    }


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Support jobs are typically Band 2 or 3 of Agenda for Change.", ["2 or 3"]),
        ("Trainees work at Band 7 or higher of Agenda for Change.", ["7"]),
        ("NHS Health Careers lists Bands 8a to 8d, and others Bands 8c to 9.", ["8a to 8d", "8c to 9"]),
        ("Practitioners usually start on band 5; band 5 again.", ["5"]),
        ("Your employer sets the pay band.", []),
        ("A funding band of £21,000.", []),
    ],
)
def test_bands_are_found_in_the_sentences_routes_use(sentence, expected):
    assert band_texts_in(sentence) == expected


def test_every_route_sentence_that_names_a_band_gets_pounds():
    named = {
        slug: band_texts_in(route.get("pay_while_training", "")) for slug, route in CONTENT.routes.items()
    }
    with_bands = {slug: texts for slug, texts in named.items() if texts}
    assert with_bands, "some route should state a band in its pay text"
    for slug, texts in with_bands.items():
        found = SCALES.ranges_in(CONTENT.routes[slug]["pay_while_training"])
        assert [pay.bands for pay in found] == texts, slug


@given(st.text(max_size=40))
def test_any_text_either_parses_to_known_bands_or_gives_no_pounds(text):
    names = parse_band_text(text)
    found = SCALES.range_for(text)
    if found is not None:
        assert names and all(SCALES.band(name) for name in names)
        assert found.low <= found.high
