"""Background jobs: on Redis through RQ when ``REDIS_URL`` is set, in-process after the commit otherwise.

A job that Redis cannot take (it is down or does not answer within its timeout) runs in-process too,
so the request that queued it still succeeds and the job is not lost.

A job is an importable module-level function taking JSON arguments (ids, not objects); it runs in an
app context of its own and commits its own work. ``enqueue`` inside a transaction holds the job until
that transaction commits (and drops it on rollback), so a job never looks for rows that are not there
yet. With Redis, run the worker with ``flask --app wsgi jobs worker`` (``--burst`` stops it once the
queues are empty).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
import redis
from flask import Flask, current_app
from flask.cli import AppGroup
from rq import Queue, Worker
from rq.serializers import JSONSerializer
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.extensions import db

logger = logging.getLogger(__name__)
DEFAULT_QUEUE = "portal"
PENDING_KEY = "portal.jobs.pending"
REDIS_TIMEOUT_SECONDS = 5
# Finished jobs are forgotten at once (their effects are in the database); failed ones stay a week.
FAILURE_TTL_SECONDS = 7 * 24 * 3600


class JobError(ValueError):
    """The job cannot be queued: not an importable function, or arguments that are not plain JSON."""


@dataclass(frozen=True)
class QueuedJob:
    """A function named by its dotted path and the arguments to call it with."""

    path: str
    args: list[Any]


@dataclass
class _WorkerState:
    """The app a worker process serves, kept for the jobs it runs (and the forks that run them)."""

    app: Flask | None = None
    pid: int | None = None


_worker = _WorkerState()


def resolve(path: str) -> Callable[..., Any]:
    """The function at ``path`` ("package.module.function"), imported."""
    module_name, _, name = path.rpartition(".")
    if not module_name or not name.isidentifier():
        raise JobError(f"{path!r} is not a dotted path such as 'portal.mail.outbox.send_message_job'")
    try:
        function = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError):
        raise JobError(f"{path!r} cannot be imported: jobs must be module-level functions") from None
    if not callable(function):
        raise JobError(f"{path!r} is not a function")
    return function


def job_path(function: Callable[..., Any] | str) -> str:
    """The dotted path of a module-level function, checked by importing it back."""
    if isinstance(function, str):
        resolve(function)
        return function
    path = f"{function.__module__}.{function.__qualname__}"
    if resolve(path) is not function:
        raise JobError(f"{path!r} does not import back to the same function")
    return path


def plain_arguments(args: tuple[Any, ...]) -> list[Any]:
    """``args`` as a list, refused unless JSON carries them unchanged (a worker sees only the JSON)."""
    try:
        carried = json.loads(json.dumps(list(args), allow_nan=False))
    except (TypeError, ValueError) as error:
        raise JobError(f"job arguments must be plain JSON (ids, not objects): {error}") from None
    if carried != list(args):
        raise JobError("job arguments must come back from JSON unchanged (lists, not tuples)")
    return carried


def enqueue(function: Callable[..., Any] | str, *args: Any) -> None:
    """Run ``function(*args)`` in the background once the open transaction commits (at once if none is)."""
    job = QueuedJob(job_path(function), plain_arguments(args))
    session = db.session()
    if session.in_transaction():
        session.info.setdefault(PENDING_KEY, []).append(job)
    else:
        dispatch(current_app._get_current_object(), job)


def dispatch(app: Flask, job: QueuedJob) -> None:
    """Hand one job to Redis, or run it here in an app context of its own (also when Redis is down)."""
    if app.config.get("REDIS_URL"):
        _push(app, job)
    else:
        _run_here(app, job)


def _push(app: Flask, job: QueuedJob) -> None:
    try:
        queue_for(app).enqueue_call(
            run_job, args=[job.path, *job.args], result_ttl=0, failure_ttl=FAILURE_TTL_SECONDS
        )
    except redis.RedisError as error:
        # The work that queued the job is already committed, so the job must still happen: run it
        # here, as without Redis. Mail is also kept in the outbox, so cron sends it if this fails too.
        logger.warning(
            "job %s could not be queued on Redis (%s): running it in-process", job.path, type(error).__name__
        )
        _run_here(app, job)


def _run_here(app: Flask, job: QueuedJob) -> None:
    try:
        with app.app_context():
            resolve(job.path)(*job.args)
    except Exception as error:  # a job's failure must not undo or break the work that queued it
        # The type only: an exception's text may carry personal data.
        logger.error("job %s failed in-process (%s)", job.path, type(error).__name__)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    # after_commit also fires when a savepoint is released; only the outermost commit counts.
    if session.in_nested_transaction():
        return
    jobs: list[QueuedJob] = session.info.pop(PENDING_KEY, [])
    if jobs:
        app = current_app._get_current_object()
        for job in jobs:
            dispatch(app, job)


@event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        dropped = session.info.pop(PENDING_KEY, [])
        if dropped:
            logger.info("%d job(s) dropped: their transaction did not commit", len(dropped))


def redis_for(app: Flask) -> redis.Redis:
    """One Redis client per app and URL, with timeouts so an unreachable Redis cannot hang a request."""
    clients: dict[str, redis.Redis] = app.extensions.setdefault("portal.jobs.redis", {})
    url = app.config["REDIS_URL"]
    if url not in clients:
        clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
    return clients[url]


def queue_for(app: Flask, name: str | None = None) -> Queue:
    """The RQ queue ``name`` (default ``JOBS_QUEUE``, else "portal"), carrying JSON rather than pickles."""
    queue_name = name or app.config.get("JOBS_QUEUE") or DEFAULT_QUEUE
    return Queue(queue_name, connection=redis_for(app), serializer=JSONSerializer)


def run_job(path: str, *args: Any) -> None:
    """Run one queued job inside the worker's app (the function RQ calls)."""
    app = _worker.app
    if app is None:
        raise RuntimeError("portal jobs run under `flask --app wsgi jobs worker`, which provides the app")
    with app.app_context():
        if os.getpid() != _worker.pid:
            # RQ forks a work horse per job: it must not use the parent's pooled database connections.
            db.engine.dispose(close=False)
        resolve(path)(*args)


jobs_cli = AppGroup("jobs", help="Run queued background jobs from Redis (needs REDIS_URL).")


@jobs_cli.command("worker")
@click.option("--queue", "queues", multiple=True, help="Queue to work on (default JOBS_QUEUE or 'portal').")
@click.option("--burst", is_flag=True, help="Stop once the queues are empty instead of waiting.")
def worker_command(queues: tuple[str, ...], burst: bool) -> None:
    """Work on the job queues in Redis until stopped (or, with --burst, until they are empty)."""
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without Redis jobs run in-process, with no worker")
    _worker.app, _worker.pid = app, os.getpid()
    names = list(queues) or [app.config.get("JOBS_QUEUE") or DEFAULT_QUEUE]
    worker = Worker(
        [queue_for(app, name) for name in names], connection=redis_for(app), serializer=JSONSerializer
    )
    worker.work(burst=burst, with_scheduler=False, logging_level="INFO")


def register_cli(app: Flask) -> None:
    """Add ``flask jobs worker``."""
    app.cli.add_command(jobs_cli)
