"""The JSON API keeps to the contract in DESIGN.md section 4."""

from __future__ import annotations

import pytest

from portal.content.files import CONTENT_DIR, read_content

CONTENT = read_content(CONTENT_DIR)
CONTRACT_FIELDS = {
    "slug",
    "name",
    "division",
    "theme",
    "parent",
    "children",
    "summary",
    "day_to_day",
    "work_settings",
    "patient_contact",
    "school_subjects",
    "skills",
    "alternative_titles",
    "keywords",
    "entry_routes",
    "registration",
    "pay_bands",
    "related",
    "url",
}


def test_list_has_every_area_in_short_form(client):
    body = client.get("/api/v1/service-areas").get_json()
    assert body["count"] == len(CONTENT.profiles) == len(body["items"])
    assert {item["slug"] for item in body["items"]} == set(CONTENT.profiles)
    assert set(body["items"][0]) == {"slug", "name", "division", "theme", "summary", "url"}


@pytest.mark.parametrize("slug", sorted(CONTENT.profiles))
def test_every_profile_has_every_contract_field_filled(client, slug):
    body = client.get(f"/api/v1/service-areas/{slug}").get_json()
    assert set(body) >= CONTRACT_FIELDS
    for field in CONTRACT_FIELDS - {"parent", "children", "registration", "related"}:
        assert body[field], f"{slug}: {field} is empty"
    assert body["entry_routes"] == [e["route"] for e in CONTENT.profiles[slug]["entry_routes"]]
    assert body["patient_contact"] in ("none", "some", "lots")


def test_unknown_area_is_a_json_404(client):
    response = client.get("/api/v1/service-areas/nope")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"] == {
        "code": "not_found",
        "message": "There is no service area called 'nope'.",
    }


def test_unknown_api_path_is_json_not_html(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.is_json
    assert set(response.get_json()["error"]) == {"code", "message"}


def test_wrong_method_is_a_json_405(client):
    response = client.delete("/api/v1/service-areas")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_entry_routes_list_and_detail(client):
    listing = client.get("/api/v1/entry-routes").get_json()
    assert listing["count"] == len(CONTENT.routes)
    detail = client.get("/api/v1/entry-routes/scientist-training-programme").get_json()
    assert detail["slug"] == "scientist-training-programme"
    assert detail["stages"] and detail["level"] == 7
    assert client.get("/api/v1/entry-routes/nope").status_code == 404


def test_openapi_describes_every_path_that_exists(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    api_rules = {
        rule.rule.removeprefix("/api/v1").replace("<slug>", "{slug}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert set(spec["paths"]) == api_rules


def test_openapi_schema_field_lists_match_real_responses(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    required = set(spec["components"]["schemas"]["ServiceArea"]["allOf"][1]["required"])
    required |= set(spec["components"]["schemas"]["ServiceAreaSummary"]["required"])
    body = client.get("/api/v1/service-areas/audiology").get_json()
    assert required <= set(body)
