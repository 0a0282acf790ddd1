"""GET/POST /api/v1/match keeps to the contract, validates input and answers honestly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from portal.content.files import CONTENT_DIR
from portal.content.neighbouring import read_professions

FIT_BANDS = {"best", "great", "good"}
PROFESSIONS = read_professions(CONTENT_DIR)


def test_match_shape_follows_the_contract(client):
    body = client.get("/api/v1/match?q=I+like+fixing+machines&stage=post16&limit=5").get_json()
    assert set(body) >= {"query", "stage", "suggestions", "opportunities", "confident"}
    assert body["stage"] == "post16" and len(body["suggestions"]) == 5
    first = body["suggestions"][0]
    assert set(first) >= {"slug", "name", "score", "fit", "reasons", "entry_routes"}
    assert first["fit"] in FIT_BANDS and first["reasons"]
    for route in first["entry_routes"]:
        assert set(route) >= {"slug", "name", "why"}


def test_post_with_json_gives_the_same_answer_as_get(client):
    via_get = client.get("/api/v1/match?q=hearing+aids").get_json()
    via_post = client.post("/api/v1/match", json={"q": "hearing aids"}).get_json()
    assert via_get == via_post


def test_limit_defaults_to_ten(client):
    assert len(client.get("/api/v1/match?q=blood").get_json()["suggestions"]) == 10


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=", "q is empty"),
        ("q=%20%20", "q is empty"),
        ("q=" + "a" * 1001, "keep it to 1000"),
        ("q=heart&limit=0", "limit must be"),
        ("q=heart&limit=51", "limit must be"),
        ("q=heart&limit=ten", "limit must be"),
        ("q=heart&stage=year12", "stage must be one of"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, query, message):
    response = client.get(f"/api/v1/match?{query}")
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]


@pytest.mark.parametrize("body", [{"q": 42}, {"q": ["a"]}, [], "text", {"q": "x", "limit": True}])
def test_non_text_json_is_a_400(client, body):
    response = client.post("/api/v1/match", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_malformed_json_is_a_400(client):
    response = client.post("/api/v1/match", data="{not json", content_type="application/json")
    assert response.status_code == 400


def test_nonsense_and_off_topic_text_are_not_confident(client):
    assert client.get("/api/v1/match?q=zzqx+vvbnm+plok").get_json()["confident"] is False
    assert (
        client.get("/api/v1/match?q=I+want+to+open+a+bakery+and+decorate+wedding+cakes").get_json()[
            "confident"
        ]
        is False
    )


def test_a_clear_query_is_confident_and_explained(client):
    body = client.get("/api/v1/match?q=audiologist").get_json()
    assert body["confident"] is True
    assert body["suggestions"][0]["slug"] == "audiology"
    assert any("audiolog" in reason.lower() for reason in body["suggestions"][0]["reasons"])


def test_answers_are_deterministic(client):
    first = client.get("/api/v1/match?q=DNA+and+computers").get_json()
    assert all(client.get("/api/v1/match?q=DNA+and+computers").get_json() == first for _ in range(3))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=200))
def test_any_text_gets_json_never_a_crash(client, text):
    response = client.post("/api/v1/match", json={"q": text})
    assert response.status_code in (200, 400)
    body = response.get_json()
    if response.status_code == 200:
        assert all(0.0 <= s["score"] <= 1.0 for s in body["suggestions"])
    else:
        assert body["error"]["message"]


@pytest.mark.parametrize("query", ["q=hearing+aids", "q="])
def test_answers_that_repeat_the_typed_text_are_never_stored_by_a_cache(client, query):
    assert client.get(f"/api/v1/match?{query}").headers["Cache-Control"] == "no-store"
    assert client.post("/api/v1/match", json={"q": "hearing aids"}).headers["Cache-Control"] == "no-store"


def test_refusals_are_never_stored_by_a_cache_either(limited):
    answers = [limited.post("/api/v1/match", json={"q": "hearing aids"}) for _ in range(61)]
    assert [a.status_code for a in answers[-2:]] == [200, 429]
    assert answers[-1].headers["Cache-Control"] == "no-store"
    missing = limited.get("/api/v1/service-areas/no-such-area")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"


def _match_result_validator(client) -> Draft202012Validator:
    document = client.get("/api/v1/openapi.json").get_json()
    return Draft202012Validator({"$ref": "#/components/schemas/MatchResult", **document})


@pytest.mark.parametrize(
    ("query", "profession"),
    [
        ("staff nurse", "nursing"),
        ("consultant haematologist", "pathology-doctors"),
        ("physiotherapist", "physiotherapy"),
        ("pharmacist", "pharmacy"),
        ("diagnostic radiographer", "radiography"),
    ],
)
def test_a_neighbouring_profession_is_named_honestly_with_the_areas_beside_it(client, query, profession):
    expected = next(p for p in PROFESSIONS if p.id == profession)
    body = client.get("/api/v1/match", query_string={"q": query}).get_json()
    assert body["outside_field"] == {
        "name": expected.name,
        "why": expected.why,
        "learn_more_url": expected.learn_more_url,
    }
    assert body["confident"] is False
    assert body["opportunities"] == []
    slugs = [item["slug"] for item in body["suggestions"]]
    beside = [slug for slug in expected.related if slug in slugs]
    assert beside and slugs[: len(beside)] == beside
    assert list(_match_result_validator(client).iter_errors(body)) == []


@pytest.mark.parametrize("query", ["audiologist", "I like fixing machines", "biomedical scientist"])
def test_outside_field_is_always_present_and_null_for_our_own_work(client, query):
    body = client.post("/api/v1/match", json={"q": query}).get_json()
    assert "outside_field" in body and body["outside_field"] is None
    assert list(_match_result_validator(client).iter_errors(body)) == []


def test_the_openapi_document_describes_outside_field(client):
    result = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["MatchResult"]
    assert "outside_field" in result["required"]
    described = result["properties"]["outside_field"]["oneOf"]
    assert {"type": "null"} in described
    assert next(d for d in described if d.get("type") == "object")["required"] == [
        "name",
        "why",
        "learn_more_url",
    ]
