"""Every route is either deliberately public or guarded by a role, and every guard refuses the wrong people.

A new non-public endpoint must carry a role check and be added to GUARDED with the role it needs;
the last test then visits it as every kind of person and proves that the wrong ones are turned away.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.hostile import concrete_paths, path_values
from tests.visitors import ANONYMOUS, assemble_cast, become

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
    "public.glossary",
    "public.accessibility",
    "explore.find_your_fit",
    "explore.results",
    "explore.shared",
    "explore.feedback",
    "explore.open_suggestion",
    # Workforce figures for everyone: the page, its CSV tables and the open API.
    "public.workforce",
    "public.workforce_csv",
    "public.start",
    "public.start_stage",
    "api.stats_summary",
    "api.stats_areas",
    "api.stats_divisions",
    "api.stats_regions",
    "api.stats_weeks",
    "api.stats_shortage",
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
    # Privacy notices, and lesson starters for teachers (no account needed).
    "public.privacy",
    "public.privacy_young_people",
    "public.privacy_adults",
    "schools.lesson_starters",
    "schools.lesson_starter",
    "schools.for_teachers",
    # Candidate accounts: signing up (or being told why not, under 13), in and out, emailed links.
    "candidates.sign_up",
    "candidates.too_young",
    "candidates.check_your_email",
    "candidates.confirm",
    "candidates.sign_in",
    "candidates.request_sign_in_link",
    "candidates.use_sign_in_link",
    "candidates.sign_out",
    "candidates.account_deleted",
    # Alerts work without an account: signing up, confirming and unsubscribing through emailed links.
    "candidates.new_alert",
    "candidates.confirm_alert",
    "candidates.unsubscribe",
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
    # The rest of the console: trusted organisations, administrators (two to grant), content, audit log.
    "admin.trusted": "admin",
    "admin.users": "admin",
    "admin.request_admin": "admin",
    "admin.confirm_admin": "admin",
    "admin.cancel_admin": "admin",
    "admin.remove_admin": "admin",
    "admin.content_status": "admin",
    "admin.audit_log": "admin",
    "admin.workforce": "admin",
    "admin.workforce_csv": "admin",
    # A candidate's own account: saved things, interest, alerts, their data.
    "candidates.dashboard": "candidate",
    "candidates.settings": "candidate",
    "candidates.save_area": "candidate",
    "candidates.unsave_area": "candidate",
    "candidates.save_listing": "candidate",
    "candidates.unsave_listing": "candidate",
    "candidates.register_interest": "candidate",
    "candidates.remove_area_interest": "candidate",
    "candidates.express_interest": "candidate",
    "candidates.interest": "candidate",
    "candidates.withdraw_interest": "candidate",
    "candidates.alerts": "candidate",
    "candidates.alert_frequency": "candidate",
    "candidates.delete_alert": "candidate",
    "candidates.your_data": "candidate",
    "candidates.your_data_download": "candidate",
    "candidates.delete_account": "candidate",
    # The organisation's side of expressions of interest.
    "organisations.interests": "member",
    "organisations.interest": "member",
    # Class codes (teachers in an approved school or college).
    "schools.home": "teacher",
    "schools.new_class": "teacher",
    "schools.class_summary": "teacher",
    "schools.close_class": "teacher",
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


CANDIDATES = {"candidate aged 13 to 15", "adult candidate"}
ADMINS = {"admin", "admin without a second factor", "admin setting up a second factor"}
# Who each role lets in (the visitors of tests/visitors.py); everyone else must be refused.
LET_IN = {
    "member": {"owner", "teacher"},
    "owner": {"owner", "teacher"},
    "teacher": {"teacher"},
    "candidate": CANDIDATES,
    "admin": {"admin"},
    # The second-factor pages: anyone else signed in gets a 403 there.
    "signed-in": ADMINS,
}
# Where a guard sends someone it does not let in (when it does not answer 403). An administrator
# may be sent from one second-factor page to the other: that is a step of signing in, not a refusal.
SIGN_IN_PAGES = {"/organisations/sign-in", "/account/sign-in", "/admin/sign-in"}
SECOND_FACTOR_PAGE = "/admin/sign-in/code"


def _redirected_to(response) -> str | None:
    if response.status_code not in (302, 303):
        return None
    return urlsplit(response.headers.get("Location", "")).path


def _refused(response) -> bool:
    """A 403, or a redirect to a sign-in or second-factor page."""
    return response.status_code == 403 or _redirected_to(response) in {*SIGN_IN_PAGES, SECOND_FACTOR_PAGE}


def _let_in(response) -> bool:
    """Neither a 403 nor a redirect to sign in."""
    return response.status_code != 403 and _redirected_to(response) not in SIGN_IN_PAGES


@pytest.fixture
def without_csrf(app):
    """Guards are what is tested here: without this, a POST with no token is a 400 before any guard runs."""
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.mark.parametrize("role", sorted(LET_IN))
def test_each_guard_refuses_everyone_its_role_does_not_let_in(app, client, without_csrf, role):
    cast = assemble_cast(app)
    real = {**path_values(app), **cast.path_values}
    endpoints = [e for e, r in GUARDED.items() if r == role]
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in endpoints:
            continue
        path = next(concrete_paths(app, rule, real))
        method = "get" if "GET" in rule.methods else "post"
        for name, visitor in cast.visitors.items():
            response = getattr(become(client, visitor), method)(path)
            if name in LET_IN[role]:
                assert _let_in(response), f"{name} was refused {method.upper()} {path}"
            else:
                assert _refused(response), f"{name} got {response.status_code} for {method.upper()} {path}"
            checked += 1
    assert checked, f"no endpoint is guarded as {role!r}"
    assert ANONYMOUS in cast.visitors
