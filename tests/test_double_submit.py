"""A form posted twice (a double click, a retry, the back button) creates one record.

The forms are discovered, never listed: every form every visitor's pages render (as the
hostile-input test finds them) is posted with its own values and a one-time key, then posted again
with the same key. When the first post added rows to any table, the second must add none, and must
send the person where the first did. A form added later is covered by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule

import tests.test_hostile_input as walk
from portal.extensions import db
from portal.forms import ALREADY_RECEIVED, SUBMISSION_FIELD
from portal.services import submissions
from portal.services.listing_import import template_csv
from tests.database import rolled_back_session
from tests.hostile import Form, path_values
from tests.visitors import ANONYMOUS, Cast, Visitor, assemble_cast, become, remember_csrf

REDIRECTS = (301, 302, 303)


def _row_counts() -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.count()).select_from(table))
        for name, table in db.metadata.tables.items()
    }


def _added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] > before[name]}


def _posted_values(form: Form, key: str):
    data = form.values_with(SUBMISSION_FIELD, key)
    for name, accepts in form.files.items():
        if "csv" in accepts:  # what a person would choose: the portal's own template
            data[name] = (BytesIO(template_csv().encode()), "listings.csv")
    return data


def _real_paths(app: Flask, rule: Rule, real: dict[str, list[str]]) -> list[str]:
    """The rule's URLs for the real rows the cast holds (none when an argument has no real value)."""
    names = sorted(rule.arguments)
    if any(name not in real for name in names):
        return []
    with app.test_request_context():
        count = max((len(real[name]) for name in names), default=1)
        return [
            url_for(rule.endpoint, **{name: real[name][min(i, len(real[name]) - 1)] for name in names})
            for i in range(count)
        ]


def _pages_by_role(app: Flask, real: dict[str, list[str]]) -> dict[str | None, list[str]]:
    pages: dict[str | None, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            role = getattr(app.view_functions[rule.endpoint], "required_role", None)
            pages.setdefault(role, []).extend(_real_paths(app, rule, real))
    return pages


def _roles_of(client: FlaskClient, visitor: Visitor, pages: dict[str | None, list[str]]) -> set[str | None]:
    """The guards that let ``visitor`` through, tried on one page each."""
    roles: set[str | None] = {None} if visitor.name == ANONYMOUS else set()
    for role, paths in pages.items():
        if role is not None and paths and become(client, visitor).get(paths[0]).status_code == 200:
            roles.add(role)
    return roles


@dataclass
class Walk:
    """What posting every discovered form twice showed."""

    creating: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    unkeyed: set[str] = field(default_factory=set)


def _discover(app: Flask, client: FlaskClient) -> tuple[list[Form], Cast]:
    """Every POST form on the pages each visitor may see, for the real rows the cast holds."""
    found = walk.Targets()
    found.cast = cast = assemble_cast(app)
    real = {**path_values(app), **cast.path_values}
    pages = _pages_by_role(app, real)
    for visitor in cast.visitors.values():
        become(client, visitor).get("/find-your-fit")  # so the session holds a CSRF secret
        remember_csrf(client, visitor)
        for role in _roles_of(client, visitor, pages):
            for path in pages[role]:
                response = become(client, visitor).get(path)
                walk._add_forms(app, found, path, response, visitor)
    # The results page, with the feedback form, is the answer to a POST.
    for form in [f for f in found.forms if f.action == "/find-your-fit" and f.method == "post"]:
        response = become(client, cast.visitors[form.visitor]).post(form.action, data=form.fields)
        walk._add_forms(app, found, form.action, response, cast.visitors[form.visitor])
    return [f for f in found.forms if f.method == "post"], cast


def _post_twice(client: FlaskClient, form: Form, visitor: Visitor, result: Walk) -> None:
    # The key the page rendered, or one of our own where a page does not render it yet.
    rendered = (form.fields.get(SUBMISSION_FIELD) or [""])[0]
    key = rendered or submissions.new_submission_key()
    before = _row_counts()
    first = become(client, visitor).post(form.action, data=_posted_values(form, key))
    if not _added(before, _row_counts()):
        return
    result.creating.append(form.action)
    if not rendered:
        result.unkeyed.add(f"{form.page} -> {form.action}")
    middle = _row_counts()
    second = become(client, visitor).post(form.action, data=_posted_values(form, key))
    again = _added(middle, _row_counts())
    if again:
        result.repeated.append(f"{form.action} (from {form.page}, as {form.visitor}): {again}")
    elif first.status_code in REDIRECTS and second.headers.get("Location") != first.headers["Location"]:
        result.repeated.append(
            f"{form.action}: the first went to {first.headers['Location']}, the repeat to "
            f"{second.headers.get('Location')}"
        )


@pytest.fixture(scope="module")
def walked(app: Flask) -> Walk:
    """Every discovered form posted twice with one key, in a session rolled back afterwards."""
    result = Walk()
    for _session in rolled_back_session(app):
        client = app.test_client()
        forms, cast = _discover(app, client)
        for form in forms:
            _post_twice(client, form, cast.visitors[form.visitor], result)
    return result


def test_every_form_that_creates_something_creates_it_once(walked):
    assert not walked.repeated, "posted twice, these forms created more or answered otherwise:\n" + "\n".join(
        walked.repeated
    )
    # The walk reached what the mechanism exists for: an interest, a class, a report, feedback, an import.
    for part in (
        "/account/interest/",
        "/schools/classes/new",
        "/report",
        "/feedback",
        "/organisations/import",
    ):
        assert any(part in action for action in walked.creating), (
            f"no form posting to {part} created anything"
        )


def test_every_form_that_creates_something_renders_a_one_time_key(walked):
    assert not walked.unkeyed, "forms that create something but render no submission key:\n" + "\n".join(
        sorted(walked.unkeyed)
    )


def test_a_repeat_says_we_already_have_it_and_a_corrected_form_still_goes_through(client, db_session):
    from tests.factories import make_opportunity

    listing = make_opportunity(type="job", pay_kind="salary", salary_min=24_000, salary_max=28_000)
    page = client.get(f"/opportunities/{listing.id}/report")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    key = submissions.new_submission_key()
    path = f"/opportunities/{listing.id}/report"
    refused = client.post(path, data={"csrf_token": token, SUBMISSION_FIELD: key})
    assert refused.status_code == 400, "a report without a reason is refused"
    assert submissions.earlier_submission(key) is None, "a form with errors stores no key"
    data = {"csrf_token": token, SUBMISSION_FIELD: key, "reason": "wrong-or-out-of-date", "details": "Closed"}
    first = client.post(path, data=data)
    assert first.status_code in (302, 303)
    stored = submissions.earlier_submission(key)
    assert stored is not None and stored.created_table == "listing_report" and stored.created_id
    second = client.post(path, data=data, follow_redirects=True)
    assert ALREADY_RECEIVED in second.get_data(as_text=True)


def test_keys_older_than_a_day_are_purged(db_session):
    from datetime import UTC, datetime

    from portal.models import FormSubmission

    now = datetime.now(UTC)
    db.session.add_all(
        [
            FormSubmission(
                key=submissions.new_submission_key(), form="old", created_at=now - 2 * submissions.KEPT_FOR
            ),
            FormSubmission(key=submissions.new_submission_key(), form="new", created_at=now),
        ]
    )
    db.session.flush()
    assert submissions.purge_submissions_before(now - submissions.KEPT_FOR) == 1
    forms = set(db.session.scalars(select(FormSubmission.form)))
    assert "new" in forms and "old" not in forms
