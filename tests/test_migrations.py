"""Migrations keep data: forward from a populated 0010 to head, and back down one revision at a time.

Each database here is the test's own (a SQLite file, or a PostgreSQL database on TEST_DATABASE_URL's
server), filled from the session's content database plus demonstration data and a row or more for
every kind of thing people make.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine, MetaData, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from portal.mail import queue_message
from portal.models import AdminGrant, MatchFeedback, ServiceArea
from portal.services.audit import record_audit
from portal.services.demo import seed_demo
from portal.services.saved_items import save_area
from tests.factories import make_candidate, make_organisation, make_user

FORWARD_FROM = "0010_audit_append_only"
# Rows a downgrade deletes on purpose, and how many of them must survive it: the matcher's versions
# have no files before 0003 (the next build makes them again), and demonstration tallies cannot be
# told from real ones before 0009 (`demo seed` makes them again).
SURVIVING_ROWS = {
    "0003_index_blobs": {"matching_index_version": "SELECT 0"},
    "0009_workforce": {"anonymous_tally": "SELECT count(*) FROM anonymous_tally WHERE NOT is_demo"},
}
# Downgrades that refuse while any of their KEPT_TABLES holds rows (people's data nothing can make again).
REFUSING = {"0002_matching", "0004_outbox", "0005_opportunities", "0008_candidates", "0009_workforce"}


@dataclass
class Databases:
    """Databases of this test's own on one server (or in one folder), dropped at the end."""

    directory: Path
    server_url: str | None = None
    created: list[str] = field(default_factory=list)

    def _admin(self) -> Engine:
        return create_engine(make_url(self.server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")

    def _create(self, name: str, template: str | None = None) -> str:
        database = f"portal_migrations_{secrets.token_hex(4)}_{name}"
        engine = self._admin()
        with engine.connect() as connection:
            suffix = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{database}"{suffix}'))
        engine.dispose()
        self.created.append(database)
        return make_url(self.server_url).set(database=database).render_as_string(hide_password=False)

    def new(self, name: str) -> str:
        """The URL of a new, empty database."""
        if self.server_url is None:
            return f"sqlite:///{self.directory / name}.sqlite3"
        return self._create(name)

    def copy(self, url: str, name: str) -> str:
        """The URL of a copy of the database at ``url`` (nothing may be connected to it)."""
        if self.server_url is None:
            target = self.directory / f"{name}.sqlite3"
            shutil.copyfile(make_url(url).database, target)
            return f"sqlite:///{target}"
        return self._create(name, template=make_url(url).database)

    def drop_all(self) -> None:
        """Drop every database made here."""
        if self.server_url is None:
            return
        engine = self._admin()
        with engine.connect() as connection:
            for database in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        engine.dispose()


def _portal(url: str, directory: Path) -> Flask:
    return create_app({"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "MAIL_OUTBOX_DIR": directory})


def _alembic(app: Flask) -> Config:
    with app.app_context():
        return app.extensions["migrate"].migrate.get_config()


def _revision(app: Flask) -> str | None:
    with app.app_context(), db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _upgrade(app: Flask, revision: str = "head") -> None:
    with app.app_context():
        command.upgrade(_alembic(app), revision)
        db.engine.dispose()


def _counts(engine: Engine) -> dict[str, int]:
    names = [name for name in inspect(engine).get_table_names() if name != "alembic_version"]
    with engine.connect() as connection:
        return {
            name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names
        }


def _rows(engine: Engine, tables: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of ``tables`` (name: columns), in a stable order."""
    metadata = MetaData()
    metadata.reflect(engine, only=list(tables))
    with engine.connect() as connection:
        return {
            name: sorted(
                (
                    tuple(row)
                    for row in connection.execute(select(*(metadata.tables[name].c[c] for c in columns)))
                ),
                key=repr,
            )
            for name, columns in tables.items()
        }


def _columns(engine: Engine) -> dict[str, list[str]]:
    inspector = inspect(engine)
    return {
        name: sorted(column["name"] for column in inspector.get_columns(name))
        for name in inspector.get_table_names()
        if name != "alembic_version"
    }


def _copy_rows(source: Engine, target: Engine) -> None:
    """Copy every row of every table the target has, in the columns both have, keeping ids."""
    source_meta, target_meta = MetaData(), MetaData()
    source_meta.reflect(source)
    target_meta.reflect(target)
    with source.connect() as reading, target.begin() as writing:
        for table in target_meta.sorted_tables:
            if table.name == "alembic_version" or table.name not in source_meta.tables:
                continue
            if writing.execute(select(func.count()).select_from(table)).scalar_one():
                writing.execute(table.delete())  # a row the migration itself made (public_generation)
            shared = [c.name for c in table.columns if c.name in source_meta.tables[table.name].c]
            rows = [
                dict(row._mapping)
                for row in reading.execute(select(*source_meta.tables[table.name].c[*shared]))
            ]
            if rows:
                writing.execute(table.insert(), rows)
            if target.dialect.name == "postgresql" and "id" in table.c and rows:
                # Ids were copied, so the sequence must move past them for the next insert.
                sequence = f"pg_get_serial_sequence('\"{table.name}\"', 'id')"
                writing.execute(text(f'SELECT setval({sequence}, max(id)) FROM "{table.name}"'))


def _add_what_people_make() -> None:
    """Demonstration data and at least one row of each kind of thing people and the national team make."""
    seed_demo(opportunities=30)
    organisation = make_organisation()
    owner = make_user(organisation)
    admin = make_user(is_admin=True)
    person = make_user()
    candidate = make_candidate()
    area = db.session.scalars(select(ServiceArea).order_by(ServiceArea.slug)).first()
    save_area(candidate, area)
    record_audit(
        admin, "approve", "organisation", organisation.id, reason="checked", after={"status": "approved"}
    )
    db.session.add(
        AdminGrant(
            user_id=person.id, requested_by_id=admin.id, reason="cover", requested_at=datetime.now(UTC)
        )
    )
    db.session.add(MatchFeedback(useful=True, stage="graduate", confident=True))
    queue_message(owner.email, "Welcome", "Hello")
    db.session.commit()


@pytest.fixture(scope="module")
def databases(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """Databases of the test's own, of the same kind as the session's app."""
    is_postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    made = Databases(
        tmp_path_factory.mktemp("migrations"), os.environ["TEST_DATABASE_URL"] if is_postgresql else None
    )
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def populated_head(app: Flask, databases: Databases) -> str:
    """A database at head holding the content, the matcher's index, demonstration data and people's rows."""
    url = databases.new("populated")
    portal = _portal(url, databases.directory)
    _upgrade(portal)
    content = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with portal.app_context():
        _copy_rows(content, db.engine)
        _add_what_people_make()
        db.session.remove()
        db.engine.dispose()
    content.dispose()
    return url


def test_upgrading_a_populated_database_from_0010_to_head_keeps_every_row(
    populated_head: str, databases: Databases
):
    old = _portal(databases.new("at_0010"), databases.directory)
    _upgrade(old, FORWARD_FROM)
    source = create_engine(populated_head)
    with old.app_context():
        _copy_rows(source, db.engine)
        tables = _columns(db.engine)
        before = _rows(db.engine, tables)
        db.engine.dispose()
    source.dispose()
    assert sum(len(rows) for rows in before.values()) > 1000, "the 0010 database is barely populated"
    assert before["candidate"] and before["audit_entry"] and before["admin_grant"], (
        "people's rows are missing"
    )

    upgraded = _portal(databases.copy(old.config["SQLALCHEMY_DATABASE_URI"], "upgraded"), databases.directory)
    _upgrade(upgraded)
    assert _revision(upgraded) == ScriptDirectory.from_config(_alembic(upgraded)).get_current_head()
    with upgraded.app_context():
        after = _rows(db.engine, tables)
        db.engine.dispose()
    for name in tables:
        assert len(after[name]) == len(before[name]), (
            f"{name}: {len(before[name])} rows before, {len(after[name])} after"
        )
        assert after[name] == before[name], f"{name}: rows changed on the way to head"


def _revisions_from_head(app: Flask) -> list[str]:
    return [script.revision for script in ScriptDirectory.from_config(_alembic(app)).walk_revisions()]


def _kept_tables(portal: Flask, revision: str) -> tuple[str, ...]:
    return ScriptDirectory.from_config(_alembic(portal)).get_revision(revision).module.KEPT_TABLES


def _delete_rows(engine: Engine, tables: tuple[str, ...]) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # One statement for all: the tables refer to each other both ways, so no order of DELETEs works.
            connection.execute(text("TRUNCATE " + ", ".join(f'"{name}"' for name in tables)))
            return
        metadata = MetaData()
        metadata.reflect(connection, only=list(tables))
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


def _downgrade_one(portal: Flask, revision: str) -> None:
    """Downgrade ``revision``; where it refuses, check that nothing changed, clear what it keeps, go on."""
    config = _alembic(portal)
    with portal.app_context():
        before = _counts(db.engine)
        surviving = {
            name: db.session.execute(text(sql)).scalar_one()
            for name, sql in SURVIVING_ROWS.get(revision, {}).items()
        }
        db.session.remove()
        if revision in REFUSING:
            kept = _kept_tables(portal, revision)
            assert any(before[name] for name in kept), (
                f"{revision}: nothing to protect, so the refusal is untested"
            )
            with pytest.raises(RuntimeError, match=f"refusing to downgrade {revision}"):
                command.downgrade(config, "-1")
            db.engine.dispose()
            assert _revision(portal) == revision, "a refused downgrade moved the revision"
            assert _counts(db.engine) == before, "a refused downgrade changed rows"
            # Deleting people's rows is the operator's own decision, made on purpose before a downgrade.
            _delete_rows(db.engine, kept)
            before = _counts(db.engine)
        command.downgrade(config, "-1")
        db.engine.dispose()
        after = _counts(db.engine)
        db.engine.dispose()
    for name, count in after.items():
        expected = surviving.get(name, before.get(name))
        assert count == expected, f"downgrading {revision}: {name} held {before.get(name)} rows, now {count}"


def test_every_downgrade_keeps_older_tables_rows_or_refuses_and_head_is_reached_again(
    populated_head: str, databases: Databases
):
    portal = _portal(databases.copy(populated_head, "downgraded"), databases.directory)
    revisions = _revisions_from_head(portal)
    assert revisions[-1] == "0001_content" and FORWARD_FROM in revisions
    for revision in revisions:
        assert _revision(portal) == revision
        _downgrade_one(portal, revision)
    assert _revision(portal) is None
    with portal.app_context():
        assert _counts(db.engine) == {}, "base still holds tables"
        db.engine.dispose()
    _upgrade(portal)
    assert _revision(portal) == revisions[0]
    with portal.app_context():
        assert {"service_area", "candidate", "audit_entry", "public_generation"} <= set(_counts(db.engine))
        db.engine.dispose()
