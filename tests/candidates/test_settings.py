"""A candidate's settings: counting in the figures, an older age band after a birthday, a password."""

from __future__ import annotations

from flask.testing import FlaskClient

from portal.extensions import db
from portal.models.candidates import AGE_13_15, AGE_16_17, AGE_18_PLUS
from tests.account_helpers import (
    last_mail_to,
    location_path,
    submit,
    well_formed,
)
from tests.candidates.accounts import (
    NEW_PASSWORD,
    PRIVACY,
    SAM,
    as_utc,
    sign_in,
    signed_in_as,
)
from tests.factories import make_candidate, sign_in_candidate_as

# Settings


def _change(client: FlaskClient, data: dict[str, str]):
    return submit(client, "/account/settings", data)


def test_an_adult_can_count_their_interest_and_stop_again(client):
    candidate = make_candidate(AGE_18_PLUS)
    sign_in_candidate_as(client, candidate)
    page = well_formed(client.get("/account/settings"))
    assert "Count my interest, anonymously, in the figures that help the NHS plan" in page.text
    assert page.soup.select_one("input[name=count_interest][value=no]").has_attr("checked"), "off by default"
    assert set(PRIVACY) <= set(page.links())

    before = candidate.last_active_at
    response = _change(client, {"change": "figures", "count_interest": "yes"})
    assert location_path(response) == "/account/settings"
    assert candidate.count_interest_in_figures is True
    assert as_utc(candidate.last_active_at) > as_utc(before)
    saved = well_formed(client.get("/account/settings"))
    assert "Your choice is saved" in saved.text
    assert saved.soup.select_one("input[name=count_interest][value=yes]").has_attr("checked")

    _change(client, {"change": "figures", "count_interest": "no"})
    assert candidate.count_interest_in_figures is False


def test_13_to_15s_cannot_turn_counting_on(client):
    candidate = make_candidate(AGE_13_15)
    sign_in_candidate_as(client, candidate)
    page = well_formed(client.get("/account/settings"))
    assert not page.select("input[name=count_interest]"), "nothing to switch"
    assert "this is always off and you cannot turn it on" in page.text
    assert "extra care with children's information" in page.text

    refused = _change(client, {"change": "figures", "count_interest": "yes"})
    assert refused.status_code == 400
    assert "People aged 13 to 15 cannot have their interest counted" in well_formed(refused).text
    db.session.refresh(candidate)
    assert candidate.count_interest_in_figures is False


def test_after_a_birthday_a_13_to_15_moves_up_a_band_and_can_never_move_down(client):
    candidate = make_candidate(AGE_13_15)
    sign_in_candidate_as(client, candidate)
    page = well_formed(client.get("/account/settings"))
    offered = [radio["value"] for radio in page.select("input[name=age_band]")]
    assert offered == [AGE_16_17, AGE_18_PLUS], "only older bands are offered"

    moved = _change(client, {"change": "age-band", "age_band": AGE_16_17})
    assert moved.status_code == 302
    db.session.refresh(candidate)
    assert candidate.age_band == AGE_16_17
    assert "Your age band is now 16 to 17" in client.get("/account/settings").get_data(as_text=True)

    back = _change(client, {"change": "age-band", "age_band": AGE_13_15})
    assert back.status_code == 400
    assert "Your new age band" in well_formed(back).text
    db.session.refresh(candidate)
    assert candidate.age_band == AGE_16_17, "moving down would lift protections"


def test_adults_have_no_older_band_to_move_to(client):
    sign_in_candidate_as(client, make_candidate(AGE_18_PLUS))
    page = well_formed(client.get("/account/settings"))
    assert not page.select("input[name=age_band]")
    assert "You told us you are 18 and over" in page.text


def test_the_settings_refuse_a_choice_that_is_not_offered(client):
    sign_in_candidate_as(client, make_candidate())
    page = well_formed(_change(client, {"change": "figures", "count_interest": "maybe"}))
    assert page.response.status_code == 400
    assert page.soup.select_one(".nhsuk-error-summary a")["href"] == "#count_interest"
    assert _change(client, {"change": "something-else"}).status_code == 400


def test_someone_who_signs_in_with_links_can_add_a_password(app, client):
    candidate = make_candidate(email=SAM, password_hash=None)
    sign_in_candidate_as(client, candidate)
    elsewhere = sign_in_candidate_as(app.test_client(), candidate)
    page = well_formed(client.get("/account/settings"))
    assert "You sign in with a link we email you" in page.text
    assert "Make a password" in page.text

    weak = _change(client, {"change": "password", "password": SAM})
    assert weak.status_code == 400
    assert "must not be your email address" in well_formed(weak).text
    assert candidate.password_hash is None

    before = candidate.last_active_at
    response = _change(client, {"change": "password", "password": NEW_PASSWORD})
    assert location_path(response) == "/account/settings"
    assert "Your password is saved" in well_formed(client.get("/account/settings")).text
    assert as_utc(candidate.last_active_at) > as_utc(before)
    assert signed_in_as(client) == SAM, "this session carries on"
    assert signed_in_as(elsewhere) is None, "every other session ends"
    assert last_mail_to(SAM).subject == "Your password has been changed"

    fresh = app.test_client()
    assert location_path(sign_in(fresh, SAM, NEW_PASSWORD)) == "/account/"
