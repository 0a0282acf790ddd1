from io import BytesIO
from portal.models.candidates import AGE_13_15
from tests.account_helpers import csrf_token
from tests.factories import make_candidate, sign_in_candidate_as
from tests.hostile import PAYLOADS, problems_in
from portal.services import candidates

FORMS = [
    ("/account/sign-up", "/account/sign-up", {"age_band": "18-plus", "email": "a@example.net", "password": ""}),
    ("/account/sign-up", "/account/sign-up", {"age_band": "under-13", "email": "a@example.net", "password": ""}),
    ("/account/sign-in", "/account/sign-in", {"email": "a@example.net", "password": "x", "next": ""}),
    ("/account/sign-in-link", "/account/sign-in", {"link_email": "a@example.net", "next": ""}),
]
SIGNED_IN = [
    ("/account/settings", "/account/settings", {"change": "figures", "count_interest": "yes"}),
    ("/account/settings", "/account/settings", {"change": "password", "password": "x"}),
    ("/account/sign-out", "/account/", {}),
]


def _check(client, action, page, base, failures, setup=None):
    for name in list(base) + ["csrf_token"]:
        for payload in PAYLOADS:
            if setup: setup()
            token = csrf_token(client, page)
            data = {**base, "csrf_token": token, name: payload}
            r = client.post(action, data=data)
            failures += [(action, name, payload[:20], p) for p in problems_in(r, payload)]
            if r.status_code >= 400 and name != "csrf_token" and "nhsuk-error-summary" not in r.get_data(as_text=True) and r.status_code != 429:
                pass
        if setup: setup()
        token = csrf_token(client, page)
        r = client.post(action, data={**base, "csrf_token": token, name: (BytesIO(b"<x>"), "a.txt")}, content_type="multipart/form-data")
        failures += [(action, name, "file", p) for p in problems_in(r, None)]
    r = client.post(action, data=b"[" * 100_000, content_type="application/json")
    failures += [(action, "json", "", p) for p in problems_in(r, None)]


def test_hostile(app, client):
    failures = []
    for action, page, base in FORMS:
        _check(client, action, page, base, failures)
    for age in ("18-plus", AGE_13_15):
        c = make_candidate(age)
        for action, page, base in SIGNED_IN:
            _check(client, action, page, base, failures, setup=lambda: sign_in_candidate_as(client, c))
    c = make_candidate()
    for payload in PAYLOADS:
        tok = candidates.sign_in_token(app.config["SECRET_KEY"], c)
        link = f"/account/sign-in/{tok}"
        r = client.post(link, data={"csrf_token": csrf_token(client, link), "next": payload})
        failures += [(link, "next", payload[:20], p) for p in problems_in(r, payload)]
        for path in (f"/account/sign-in/{payload}", f"/account/confirm/{payload}", f"/account/sign-in?next={payload}", f"/account/check-your-email?sent={payload}"):
            r = client.get(path)
            failures += [(path[:40], "get", payload[:20], p) for p in problems_in(r, payload)]
    assert not failures, failures[:20]
