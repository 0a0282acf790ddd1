"""Searching live opportunities: filters, keyword relevance, distance, order and pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from portal.models.opportunities import CLOSED, DRAFT, REFERRED_BACK, REJECTED, SUBMITTED
from portal.services.opportunity_filters import (
    SearchFilters,
    SearchRequestError,
    listing_summary,
    parse_search_args,
    read_search_args,
)
from portal.services.opportunity_relevance import area_scores, query_words
from portal.services.opportunity_search import (
    area_family,
    is_open,
    live_opportunities_for_areas,
    public_opportunity,
    search_live_opportunities,
)
from portal.services.places import AmbiguousPlaceError, UnknownPlaceError, find_place
from tests.factories import make_opportunity, make_organisation
from tests.opportunities.listings import BRADFORD, YORK, listings_around_leeds

TODAY = date.today()


@pytest.fixture
def around_leeds(db_session):
    """A live listing in each of Leeds, Bradford and York, and one online."""
    return listings_around_leeds()


def _search(**filters) -> list[str]:
    return [f.opportunity.title for f in search_live_opportunities(SearchFilters(**filters)).results]


def test_only_live_listings_still_open_are_ever_found(db_session):
    make_opportunity(title="Open")
    make_opportunity(title="Past its date, not yet closed by the job", closes_on=TODAY - timedelta(days=1))
    make_opportunity(title="Closes today", closes_on=TODAY)
    for status in (DRAFT, SUBMITTED, REFERRED_BACK, REJECTED, CLOSED):
        make_opportunity(title=f"Not public: {status}", status=status)
    for filters in ({}, {"q": "audiology"}, {"near": "Leeds"}, {"q": "hospitals", "near": "Leeds"}):
        assert sorted(_search(**filters)) == ["Closes today", "Open"], filters


def test_a_keyword_finds_listings_in_the_areas_it_means(db_session):
    make_opportunity(title="Hearing tests for babies", areas=("audiology",))
    make_opportunity(title="Blood counts", areas=("blood-sciences",))
    assert _search(q="audiologist") == ["Hearing tests for babies"]
    assert _search(q="haematology blood") == ["Blood counts"]


def test_words_in_the_listing_count_as_well_as_its_areas(db_session):
    trust = make_organisation(name="Harrogate and District NHS Foundation Trust")
    make_opportunity(organisation=trust, title="Clinic helper", areas=("blood-sciences",))
    make_opportunity(title="Audiology clinic", areas=("audiology",))
    make_opportunity(title="Something else", areas=("audiology",))
    assert _search(q="harrogate") == ["Clinic helper"]
    # Both are in audiology; the one that also says so in its title ranks first.
    assert _search(q="audiology") == ["Audiology clinic", "Something else"]


def test_a_word_counts_only_where_it_starts_a_word(db_session):
    make_opportunity(title="Collaborative hearing day", areas=("audiology",))
    make_opportunity(title="(Lab) open day", areas=("audiology",))
    assert "audiology" not in area_scores("lab")
    assert _search(q="lab") == ["(Lab) open day"]


def test_nonsense_finds_nothing_rather_than_everything(db_session):
    make_opportunity()
    assert _search(q="xyzzy plugh") == []
    assert _search(q="the and of") == []


def test_query_words_leave_out_stop_words_and_punctuation():
    assert query_words("Jobs in the NHS, near Leeds!") == ["nhs", "near", "leeds"]


def test_type_level_stage_and_closing_soon_filter(db_session):
    make_opportunity(title="Apprentice", type="apprenticeship", level="assistant", stages=["post16"])
    make_opportunity(title="Job", type="job", level="practitioner", stages=["graduate", "career-changer"])
    make_opportunity(title="Soon", type="event", level="none", closes_on=TODAY + timedelta(days=14))
    assert _search(type=("job",)) == ["Job"]
    assert sorted(_search(type=("job", "apprenticeship"))) == ["Apprentice", "Job"]
    assert _search(level="assistant") == ["Apprentice"]
    assert _search(stage="career-changer") == ["Job"]
    assert _search(stage="graduate") == ["Job"]
    assert _search(stage="gcse") == []
    assert _search(closing_soon=True) == ["Soon"]


def test_a_service_area_includes_the_areas_within_it(db_session):
    make_opportunity(title="Parent", areas=("audiology",))
    make_opportunity(title="Child", areas=("adult-auditory-rehabilitation",))
    make_opportunity(title="Elsewhere", areas=("blood-sciences",))
    assert "adult-auditory-rehabilitation" in area_family("audiology")
    assert sorted(_search(service_area="audiology")) == ["Child", "Parent"]
    assert _search(service_area="adult-auditory-rehabilitation") == ["Child"]
    assert _search(service_area="no-such-area") == []


def test_near_leeds_within_25_km_has_bradford_but_not_york(around_leeds):
    page = search_live_opportunities(SearchFilters(near="Leeds"))
    distances = {f.opportunity.town or "Online": f.distance_km for f in page.results}
    assert set(distances) == {"Leeds", "Bradford", "Online"}
    assert distances["Leeds"] == pytest.approx(0, abs=0.1)
    assert distances["Bradford"] == pytest.approx(13.4, abs=1.5)
    assert distances["Online"] is None
    assert page.place.name == "Leeds" and page.sort == "distance"
    # Nearest first, online after every located listing.
    assert [f.opportunity.town for f in page.results] == ["Leeds", "Bradford", None]


def test_a_wider_radius_reaches_york_at_about_35_km(around_leeds):
    page = search_live_opportunities(SearchFilters(near="Leeds", radius_km=50))
    york = next(f for f in page.results if f.opportunity.town == "York")
    assert york.distance_km == pytest.approx(35.4, abs=2)
    assert search_live_opportunities(SearchFilters(near="Leeds", radius_km=5)).count == 2


def test_a_postcode_district_is_a_place_to_search_near(around_leeds):
    found = search_live_opportunities(SearchFilters(near="LS1")).results
    assert [f.opportunity.town for f in found][:2] == ["Leeds", "Bradford"]


def test_a_misspelt_place_suggests_the_right_spelling(db_session):
    with pytest.raises(UnknownPlaceError) as caught:
        search_live_opportunities(SearchFilters(near="Leedz"))
    assert "Leedz" in caught.value.message
    assert "Leeds, England" in caught.value.suggestions


def test_an_ambiguous_place_lists_the_namesakes(db_session):
    with pytest.raises(AmbiguousPlaceError) as caught:
        search_live_opportunities(SearchFilters(near="Newport"))
    assert len(caught.value.suggestions) >= 2
    assert "Newport, Wales" in caught.value.suggestions


def test_sort_orders(db_session):
    later = make_opportunity(title="Audiology later", closes_on=TODAY + timedelta(days=60), **YORK)
    sooner = make_opportunity(title="Area only", closes_on=TODAY + timedelta(days=5), **BRADFORD)

    def order(**filters) -> list[int]:
        return [f.opportunity.id for f in search_live_opportunities(SearchFilters(**filters)).results]

    assert order() == [sooner.id, later.id]
    assert order(sort="newest") == [sooner.id, later.id]
    assert order(q="audiology") == [later.id, sooner.id]
    assert order(q="audiology", sort="closing") == [sooner.id, later.id]
    assert order(near="York", radius_km=100) == [later.id, sooner.id]
    assert order(near="Bradford", radius_km=100) == [sooner.id, later.id]


def test_default_and_fallback_sorts():
    assert SearchFilters().effective_sort == "closing"
    assert SearchFilters(q="x").effective_sort == "relevance"
    assert SearchFilters(near="Leeds").effective_sort == "distance"
    assert SearchFilters(q="x", near="Leeds").effective_sort == "relevance"
    # A sort that needs what is missing falls back to the default rather than failing.
    assert SearchFilters(sort="distance").effective_sort == "closing"
    assert SearchFilters(sort="relevance", near="Leeds").effective_sort == "distance"


def test_pages_of_twenty_cover_every_match_once(db_session):
    made = {make_opportunity(closes_on=TODAY + timedelta(days=1 + n % 9)).id for n in range(45)}
    pages = [search_live_opportunities(SearchFilters(page=n)) for n in (1, 2, 3, 4)]
    assert [len(p.results) for p in pages] == [20, 20, 5, 0]
    assert {p.count for p in pages} == {45} and pages[0].pages == 3
    seen = [f.opportunity.id for p in pages for f in p.results]
    assert len(seen) == len(set(seen)) and set(seen) == made
    closing = [f.opportunity.closes_on for p in pages for f in p.results]
    assert closing == sorted(closing)


def test_keyword_pages_agree_with_the_whole_ranking(db_session):
    for _ in range(25):
        make_opportunity(title="Audiology helper")
    first = search_live_opportunities(SearchFilters(q="audiology"))
    second = search_live_opportunities(SearchFilters(q="audiology", page=2))
    assert first.count == second.count == 25
    assert len(first.results) == 20 and len(second.results) == 5
    assert not {f.opportunity.id for f in first.results} & {f.opportunity.id for f in second.results}


def test_the_api_reading_is_strict():
    assert parse_search_args(MultiDict([("type", "job"), ("type", "event"), ("page", "2")])).type == (
        "job",
        "event",
    )
    for args, message in (
        ({"radius_km": "10"}, "radius_km can only be used with near"),
        ({"near": "Leeds", "radius_km": "500"}, "radius_km must be a whole number"),
        ({"type": "party"}, "type must be one of"),
        ({"page": "0"}, "page must be a whole number"),
        ({"q": "a" * 201}, "at most 200"),
        ({"utm_source": "x"}, "Unknown parameter 'utm_source'"),
        ({"service_area": "Not A Slug"}, "service_area must be"),
    ):
        with pytest.raises(SearchRequestError, match=message):
            parse_search_args(MultiDict(args))


def test_the_page_reading_is_lenient_and_explains_only_what_was_typed():
    filters, problems = read_search_args(
        MultiDict([("q", "a" * 300), ("type", "party"), ("radius_km", "25"), ("page", "-3"), ("x", "1")])
    )
    assert filters == SearchFilters()
    assert list(problems) == ["q"] and "200 characters" in problems["q"]
    filters, problems = read_search_args(MultiDict([("near", "York"), ("radius_km", "10"), ("type", "job")]))
    assert (filters.near, filters.radius, filters.type, problems) == ("York", 10, ("job",), {})


def test_opportunities_for_suggested_areas_follow_the_areas_or_the_distance(around_leeds, db_session):
    blood = make_opportunity(title="Blood sciences day", areas=("blood-sciences",), **YORK)
    by_area = live_opportunities_for_areas(["blood-sciences", "audiology"], limit=2)
    assert by_area[0].opportunity.id == blood.id and len(by_area) == 2
    near_bradford = live_opportunities_for_areas(["blood-sciences", "audiology"], find_place("Bradford"))
    assert [f.opportunity.town for f in near_bradford] == ["Bradford", "Leeds", "York"]
    assert live_opportunities_for_areas([]) == []


def test_only_live_or_closed_listings_have_a_public_page(db_session):
    closed = make_opportunity(status=CLOSED)
    expired = make_opportunity(closes_on=TODAY - timedelta(days=3))
    assert public_opportunity(closed.id) is closed and not is_open(closed)
    assert public_opportunity(expired.id) is expired and not is_open(expired)
    for status in (DRAFT, SUBMITTED, REFERRED_BACK, REJECTED):
        assert public_opportunity(make_opportunity(status=status).id) is None
    assert public_opportunity(10**6) is None


def test_a_summary_has_the_contract_fields(db_session):
    listing = make_opportunity(postcode="LS1 4AP", areas=("audiology", "hearing-therapy"))
    summary = listing_summary(listing, "http://x/1")
    assert summary["location"] == {
        "name": "Leeds",
        "postcode_district": "LS1",
        "lat": 53.79648,
        "lon": -1.54785,
    }
    assert summary["service_areas"] == ["audiology", "hearing-therapy"]
    online = listing_summary(make_opportunity(online=True), "http://x/2")
    assert online["location"] == {"name": "Online", "postcode_district": None, "lat": None, "lon": None}
