"""The portal's index: built once per fingerprint, shared through the database, reloaded on change."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.models import MatchingIndexVersion
from portal.services import matching as svc


def _versions(session) -> int:
    return session.scalar(select(func.count()).select_from(MatchingIndexVersion))


def test_building_again_from_the_same_content_reuses_the_index(app, db_session):
    before = _versions(db_session)
    abbreviations = app.extensions["content_reference"].abbreviations
    version = svc.build_index(app.config["MATCHING_INDEX_DIR"], abbreviations)
    assert _versions(db_session) == before
    assert version.id == svc.latest_version().id


def test_changed_abbreviations_make_a_new_version_that_workers_switch_to(app, db_session):
    abbreviations = dict(app.extensions["content_reference"].abbreviations)
    svc.forget_loaded_index()
    old = svc.current_matcher()
    abbreviations["ZZQ"] = {"expansion": "a made-up test abbreviation"}
    new_version = svc.build_index(app.config["MATCHING_INDEX_DIR"], abbreviations)
    assert new_version.id == svc.latest_version().id
    svc.forget_loaded_index()
    new = svc.current_matcher()
    assert new is not old
    assert new.corpus_hash_ == old.corpus_hash_  # same documents; only the settings changed
    svc.forget_loaded_index()


def test_documents_carry_the_weighted_fields(db_session):
    from portal.services.service_areas import get_service_area

    document = svc.area_document(get_service_area("audiology"))
    assert document.id == "audiology"
    assert "Audiologist" in document.fields["alternative_titles"]
    assert document.fields["name"] == "Audiology"


def _ranked(text: str, k: int = 10) -> list[str]:
    return [match.id for match in svc.current_matcher().query(text, k=k).matches]


def test_every_profile_is_found_first_by_its_own_name(app, db_session):
    from portal.services.service_areas import all_service_areas

    svc.forget_loaded_index()
    misses = {a.slug: _ranked(a.name, 3) for a in all_service_areas() if _ranked(a.name, 1) != [a.slug]}
    assert not misses


def test_every_alternative_title_finds_its_profile_in_the_top_three(app, db_session):
    from portal.services.service_areas import all_service_areas

    svc.forget_loaded_index()
    misses = [
        (area.slug, title, _ranked(title, 3))
        for area in all_service_areas()
        for title in area.field("alternative_titles")
        if area.slug not in _ranked(title, 3)
    ]
    assert not misses, f"{len(misses)} titles miss: {misses[:20]}"
