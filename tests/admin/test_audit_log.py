"""The audit log page, and the log being append-only in the ORM and in the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from portal.extensions import db
from portal.models import AuditEntry
from portal.models.audit import AuditLogAppendOnlyError
from portal.services.audit import record_audit
from tests.account_helpers import location_path
from tests.factories import make_user, sign_in_as
from tests.hostile import PAYLOADS, problems_in

LOG = "/admin/audit-log"


@pytest.fixture
def admin(client):
    """An administrator, signed in with the second factor."""
    user = make_user(is_admin=True, email="auditor@example.org")
    sign_in_as(client, user)
    return user


def _entry(actor, action="organisation.trusted", target_type="organisation", target_id=7, **fields):
    return record_audit(
        actor,
        action,
        target_type,
        target_id,
        fields.get("reason", "A reason"),
        fields.get("before", {"trusted": False}),
        fields.get("after", {"trusted": True}),
    )


def _sections(page) -> list:
    return page.select(".app-audit-entry")


def test_each_entry_says_who_what_when_why_and_what_changed(client, admin, get_page):
    entry = record_audit(
        admin,
        "listing-approved",
        "opportunity",
        42,
        "Checked the <b>trust</b>",
        {"status": "submitted", "pending_status": None, "title": "Audiology placement"},
        {"status": "live", "pending_status": None, "title": "Audiology placement"},
    )
    record_audit(None, "listing-closed", "opportunity", 43)
    page = get_page(LOG)
    assert page.h1 == "Audit log" and "nobody can change or delete one" in page.text
    newest, older = _sections(page)
    assert newest.select_one("h2").get_text(strip=True) == "listing-closed: opportunity 43"
    assert "System" in newest.get_text(" ", strip=True) and "No reason recorded" in newest.get_text()
    assert "No record of before and after" in newest.get_text()

    assert older["id"] == f"entry-{entry.id}"
    text_of = older.get_text(" ", strip=True)
    assert "auditor@example.org" in text_of and "Checked the <b>trust</b>" in text_of
    assert entry.at.strftime("%-d %B %Y") in text_of
    [row] = older.select(".app-audit-changes tbody tr")
    assert [cell.get_text(strip=True) for cell in row.select("th, td")] == ["status", '"submitted"', '"live"']
    assert "Also recorded, unchanged: pending_status, title." in text_of
    assert "<b>trust</b>" not in page.response.get_data(as_text=True), "escaped, never markup"


def test_keys_recorded_on_one_side_only_are_shown_as_not_recorded(client, admin, get_page):
    _entry(admin, before={"is_admin": False}, after={"is_admin": True, "admin_request_id": 3})
    rows = get_page(LOG).select(".app-audit-changes tbody tr")
    cells = [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in rows]
    assert cells == [["admin_request_id", "(not recorded)", "3"], ["is_admin", "false", "true"]]


def test_entries_are_filtered_by_action_and_kind_of_record_from_those_recorded(client, admin, get_page):
    _entry(admin, "organisation.trusted", "organisation", 1)
    _entry(admin, "organisation.approved", "organisation", 2)
    _entry(admin, "report-resolved", "listing_report", 3)
    page = get_page(LOG)
    actions = [o["value"] for o in page.select("#filter-action option")]
    assert actions == ["", "organisation.approved", "organisation.trusted", "report-resolved"]
    assert "organisation.trusted (1)" in page.soup.select_one("#filter-action").get_text()
    assert [o["value"] for o in page.select("#filter-target_type option")] == [
        "",
        "listing_report",
        "organisation",
    ]

    by_action = get_page(f"{LOG}?action=organisation.trusted")
    assert [s.select_one("h2").get_text(strip=True) for s in _sections(by_action)] == [
        "organisation.trusted: organisation 1"
    ]
    assert "1 entry matches these filters" in by_action.text
    assert by_action.soup.select_one("#filter-action option[selected]")["value"] == "organisation.trusted"
    by_kind = get_page(f"{LOG}?target_type=organisation")
    assert len(_sections(by_kind)) == 2
    assert (
        "No entries match these filters"
        in get_page(f"{LOG}?action=report-resolved&target_type=organisation").text
    )


def test_a_filter_or_page_that_cannot_be_is_explained(client, admin, get_page):
    _entry(admin)
    odd = get_page(f"{LOG}?action=<i>odd</i>&target_type=nothing&page=abc", status=400)
    assert odd.title.startswith("Error: ")
    summary = odd.soup.select_one(".nhsuk-error-summary").get_text()
    assert "Choose an action from the list" in summary
    assert "Choose a kind of record from the list" in summary
    assert "Enter a page number from 1 to 10,000" in summary
    assert len(_sections(odd)) == 1, "the whole log is shown instead"
    assert "<i>odd</i>" not in odd.response.get_data(as_text=True)
    assert get_page(f"{LOG}?page=0", status=400).soup.select_one(".nhsuk-error-summary")
    assert get_page(f"{LOG}?page=" + "9" * 400, status=400).soup.select_one(".nhsuk-error-summary")


def test_the_log_is_paged_newest_first(client, admin, get_page):
    for number in range(120):
        _entry(admin, target_id=number)
    first = get_page(LOG)
    assert "120 entries. Page 1 of 3." in first.text
    headings = [s.select_one("h2").get_text(strip=True) for s in _sections(first)]
    assert len(headings) == 50 and headings[0].endswith(" 119") and headings[-1].endswith(" 70")
    assert f"{LOG}?page=2" in first.links()
    third = get_page(f"{LOG}?page=3")
    assert len(_sections(third)) == 20
    assert "Page 3 of 3" in get_page(f"{LOG}?page=77").text
    filtered = get_page(f"{LOG}?action=organisation.trusted")
    assert f"{LOG}?action=organisation.trusted&page=2" in filtered.links()


def test_nothing_recorded_yet_is_said(client, admin, get_page):
    assert "Nothing has been recorded yet." in get_page(LOG).text


def test_no_route_changes_the_log(app, client, admin):
    entry = _entry(admin)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(LOG).status_code in (400, 405)
        assert getattr(client, method)(f"{LOG}/{entry.id}").status_code in (400, 404, 405)
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(LOG)]
    assert [(rule.endpoint, sorted(rule.methods - {"HEAD", "OPTIONS"})) for rule in rules] == [
        ("admin.audit_log", ["GET"])
    ]


def test_the_orm_refuses_to_change_or_delete_an_entry(db_session):
    entry = _entry(None)
    entry.reason = "Rewritten"
    with pytest.raises(AuditLogAppendOnlyError, match="cannot be changed"):
        db.session.flush()
    db.session.rollback()

    entry = _entry(None)
    db.session.delete(entry)
    with pytest.raises(AuditLogAppendOnlyError, match="cannot be deleted"):
        db.session.flush()
    db.session.rollback()

    entry = _entry(None)
    with pytest.raises(AuditLogAppendOnlyError, match="cannot be changed"):
        db.session.execute(update(AuditEntry).values(reason="Rewritten"))
    with pytest.raises(AuditLogAppendOnlyError, match="cannot be deleted"):
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == entry.id))
    with pytest.raises(AuditLogAppendOnlyError, match="cannot be deleted"):
        db.session.execute(delete(AuditEntry.__table__))
    assert db.session.scalar(select(AuditEntry.reason).where(AuditEntry.id == entry.id)) == "A reason"


def test_the_database_refuses_update_and_delete_that_go_around_the_orm(app, db_session):
    entry = _entry(None)
    for statement in (
        "UPDATE audit_entry SET reason = 'Rewritten' WHERE id = :id",
        "DELETE FROM audit_entry WHERE id = :id",
    ):
        with pytest.raises(DatabaseError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement), {"id": entry.id})
    still = db.session.execute(text("SELECT reason FROM audit_entry WHERE id = :id"), {"id": entry.id})
    assert still.scalar_one() == "A reason"
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), db.session.begin_nested():
            db.session.execute(text("TRUNCATE audit_entry"))
    # Adding is what the log is for, and still works.
    db.session.execute(
        text(
            "INSERT INTO audit_entry (at, action, target_type, target_id) "
            "VALUES (CURRENT_TIMESTAMP, 'check', 'nothing', 1)"
        )
    )


def test_only_administrators_reach_the_log(app, db_session):
    assert location_path(app.test_client().get(LOG)) == f"/admin/sign-in?next={LOG}"
    assert sign_in_as(app.test_client(), make_user()).get(LOG).status_code == 403


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_filters_survive_hostile_input_and_recorded_text_is_shown_as_text(client, admin, payload):
    # PostgreSQL cannot store NUL in text, and the forms refuse control characters before it could.
    stored = payload.replace("\x00", "")
    _entry(admin, reason=stored, before={"title": stored}, after={"title": "Fixed"})
    for query in ("action", "target_type", "page"):
        response = client.get(LOG, query_string={query: payload})
        assert not problems_in(response, payload), (query, problems_in(response, payload))
    shown = client.get(LOG)
    assert shown.status_code == 200 and not problems_in(shown, stored), problems_in(shown, stored)
