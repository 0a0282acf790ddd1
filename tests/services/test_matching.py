"""The portal's index: built once per fingerprint, stored in the database, loaded by any host or worker."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.models import MatchingIndexFile, MatchingIndexVersion
from portal.services import matching as svc

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ["hearing aids", "Audiologist", "I like fixing machines", "ECG", "CT scan", "audiolgy"]

# A second host: a fresh interpreter in another folder, sharing nothing with this one but the database.
_OTHER_HOST = """
import json, sys
from pathlib import Path
from portal import create_app
from portal.services.matching import current_matcher
index_dir = Path(sys.argv[2])
app = create_app({
    "PORTAL_ENV": "testing",
    "SQLALCHEMY_DATABASE_URI": sys.argv[1],
    "MATCHING_INDEX_DIR": index_dir,
    "SERVER_NAME": "localhost",
})
with app.app_context():
    matcher = current_matcher()
    answers = {text: [(m.id, m.score) for m in matcher.query(text, k=5).matches] for text in sys.argv[3:]}
print(json.dumps({"answers": answers, "index_dir_exists": index_dir.exists()}))
"""


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _answers() -> dict[str, list[list]]:
    matcher = svc.current_matcher()
    return {text: [[m.id, m.score] for m in matcher.query(text, k=5).matches] for text in QUERIES}


@pytest.fixture
def fresh_worker():
    """Make the next current_matcher() load from the database, and leave no copy behind for other tests."""
    svc.forget_loaded_index()
    yield
    svc.forget_loaded_index()


def test_building_again_from_the_same_content_reuses_the_index(app, db_session):
    versions, files = _count(db_session, MatchingIndexVersion), _count(db_session, MatchingIndexFile)
    version = svc.build_index(app.extensions["content_reference"].abbreviations)
    assert _count(db_session, MatchingIndexVersion) == versions
    assert _count(db_session, MatchingIndexFile) == files
    assert version.id == svc.latest_version().id


def test_a_version_without_stored_files_is_built_again(app, db_session):
    latest = svc.latest_version()
    # What a version recorded before the files moved into the database looks like after the migration.
    empty = MatchingIndexVersion(corpus_hash=latest.corpus_hash, document_count=latest.document_count)
    db_session.add(empty)
    db_session.flush()
    rebuilt = svc.build_index(app.extensions["content_reference"].abbreviations)
    assert rebuilt.id > empty.id
    assert "manifest.json" in svc.index_files(rebuilt)


def test_a_damaged_stored_index_is_built_again(app, db_session, fresh_worker):
    damaged = svc.latest_version()
    row = db_session.get(MatchingIndexFile, (damaged.id, "index-0.npz"))
    row.data = row.data[:-1]
    db_session.flush()
    rebuilt = svc.build_index(app.extensions["content_reference"].abbreviations)
    assert rebuilt.id > damaged.id
    assert svc.current_matcher().query("hearing aids").matches


def test_the_version_and_its_files_are_stored_in_one_transaction(app, db_session):
    abbreviations = {
        **app.extensions["content_reference"].abbreviations,
        "ZZQ": {"expansion": "a made-up test abbreviation"},
    }
    savepoint = db_session.begin_nested()
    version = svc.build_index(abbreviations)
    version_id = version.id
    files = svc.index_files(version)
    manifest = json.loads(files["manifest.json"])
    assert set(files) == {"manifest.json", *manifest["files"]}
    assert not [name for name in files if not name.endswith((".json", ".npz"))]
    rows = db_session.scalars(select(MatchingIndexFile).where(MatchingIndexFile.version_id == version_id))
    assert all(row.sha256 == hashlib.sha256(row.data).hexdigest() for row in rows)
    savepoint.rollback()
    assert db_session.get(MatchingIndexVersion, version_id) is None
    assert not db_session.scalars(
        select(MatchingIndexFile).where(MatchingIndexFile.version_id == version_id)
    ).first()


def test_changed_abbreviations_make_a_new_version_that_workers_switch_to(app, db_session, fresh_worker):
    abbreviations = dict(app.extensions["content_reference"].abbreviations)
    old = svc.current_matcher()
    abbreviations["ZZQ"] = {"expansion": "a made-up test abbreviation"}
    new_version = svc.build_index(abbreviations)
    assert new_version.id == svc.latest_version().id
    svc.forget_loaded_index()
    new = svc.current_matcher()
    assert new is not old
    assert new.corpus_hash_ == old.corpus_hash_  # same documents; only the settings changed
    assert "a made-up test abbreviation" in new.query("ZZQ").query_terms


def test_another_host_answers_from_the_database_alone(app, fresh_worker, tmp_path: Path):
    # Nothing of the index is on this host's disk: the builder wrote it to the database only.
    local = app.config.get("MATCHING_INDEX_DIR")
    if local is not None:
        assert not Path(local).exists() or not any(Path(local).iterdir())
    with app.app_context():
        expected = _answers()
    elsewhere = tmp_path / "another-host-index"
    completed = subprocess.run(
        [sys.executable, "-c", _OTHER_HOST, app.config["SQLALCHEMY_DATABASE_URI"], str(elsewhere), *QUERIES],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["answers"] == expected
    assert all(expected.values())
    assert report["index_dir_exists"] is False


def _stored(session, name: str) -> MatchingIndexFile:
    version = svc.latest_version()
    return session.get(MatchingIndexFile, (version.id, name))


def test_a_tampered_blob_is_refused(db_session, fresh_worker):
    row = _stored(db_session, "state.json")
    assert b"[3, 5]" in row.data
    row.data = row.data.replace(b"[3, 5]", b"[3, 4]")
    db_session.flush()
    with pytest.raises(svc.IndexUnavailableError, match=r"file state\.json .* does not match its checksum"):
        svc.current_matcher()


def test_a_tampered_blob_with_a_matching_row_checksum_is_refused_by_the_manifest(db_session, fresh_worker):
    row = _stored(db_session, "documents.json")
    row.data = row.data.replace(b"Audiology", b"Audiologz", 1)
    row.sha256 = hashlib.sha256(row.data).hexdigest()
    db_session.flush()
    with pytest.raises(svc.IndexUnavailableError, match=r"could not be loaded: checksum of documents\.json"):
        svc.current_matcher()


def test_a_version_without_files_is_unavailable_with_a_clear_message(db_session, fresh_worker):
    db_session.add(MatchingIndexVersion(corpus_hash="0" * 64, document_count=0))
    db_session.flush()
    with pytest.raises(svc.IndexUnavailableError, match="has no stored files: run `flask matching build`"):
        svc.current_matcher()


def test_documents_carry_the_weighted_fields(db_session):
    from portal.services.service_areas import get_service_area

    document = svc.area_document(get_service_area("audiology"))
    assert document.id == "audiology"
    assert "Audiologist" in document.fields["alternative_titles"]
    assert document.fields["name"] == "Audiology"


def _ranked(text: str, k: int = 10) -> list[str]:
    return [match.id for match in svc.current_matcher().query(text, k=k).matches]


def test_every_profile_is_found_first_by_its_own_name(app, db_session, fresh_worker):
    from portal.services.service_areas import all_service_areas

    misses = {a.slug: _ranked(a.name, 3) for a in all_service_areas() if _ranked(a.name, 1) != [a.slug]}
    assert not misses


def test_every_alternative_title_finds_its_profile_in_the_top_three(app, db_session, fresh_worker):
    from portal.services.service_areas import all_service_areas

    misses = [
        (area.slug, title, _ranked(title, 3))
        for area in all_service_areas()
        for title in area.field("alternative_titles")
        if area.slug not in _ranked(title, 3)
    ]
    assert not misses, f"{len(misses)} titles miss: {misses[:20]}"
