"""GET /api/v1/opportunities keeps to DESIGN.md section 4, and /api/v1/match carries live listings."""

from __future__ import annotations

import pytest

from tests.factories import make_opportunity

CONTRACT_ITEM = {
    "id",
    "title",
    "type",
    "level",
    "service_areas",
    "organisation",
    "location",
    "closing_date",
    "url",
}


def test_the_shape_is_exactly_the_contract(client, around_leeds):
    body = client.get("/api/v1/opportunities").get_json()
    assert {"count", "items"} <= set(body) and body["count"] == 4 == len(body["items"])
    leeds = next(item for item in body["items"] if item["id"] == around_leeds["Leeds"].id)
    assert set(leeds) == CONTRACT_ITEM
    assert leeds["location"] == {"name": "Leeds", "postcode_district": None, "lat": 53.79648, "lon": -1.54785}
    assert leeds["type"] == "placement" and leeds["level"] == "practitioner"
    assert leeds["service_areas"] == ["audiology"]
    assert leeds["organisation"].startswith("Test Hospitals NHS Trust")
    assert leeds["closing_date"] == around_leeds["Leeds"].closes_on.isoformat()
    assert leeds["url"] == f"http://localhost/opportunities/{leeds['id']}"


def test_near_adds_distance_km_and_keeps_to_the_radius(client, around_leeds):
    body = client.get("/api/v1/opportunities?near=Leeds&radius_km=25").get_json()
    assert body["count"] == 3
    assert all(set(item) == CONTRACT_ITEM | {"distance_km"} for item in body["items"])
    distances = {item["location"]["name"]: item["distance_km"] for item in body["items"]}
    assert distances["Leeds"] == pytest.approx(0, abs=0.1)
    assert distances["Bradford"] == pytest.approx(13.4, abs=1.5)
    assert distances["Online"] is None and "York" not in distances


def test_an_unknown_place_is_a_400_with_suggestions(client, db_session):
    response = client.get("/api/v1/opportunities?near=Leedz")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown_place" and "Leedz" in error["message"]
    assert "Leeds, England" in error["suggestions"]
    ambiguous = client.get("/api/v1/opportunities?near=Newport").get_json()["error"]
    assert ambiguous["code"] == "ambiguous_place" and "Newport, Wales" in ambiguous["suggestions"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("radius_km=10", "radius_km can only be used with near"),
        ("type=party", "type must be one of"),
        ("level=boss", "level must be one of"),
        ("stage=nursery", "stage must be one of"),
        ("page=501", "page must be a whole number from 1 to 500"),
        ("closing_soon=maybe", "closing_soon must be true or false"),
        ("colour=blue", "Unknown parameter 'colour'"),
    ],
)
def test_bad_parameters_are_a_400_that_says_which(client, db_session, query, message):
    response = client.get(f"/api/v1/opportunities?{query}")
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]


def test_filters_and_pages(client, db_session):
    for _ in range(23):
        make_opportunity(type="job")
    make_opportunity(type="event")
    second = client.get("/api/v1/opportunities?type=job&page=2").get_json()
    assert (second["count"], second["page"], second["pages"], len(second["items"])) == (23, 2, 2, 3)
    both = client.get("/api/v1/opportunities?type=job&type=event").get_json()
    assert both["count"] == 24


def test_only_live_listings_still_open_are_listed(client, db_session):
    make_opportunity(status="draft")
    make_opportunity(status="closed")
    assert client.get("/api/v1/opportunities").get_json()["count"] == 0


def test_the_openapi_document_describes_the_search_from_the_same_model(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/opportunities"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {
        "q",
        "type",
        "level",
        "service_area",
        "stage",
        "closing_soon",
        "school_groups",
        "near",
        "radius_km",
        "sort",
        "page",
    }
    type_parameter = next(p for p in operation["parameters"] if p["name"] == "type")
    assert type_parameter["schema"]["type"] == "array"
    item = spec["components"]["schemas"]["OpportunitySummary"]
    assert set(item["required"]) == CONTRACT_ITEM


def test_match_fills_opportunities_from_the_top_suggestions(client, db_session):
    listing = make_opportunity(title="Audiology open day", type="event", areas=("audiology",))
    body = client.get("/api/v1/match?q=audiologist").get_json()
    assert body["confident"] is True
    assert [item["id"] for item in body["opportunities"]] == [listing.id]
    assert set(body["opportunities"][0]) == CONTRACT_ITEM
    assert body["opportunities"][0]["url"] == f"http://localhost/opportunities/{listing.id}"


def test_match_shows_at_most_three_and_none_for_a_guess(client, db_session):
    for _ in range(5):
        make_opportunity(areas=("audiology",))
    assert len(client.get("/api/v1/match?q=audiologist").get_json()["opportunities"]) == 3
    assert client.get("/api/v1/match?q=zzqx+vvbnm+plok").get_json()["opportunities"] == []
