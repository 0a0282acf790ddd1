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
    "api.opportunities",
    # Finding opportunities: search, one listing, the feed, and reporting a listing.
    "opportunities.search",
    "opportunities.detail",
    "opportunities.feed",
    "opportunities.report",
    "opportunities.report_sent",
    # Organisation accounts: signing up, in and out, confirming an address, resetting a password.
    "organisations.sign_up",
    "organisations.check_your_email",
    "organisations.confirm_email",
    "organisations.resend_confirmation",
    "organisations.sign_in",
    "organisations.sign_out",
    "organisations.reset_password",
    "organisations.reset_password_sent",
    "organisations.choose_new_password",
    "organisations.accept_invitation",
    "admin.sign_in",
}
GUARDED: dict[str, str] = {
    "organisations.dashboard": "member",
    "organisations.members": "owner",
    "organisations.invite": "owner",
    "organisations.remove_member": "owner",
    "organisations.revoke_invitation": "owner",
    # Between the password and the code: signed in, and refused unless an administrator.
    "admin.second_factor": "signed-in",
    "admin.set_up_second_factor": "signed-in",
    "admin.home": "admin",
    "admin.approvals": "admin",
    "admin.decide": "admin",
    # Posting opportunities (any member) and moderating them (administrators).
    "organisations.listing_new": "member",
    "organisations.listing": "member",
    "organisations.listing_edit": "member",
    "organisations.listing_submit": "member",
    "organisations.listing_close": "member",
    # Importing listings from a CSV file (tests/organisations/test_imports.py).
    "organisations.listing_import": "member",
    "organisations.listing_import_confirm": "member",
    "organisations.listing_import_template": "member",
    "organisations.listing_import_problems": "member",
    "admin.moderation": "admin",
    "admin.moderation_item": "admin",
    "admin.moderation_report": "admin",
}


def test_every_endpoint_is_declared_public_or_guarded(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    undeclared = endpoints - PUBLIC - set(GUARDED)
    assert not undeclared, (
        f"declare these endpoints as public or guard them with a role: {sorted(undeclared)}"
    )


def test_each_guarded_view_carries_the_role_declared_for_it(app):
    for endpoint, role in GUARDED.items():
        view = app.view_functions[endpoint]
        assert getattr(view, "required_role", None) == role, f"{endpoint} is not guarded as {role!r}"


def test_public_views_carry_no_guard(app):
    guarded = [e for e in PUBLIC if getattr(app.view_functions.get(e), "required_role", None)]
    assert not guarded, f"declared public but guarded: {guarded}"


def test_public_endpoints_are_reachable_without_signing_in(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC and "GET" in rule.methods and not rule.arguments:
            response = client.get(rule.rule)
            assert response.status_code in (200, 400), f"{rule.rule} gave {response.status_code}"
