"""Every route is either deliberately public or guarded by a role.

There are no signed-in areas yet: this test makes sure none appears by accident.
A new non-public endpoint must carry a role check and be added to GUARDED with
the role it needs, and a test must prove the wrong role is refused."""

from __future__ import annotations

PUBLIC = {
    "static",
    "public.home",
    "public.about",
    "public.service_areas",
    "public.service_area",
    "public.compare",
    "public.entry_routes",
    "public.entry_route",
    "public.sitemap",
    "explore.find_your_fit",
    "explore.results",
    "explore.shared",
    "explore.feedback",
    "api.service_areas",
    "api.service_area",
    "api.entry_routes",
    "api.entry_route",
    "api.match",
    "api.openapi",
}
GUARDED: dict[str, str] = {}


def test_every_endpoint_is_declared_public_or_guarded(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    undeclared = endpoints - PUBLIC - set(GUARDED)
    assert not undeclared, (
        f"declare these endpoints as public or guard them with a role: {sorted(undeclared)}"
    )


def test_public_endpoints_are_reachable_without_signing_in(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC and "GET" in rule.methods and not rule.arguments:
            response = client.get(rule.rule)
            assert response.status_code in (200, 400), f"{rule.rule} gave {response.status_code}"
