"""Browse, search and filter rules for service areas."""

from __future__ import annotations

from portal.services import service_areas as svc
from portal.services.service_areas import BrowseFilters


def test_search_finds_areas_by_name_title_and_keyword(db_session):
    assert "audiology" in [a.slug for a in svc.browse(BrowseFilters(q="audiologist"))]
    assert "audiology" in [a.slug for a in svc.browse(BrowseFilters(q="Hearing aids"))]


def test_every_search_word_must_match(db_session):
    both = {a.slug for a in svc.browse(BrowseFilters(q="hearing balance"))}
    hearing = {a.slug for a in svc.browse(BrowseFilters(q="hearing"))}
    assert both <= hearing
    assert not svc.browse(BrowseFilters(q="hearing zzzqqq"))


def test_search_words_lose_punctuation_so_sql_wildcards_are_never_passed_on():
    assert svc.query_terms("ECG/EEG, 100%_ done!") == ["ecg", "eeg", "100", "done"]


def test_division_filter_keeps_only_that_division(db_session):
    found = svc.browse(BrowseFilters(division="physiological-sciences"))
    assert found and {a.division for a in found} == {"Physiological sciences"}


def test_filters_combine(db_session):
    found = svc.browse(BrowseFilters(subject="physics", contact="lots"))
    assert found
    for area in found:
        assert "physics" in area.field("school_subjects")
        assert area.field("patient_contact") == "lots"


def test_entry_level_filter_uses_the_routes_of_each_area(db_session):
    found = svc.browse(BrowseFilters(entry_level="school-leaver"))
    assert found
    for area in found:
        assert "school-leaver" in svc.entry_levels(area)


def test_facet_counts_add_up_to_the_number_of_areas(db_session):
    areas = svc.all_service_areas()
    counts = svc.facet_counts(areas)
    assert sum(counts["division"].values()) == len(areas)
    assert sum(counts["contact"].values()) == len(areas)


def test_grouping_keeps_division_order_and_every_area(db_session):
    areas = svc.all_service_areas()
    groups = svc.grouped(areas)
    assert [division for division, _ in groups] == list(svc.DIVISIONS)
    assert sum(len(items) for _, themes in groups for _, items in themes) == len(areas)


def test_a_to_z_is_alphabetical(db_session):
    letters = [letter for letter, _ in svc.a_to_z(svc.all_service_areas())]
    assert letters == sorted(letters)


def test_slugs_are_returned_in_the_order_asked_and_unknown_ones_skipped(db_session):
    found = svc.service_areas_by_slugs(["audiology", "nope", "neurophysiology"])
    assert [a.slug for a in found] == ["audiology", "neurophysiology"]


def test_browse_filters_are_trimmed_and_bounded():
    filters = BrowseFilters.from_args({"q": "  heart  ", "division": "x" * 500})
    assert filters.q == "heart"
    assert len(filters.division) == 200
    assert filters.active
    assert not BrowseFilters.from_args({}).active
