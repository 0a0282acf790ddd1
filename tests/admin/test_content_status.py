"""Content status: what is loaded, the matcher's index, validation, and whether the files match."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import delete, func, select

from portal.content.files import CONTENT_DIR
from portal.extensions import db
from portal.models import EntryRoute, MatchingIndexVersion, ServiceArea
from portal.services.content_status import content_status
from tests.account_helpers import location_path
from tests.factories import make_user, sign_in_as

STATUS = "/admin/content-status"


@pytest.fixture
def admin(client):
    """An administrator, signed in with the second factor."""
    user = make_user(is_admin=True)
    sign_in_as(client, user)
    return user


@pytest.fixture
def content_copy(app, tmp_path: Path, monkeypatch) -> Path:
    """A copy of content/ that the portal reads for this test only."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root, ignore=shutil.ignore_patterns("README.md"))
    monkeypatch.setitem(app.config, "CONTENT_DIR", root)
    return root


def _rows(page) -> dict[str, str]:
    return {
        row.select_one("dt").get_text(" ", strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in page.select(".nhsuk-summary-list__row")
    }


def test_a_freshly_loaded_portal_is_all_in_step(client, admin, get_page):
    page = get_page(STATUS)
    assert page.h1 == "Content status"
    rows = _rows(page)
    routes = db.session.scalar(select(func.count()).select_from(EntryRoute))
    assert routes > 0 and (rows["Service areas"], rows["Entry routes"]) == ("172", str(routes))
    assert "not stored in the database" in rows["Lesson starters"]
    version = db.session.scalars(
        select(MatchingIndexVersion).order_by(MatchingIndexVersion.id.desc())
    ).first()
    assert rows["Version"] == str(version.id) and rows["Profiles indexed"] == "172"
    assert rows["Fingerprint of what it was built from"] == version.corpus_hash[:12]
    assert "Up to date" in page.soup.select_one(".app-index-state").get_text()
    assert "does not record when content was last loaded" in page.text
    assert version.built_at.strftime("%-d %B %Y") in page.soup.select_one(".app-index-built").get_text()
    assert "Passes" in page.soup.select_one(".app-validation").get_text()
    assert "172 service area files" in page.text
    assert "Match" in page.soup.select_one(".app-in-step").get_text()


def test_lesson_starters_are_counted_from_their_file(client, admin, get_page):
    starters = yaml.safe_load((CONTENT_DIR / "lesson-starters.yaml").read_text(encoding="utf-8"))
    assert _rows(get_page(STATUS))["Lesson starters"].startswith(f"{len(starters['lesson_starters'])},")


def test_a_database_copy_that_differs_from_the_files_is_named(client, admin, get_page):
    area = db.session.get(ServiceArea, "audiology")
    area.content_hash = "0" * 64
    db.session.add(
        EntryRoute(
            slug="retired-route",
            name="A retired route",
            kind="other",
            level=None,
            career_level="entry",
            summary="Gone.",
            route={},
            content_hash="1" * 64,
        )
    )
    db.session.flush()
    page = get_page(STATUS)
    assert "Differ" in page.soup.select_one(".app-in-step").get_text()
    assert [li.get_text() for li in page.select(".app-changed-since-load li")] == ["audiology"]
    assert [li.get_text() for li in page.select(".app-no-longer-in-files li")] == ["retired-route"]
    assert "Run flask --app wsgi content load" in page.text


def test_a_loaded_profile_that_changed_makes_the_index_out_of_date(client, admin, get_page):
    area = db.session.get(ServiceArea, "audiology")
    area.summary = area.summary + " Changed by hand."
    db.session.flush()
    state = get_page(STATUS).soup.select_one(".app-index-state").get_text(" ", strip=True)
    assert "Out of date" in state and "flask --app wsgi matching build" in state


def test_no_index_at_all_is_said_plainly(client, admin, get_page):
    db.session.execute(delete(MatchingIndexVersion))
    page = get_page(STATUS)
    assert "Not built" in page.soup.select_one(".app-index-state").get_text()
    assert "Find your fit cannot answer" in page.text


def test_files_with_problems_are_listed_and_compared(client, admin, content_copy, get_page):
    profile = content_copy / "service-areas" / "audiology.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("## About the work", "## About"), "utf-8")
    (content_copy / "entry-routes" / "a-new-route.yaml").write_text("slug: a-new-route\n", "utf-8")
    page = get_page(STATUS)
    assert "Fails" in page.soup.select_one(".app-validation").get_text()
    problems = [li.get_text() for li in page.select(".app-problems li")]
    assert "audiology.md: body: missing the section '## About the work'" in problems
    assert any(p.startswith("a-new-route.yaml: ") for p in problems)
    assert "A load refuses to run until they are fixed" in page.text
    assert [li.get_text() for li in page.select(".app-changed-since-load li")] == ["audiology"]
    assert [li.get_text() for li in page.select(".app-not-loaded li")] == ["a-new-route"]
    assert "Fix the problems above, then load the files" in page.text


def test_a_folder_that_cannot_be_read_is_reported_not_a_server_error(client, admin, content_copy, get_page):
    (content_copy / "taxonomy.yaml").unlink()
    page = get_page(STATUS)
    assert "taxonomy.yaml: (file): is missing or cannot be read" in page.text
    assert "cannot be compared with the database" in page.text
    assert "Not known" in page.soup.select_one(".app-index-state").get_text()
    assert _rows(page)["Service areas"] == "172"


def test_the_service_agrees_with_the_loader_on_every_item(app, db_session):
    status = content_status(Path(app.config["CONTENT_DIR"]))
    assert status.valid and status.in_step
    assert status.loaded.service_areas == status.profile_files == 172
    assert status.index is not None and status.index.up_to_date is True


def test_only_administrators_reach_the_page(app, db_session):
    assert location_path(app.test_client().get(STATUS)) == f"/admin/sign-in?next={STATUS}"
    member = sign_in_as(app.test_client(), make_user())
    assert member.get(STATUS).status_code == 403
