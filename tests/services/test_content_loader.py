"""Loading content is idempotent, reports what changed, and is all or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.content.files import CONTENT_DIR, read_content
from portal.models import EntryRoute, ServiceArea, ServiceAreaRoute
from portal.services.content_loader import InvalidContentError, load_content


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_loading_the_same_content_again_changes_nothing(db_session):
    content = read_content(CONTENT_DIR)
    report = load_content(content)
    assert not report.changed
    assert report.unchanged["service areas"] == len(content.profiles)
    assert report.unchanged["entry routes"] == len(content.routes)


def test_a_changed_profile_is_updated_and_its_routes_replaced(db_session, tmp_path: Path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    path = copy / "service-areas" / "audiology.md"
    text = path.read_text()
    path.write_text(
        text.replace(
            "  - route: healthcare-science-assistant-apprenticeship\n    note: Audiology assistants",
            "  - route: work-experience\n    note: Audiology assistants",
            1,
        )
    )
    report = load_content(read_content(copy))
    assert report.updated == {"service areas": 1, "entry routes": 0}
    routes = db_session.scalars(
        select(ServiceAreaRoute.route_slug)
        .where(ServiceAreaRoute.service_area_slug == "audiology")
        .order_by(ServiceAreaRoute.position)
    ).all()
    assert routes[0] == "work-experience"
    assert "healthcare-science-assistant-apprenticeship" not in routes


def test_a_row_no_longer_in_content_is_removed(db_session):
    db_session.add(
        ServiceArea(
            slug="retired-area",
            name="Retired area",
            division="Life sciences",
            theme="Blood sciences",
            parent_slug=None,
            summary="Gone.",
            search_text="gone",
            profile={},
            body_markdown="",
            content_hash="x",
        )
    )
    db_session.flush()
    report = load_content(read_content(CONTENT_DIR))
    assert report.removed == {"service areas": 1, "entry routes": 0}
    assert db_session.get(ServiceArea, "retired-area") is None


def test_invalid_content_loads_nothing(db_session, tmp_path: Path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    first = copy / "service-areas" / "audiology.md"
    first.write_text(first.read_text().replace("name: Audiology", "name: Audiology and hearing"))
    broken = copy / "entry-routes" / "work-experience.yaml"
    broken.write_text(broken.read_text().replace("kind: experience", "kind: holiday"))
    before = db_session.get(ServiceArea, "audiology").name
    with pytest.raises(InvalidContentError) as raised:
        load_content(read_content(copy))
    assert any(p.file == "work-experience.yaml" and p.key == "kind" for p in raised.value.problems)
    assert db_session.get(ServiceArea, "audiology").name == before


def test_the_database_holds_every_profile_and_route(db_session):
    content = read_content(CONTENT_DIR)
    assert _count(db_session, ServiceArea) == len(content.profiles)
    assert _count(db_session, EntryRoute) == len(content.routes)
    links = sum(len(p["entry_routes"]) for p in content.profiles.values())
    assert _count(db_session, ServiceAreaRoute) == links
