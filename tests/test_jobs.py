"""The job queue: held until commit, run in an app context of its own, or on Redis by a real RQ worker."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask, current_app, g, has_app_context, request
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.jobs import JobError, enqueue, job_path, queue_for
from portal.mail import queue_message, send_pending
from portal.models import MatchFeedback, OutboxMessage
from tests.test_mail import TO, SmtpServer, free_port, make_app

WORKER_SECONDS = 90
# Settings a developer may have exported that would change what the worker process does.
PORTAL_SETTINGS = (
    "PORTAL_ENV",
    "DATABASE_URL",
    "REDIS_URL",
    "MAIL_URL",
    "MAIL_FROM",
    "JOBS_QUEUE",
    "PUBLIC_URL",
)

ran: list[dict[str, Any]] = []


def record_run(label: str, number: int) -> None:
    """A job: note what it was given and the context it ran in."""
    ran.append({"args": (label, number), "app_context": has_app_context(), "session": id(db.session())})


def record_feedback_row(stage: str) -> None:
    """A job that writes and commits, as real jobs do."""
    db.session.add(MatchFeedback(useful=True, stage=stage, confident=True))
    db.session.commit()


def fail_with_private_text() -> None:
    """A job that fails with personal data in its message."""
    raise RuntimeError(f"could not reach {TO}")


def enqueue_in_a_request() -> str:
    """A view as the portal writes them: change rows, queue a job, commit once."""
    g.marker = "the request's own"
    db.session.add(MatchFeedback(useful=True, stage="graduate", confident=True))
    enqueue(record_run, "from a request", 4)
    db.session.commit()
    # The job ran in a context of its own, which is gone again: this request's context is untouched.
    return f"{len(ran)} {g.marker} {request.path}"


@pytest.fixture(autouse=True)
def forget_runs() -> Iterator[None]:
    """Each test starts with no recorded runs."""
    ran.clear()
    yield
    ran.clear()


@pytest.fixture(scope="module")
def jobs_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a database of its own, where commits are real."""
    app = make_app(tmp_path_factory.mktemp("jobs") / "jobs.sqlite3")
    app.add_url_rule("/test-only/enqueue", "test_only_enqueue", enqueue_in_a_request)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_job_waits_for_the_commit_and_runs_in_an_app_context_of_its_own(jobs_app: Flask):
    with jobs_app.app_context():
        db.session.add(MatchFeedback(useful=True, stage="gcse", confident=True))
        db.session.flush()
        enqueue(record_run, "after commit", 1)
        enqueue("tests.test_jobs.record_run", "by path", 2)
        assert ran == [], "a job never runs before the work that queued it is committed"
        callers_session = id(db.session())
        db.session.commit()
    assert [run["args"] for run in ran] == [("after commit", 1), ("by path", 2)]
    assert all(run["app_context"] for run in ran)
    assert callers_session not in {run["session"] for run in ran}, "the job has a session of its own"


def test_a_job_queued_by_a_request_runs_right_after_its_commit(jobs_app: Flask):
    response = jobs_app.test_client().get("/test-only/enqueue")
    assert response.text == "1 the request's own /test-only/enqueue"
    assert [run["args"] for run in ran] == [("from a request", 4)]


def test_a_job_sees_the_rows_committed_before_it_and_commits_its_own(jobs_app: Flask):
    stage = f"stage-{secrets.token_hex(4)}"
    with jobs_app.app_context():
        db.session.add(MatchFeedback(useful=False, stage="ks3", confident=True))
        enqueue(record_feedback_row, stage)
        db.session.commit()
        assert db.session.scalars(select(MatchFeedback.stage).where(MatchFeedback.stage == stage)).all() == [
            stage
        ]


def test_a_rolled_back_transaction_drops_its_jobs(jobs_app: Flask):
    with jobs_app.app_context():
        db.session.add(MatchFeedback(useful=True, stage="gcse", confident=True))
        db.session.flush()
        enqueue(record_run, "rolled back", 1)
        db.session.rollback()
        db.session.commit()
    assert ran == []


def test_releasing_a_savepoint_is_not_the_commit(jobs_app: Flask):
    with jobs_app.app_context():
        db.session.add(MatchFeedback(useful=True, stage="gcse", confident=True))
        with db.session.begin_nested():
            enqueue(record_run, "inside a savepoint", 1)
        assert ran == []
        db.session.commit()
    assert [run["args"] for run in ran] == [("inside a savepoint", 1)]


def test_with_no_transaction_open_a_job_runs_at_once(jobs_app: Flask):
    with jobs_app.app_context():
        enqueue(record_run, "now", 3)
        assert [run["args"] for run in ran] == [("now", 3)]


def test_a_failing_job_is_logged_by_kind_only_and_spares_the_commit(
    jobs_app: Flask, capsys: pytest.CaptureFixture[str]
):
    with jobs_app.app_context():
        db.session.add(MatchFeedback(useful=True, stage="post16", confident=True))
        enqueue(fail_with_private_text)
        db.session.commit()
        assert db.session.scalars(select(MatchFeedback).where(MatchFeedback.stage == "post16")).first()
    logged = capsys.readouterr().err
    assert "job tests.test_jobs.fail_with_private_text failed in-process (RuntimeError)" in logged
    assert TO not in logged


def test_jobs_must_be_importable_functions_with_plain_json_arguments(jobs_app: Flask):
    def nested() -> None:
        """Not importable."""

    with jobs_app.app_context():
        for function in (lambda: None, nested, SmtpServer.start, "tests.test_jobs.no_such_job", "record_run"):
            with pytest.raises(JobError):
                enqueue(function)
        for arguments in ((object(),), ((1, 2),), (float("nan"),), ({1: "a"},)):
            with pytest.raises(JobError, match="JSON"):
                enqueue(record_run, *arguments)
    assert job_path(record_run) == "tests.test_jobs.record_run"
    assert ran == []


def test_the_worker_needs_redis(jobs_app: Flask):
    result = jobs_app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output


@pytest.fixture
def queue_name(jobs_app: Flask, redis_url: str) -> Iterator[str]:
    """A queue of this test's own; its keys are deleted afterwards."""
    name = f"portal-test-{secrets.token_hex(8)}"
    yield name
    client = redis.Redis.from_url(redis_url)
    with jobs_app.app_context():
        jobs_app.config.update(REDIS_URL=redis_url, JOBS_QUEUE=name)
        for job_id in FailedJobRegistry(queue=queue_for(jobs_app)).get_job_ids():
            client.delete(f"rq:job:{job_id}")
    for key in client.scan_iter(match=f"rq:*{name}*"):
        client.delete(key)
    # A finished worker's own record would expire within a minute; ours go now.
    for key in client.scan_iter(match="rq:worker:*"):
        if client.hget(key, "queues") == name.encode():
            client.delete(key)
    client.srem("rq:queues", f"rq:queue:{name}")
    jobs_app.config.update(REDIS_URL=None, JOBS_QUEUE=None)


def run_worker(app: Flask, smtp: SmtpServer, redis_url: str, queue: str) -> subprocess.CompletedProcess[str]:
    """`flask --app wsgi jobs worker --burst` as operators run it, on the test's database and SMTP server."""
    env = {key: value for key, value in os.environ.items() if key not in PORTAL_SETTINGS}
    env.update(
        PORTAL_ENV="development",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=redis_url,
        MAIL_URL=smtp.url,
        PUBLIC_URL=app.config["PUBLIC_URL"],
    )
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    return subprocess.run(
        [*flask, "jobs", "worker", "--burst", "--queue", queue],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=WORKER_SECONDS,
        check=False,
    )


def test_with_redis_a_queued_message_waits_for_a_worker_which_sends_it_once(
    jobs_app: Flask, redis_url: str, queue_name: str, tmp_path: Path
):
    smtp = SmtpServer()
    smtp.start()
    jobs_app.config.update(REDIS_URL=redis_url, JOBS_QUEUE=queue_name, MAIL_URL=smtp.url)
    try:
        with jobs_app.app_context():
            queue = queue_for(jobs_app)
            message_id = queue_message(TO, "Queued on Redis", "Sent by a worker").id
            assert queue.count == 0, "nothing is queued before the commit"
            db.session.commit()
            assert queue.count == 1
        assert smtp.inbox.envelopes == [], "with Redis, the web process does not send"
        worker = run_worker(jobs_app, smtp, redis_url, queue_name)
        assert worker.returncode == 0, worker.stderr
        [message] = smtp.inbox.messages
        assert message["Subject"] == "Queued on Redis"
        assert smtp.inbox.envelopes[0].rcpt_tos == [TO]
        with jobs_app.app_context():
            assert queue.count == 0
            assert FailedJobRegistry(queue=queue).count == 0
            row = db.session.get_one(OutboxMessage, message_id)
            assert (row.status, row.attempts) == ("sent", 1)
            # Cron, running after the worker, finds nothing left to send.
            assert send_pending().sent == 0
        assert len(smtp.inbox.envelopes) == 1
        assert TO not in worker.stdout + worker.stderr, "the worker logs ids, not addresses"
    finally:
        smtp.stop()
        jobs_app.config.update(REDIS_URL=None, JOBS_QUEUE=None, MAIL_URL=None)


def test_with_redis_unreachable_the_job_runs_in_process_and_the_commit_stands(jobs_app: Flask):
    smtp = SmtpServer()
    smtp.start()
    # Nothing listens on this port, so pushing the job fails at once and the web process runs it instead.
    jobs_app.config.update(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", MAIL_URL=smtp.url)
    try:
        with jobs_app.app_context():
            message_id = queue_message(TO, "Redis is down", "Still sent").id
            db.session.commit()
            assert db.session.get_one(OutboxMessage, message_id).status == "sent"
            jobs_app.config["REDIS_URL"] = None
            result = current_app.test_cli_runner().invoke(args=["mail", "send-pending"])
        assert "0 sent" in result.output, result.output
        assert len(smtp.inbox.envelopes) == 1
    finally:
        smtp.stop()
        jobs_app.config.update(REDIS_URL=None, MAIL_URL=None)
