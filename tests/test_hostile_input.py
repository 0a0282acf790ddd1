"""Hostile input through the real pages and API, sent to targets the test finds for itself.

It walks the URL map, records every query parameter each view reads, parses every form the pages
render (following POST forms one step to reach the forms on their result pages) and reads the
OpenAPI document for the API's parameters and JSON keys. Then it sends what an attacker would, and
asserts: no server error, nothing reflected unescaped, no script the policy did not plan, JSON
errors under /api/. New routes and forms are covered without anyone adding them here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

import pytest
from werkzeug.exceptions import HTTPException

from portal.caching import clear_page_cache
from portal.services.listing_import import template_csv
from tests.hostile import (
    JSON_VALUES,
    OVERSIZED_BODY,
    PAYLOADS,
    RAW_JSON_BODIES,
    STEERING_PARAMETERS,
    Form,
    RecordingArgs,
    RecordingRequest,
    concrete_paths,
    forms_on,
    path_values,
    problems_in,
    with_query,
)
from tests.visitors import ANONYMOUS, Cast, Visitor, assemble_cast, become, remember_csrf

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# The visitors who are members of the public rather than organisation staff or administrators.
PEOPLE = {ANONYMOUS, "candidate aged 13 to 15", "adult candidate"}
STAFF_AREAS = ("/organisations/", "/admin/")


@dataclass
class Targets:
    """Everything found to attack."""

    parameters: dict[str, set[str]] = field(default_factory=dict)
    baselines: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    forms: list[Form] = field(default_factory=list)
    json_operations: dict[str, dict] = field(default_factory=dict)
    # Who found each GET path, and so who asks for it with hostile parameters.
    visitors: dict[str, str] = field(default_factory=dict)
    cast: Cast | None = None

    def visitor_for(self, path: str) -> Visitor:
        """The person who reached ``path`` (anonymous for the API and anything not crawled)."""
        return self.cast.visitors[self.visitors.get(path.split("?")[0], self.visitors.get(path, ANONYMOUS))]


def _get_rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]


def _add_forms(app, targets: Targets, path: str, response, visitor: Visitor) -> None:
    """Add the page's new forms: not found before, nor one visitor's same form for another row."""
    if response.mimetype != "text/html":
        return

    def keys(form: Form) -> set[tuple]:
        fields = tuple(form.fields)
        return {
            (form.action, form.method, fields),
            (_rule_of(app, form.action), form.method, fields, form.visitor),
        }

    known = set().union(*(keys(f) for f in targets.forms))
    for form in forms_on(path, response.get_data(as_text=True), visitor.name):
        if not keys(form) & known:
            targets.forms.append(form)
            known |= keys(form)


def _add_openapi(targets: Targets, spec: dict) -> None:
    prefix = spec["servers"][0]["url"].split("://", 1)[-1].split("/", 1)[-1]
    for path, operations in spec["paths"].items():
        if "{" in path:
            continue
        url = f"/{prefix}{path}"
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            targets.parameters.setdefault(url, set()).update(names)
            required = [p["name"] for p in operation.get("parameters", []) if p.get("required")]
            targets.baselines.setdefault(url, [(name, "heart") for name in required])
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if method == "post" and body:
                targets.json_operations[url] = _resolve(spec, body["schema"])


def _resolve(spec: dict, schema: dict) -> dict:
    if "$ref" in schema:
        return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_guarded(app, rule) -> bool:
    return hasattr(app.view_functions[rule.endpoint], "required_role")


def _crawl(app, client, found: Targets, visitor: Visitor, real: dict[str, list[str]]) -> None:
    """Every GET page the visitor is meant to reach: anonymous ones the public pages, others the guarded."""
    rules = [r for r in _get_rules(app) if _is_guarded(app, r) == (visitor.name != ANONYMOUS)]
    become(client, visitor).get("/find-your-fit")  # a page with a form, so the session holds a CSRF secret
    remember_csrf(client, visitor)
    original, app.request_class = app.request_class, RecordingRequest
    try:
        for rule in rules:
            for path in concrete_paths(app, rule, real):
                become(client, visitor)
                RecordingArgs.asked = set()
                response = client.get(path)
                found.parameters.setdefault(path, set()).update(RecordingArgs.asked)
                found.visitors.setdefault(path, visitor.name)
                _add_forms(app, found, path, response, visitor)
    finally:
        app.request_class = original


@pytest.fixture
def targets(app, client) -> Targets:
    """Every GET URL with the parameters its view reads, every form, every JSON operation, for everyone."""
    found = Targets()
    cast = assemble_cast(app)
    found.cast = cast
    real = {**path_values(app), **cast.path_values}
    for visitor in cast.visitors.values():
        _crawl(app, client, found, visitor, real)
    for form in [f for f in found.forms if f.method == "post"]:
        become(client, cast.visitors[form.visitor])
        data = form.values_with("csrf_token", _token(form))
        for name, accepts in form.files.items():
            # What a person would choose: the portal's own template for a CSV upload.
            if "csv" in accepts:
                data[name] = (BytesIO(template_csv().encode()), "listings.csv")
        response = client.post(form.action, data=data)
        assert response.status_code < 400 or "nhsuk-error-summary" in response.get_data(as_text=True), (
            f"{form.action} refused its own form unchanged without saying why ({response.status_code})"
        )
        _add_forms(app, found, form.action, response, cast.visitors[form.visitor])
    for form in found.forms:
        if form.method == "get":
            found.parameters.setdefault(form.action, set()).update(form.text_fields)
            found.visitors.setdefault(form.action, form.visitor)
            found.baselines[form.action] = [
                (k, v) for k, v in form.values_with("csrf_token", "").items(multi=True) if k != "csrf_token"
            ]
    become(client, cast.visitors[ANONYMOUS])
    _add_openapi(found, client.get("/api/v1/openapi.json").get_json())
    return found


def _token(form: Form) -> str:
    return (form.fields.get("csrf_token") or [""])[0]


def _rule_of(app, path: str) -> str:
    """The URL rule a concrete path is served by (``/opportunities/<int:opportunity_id>/report``)."""
    try:
        return app.url_map.bind("localhost").match(path, method="POST", return_rule=True)[0].rule
    except HTTPException:
        return path


def test_discovery_reaches_every_route_and_the_inputs_we_know_of(app, targets):
    post_rules = {r.rule for r in app.url_map.iter_rules() if "POST" in r.methods}
    posted = [f.action for f in targets.forms if f.method == "post"] + list(targets.json_operations)
    reached = {_rule_of(app, path) for path in posted}
    assert post_rules <= reached, f"POST routes no form or API operation reaches: {post_rules - reached}"
    assert {"q", "stage", "limit"} <= targets.parameters["/api/v1/match"]
    assert "slugs" in targets.parameters["/service-areas/compare"]
    assert any("about" in f.fields and "subjects" in f.fields for f in targets.forms)
    assert any("useful" in f.fields for f in targets.forms), "the feedback form on the results page"
    # Staff forms (signing in to an organisation or as an administrator) are not for the public.
    public_forms = [
        f
        for f in targets.forms
        if f.method == "post" and f.collects and f.visitor in PEOPLE and not f.action.startswith(STAFF_AREAS)
    ]
    unlinked = sorted({f.page for f in public_forms if not f.links_privacy})
    assert not unlinked, f"forms that collect something but do not link the privacy notices: {unlinked}"
    seen_by = {f.visitor for f in targets.forms}
    assert seen_by == set(targets.cast.visitors), f"no forms found for {set(targets.cast.visitors) - seen_by}"


@pytest.fixture
def page_cache_on(app):
    """The public page cache as in production, so what it stores is attacked too."""
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    clear_page_cache()
    yield
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    clear_page_cache()


def test_hostile_query_parameters_and_path_arguments(client, targets, page_cache_on):
    failures = []
    for path, names in sorted(targets.parameters.items()):
        baseline = targets.baselines.get(path.split("?")[0], [])
        become(client, targets.visitor_for(path))
        plain = client.get(with_query(path, baseline))
        failures += [(path, None, p) for p in problems_in(plain, None)]
        for name in sorted(names):
            for payload in PAYLOADS:
                pairs = [(k, v) for k, v in baseline if k != name] + [(name, payload)]
                become(client, targets.visitor_for(path))
                response = client.get(with_query(path, pairs))
                failures += [(path, name, p) for p in problems_in(response, payload, plain.get_data(True))]
    assert not failures, _report(failures)


def test_parameters_no_view_reads_change_nothing_and_never_build_absolute_links(client, targets):
    failures = []
    for path in sorted(targets.parameters):
        pairs = [*targets.baselines.get(path, []), *((name, "1") for name in STEERING_PARAMETERS)]
        become(client, targets.visitor_for(path))
        response = client.get(with_query(path, pairs), headers={"Host": "evil.example"})
        failures += [(path, "steering", p) for p in problems_in(response, None)]
        if "evil.example" in response.get_data(as_text=True):
            failures.append((path, "steering", "a link built from the Host header"))
    assert not failures, _report(failures)


def test_hostile_form_fields_files_and_bodies(client, targets):
    failures = []
    for form in (f for f in targets.forms if f.method == "post"):
        token, visitor = _token(form), targets.cast.visitors[form.visitor]
        for name in form.text_fields:
            for payload in PAYLOADS:
                data = form.values_with(name, payload)
                data["csrf_token"] = token
                response = become(client, visitor).post(form.action, data=data)
                failures += [(form.action, name, p) for p in problems_in(response, payload)]
            upload = form.values_with(name, "")
            upload["csrf_token"], upload[name] = token, (BytesIO(b"<x>"), "a.txt")
            response = become(client, visitor).post(
                form.action, data=upload, content_type="multipart/form-data"
            )
            failures += [(form.action, f"{name} as a file", p) for p in problems_in(response, None)]
        response = become(client, visitor).post(
            form.action, data=b"[" * 100_000, content_type="application/json"
        )
        failures += [(form.action, "deep JSON", p) for p in problems_in(response, None)]
    assert not failures, _report(failures)


def test_hostile_json_bodies_are_400s_with_a_message(client, targets):
    become(client, targets.cast.visitors[ANONYMOUS])
    failures = []
    for url, schema in targets.json_operations.items():
        required = {name: "heart" for name in schema.get("required", [])}
        for name in schema.get("properties", {}):
            for value in JSON_VALUES:
                response = client.post(url, json={**required, name: value})
                failures += [(url, f"{name}={value!r:.30}", p) for p in problems_in(response, None)]
        for raw in RAW_JSON_BODIES:
            response = client.post(url, data=raw, content_type="application/json")
            failures += [(url, repr(raw[:30]), p) for p in problems_in(response, None)]
            if response.status_code != 400:
                failures.append((url, repr(raw[:30]), f"status {response.status_code}, not 400"))
    assert not failures, _report(failures)


def test_a_null_limit_is_refused_as_the_openapi_document_says(client):
    response = client.post("/api/v1/match", json={"q": "heart", "limit": None})
    assert response.status_code == 400
    assert "limit must be a whole number" in response.get_json()["error"]["message"]


def test_oversized_bodies_are_refused_before_they_are_read(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.arguments:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(rule.rule, method=method, data=OVERSIZED_BODY)
            assert response.status_code == 413, f"{method} {rule.rule} gave {response.status_code}"
            if rule.rule.startswith("/api/"):
                assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_a_chunked_body_over_the_limit_is_refused_not_cut_short(client):
    body = b'{"q": "hearing"}' + b" " * (2 * 64 * 1024)
    response = client.post(
        "/api/v1/match",
        input_stream=BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    small = client.post(
        "/api/v1/match",
        input_stream=BytesIO(b'{"q": "hearing"}'),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert small.status_code == 200 and small.get_json()["suggestions"]


def test_a_method_a_route_does_not_take_is_a_405_that_says_which_it_does(app, client):
    methods_by_path: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static" and not rule.arguments:
            methods_by_path.setdefault(rule.rule, set()).update(rule.methods)
    for path, methods in methods_by_path.items():
        refused = next(m for m in METHODS if m not in methods)
        response = client.open(path, method=refused)
        assert response.status_code == 405, f"{refused} {path} gave {response.status_code}"
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed == methods, f"{path}: Allow says {allowed}, the routes take {methods}"


def _report(failures: list[tuple]) -> str:
    lines = sorted({f"{path} [{name}]: {problem}" for path, name, problem in failures})
    return f"{len(lines)} problems:\n" + "\n".join(lines[:60])
