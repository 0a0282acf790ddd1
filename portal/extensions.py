"""Flask extensions, created unbound and initialised in create_app."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base class for every model."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
# Public pages, stored once for everyone (see portal.caching), and compression of what is sent.
page_store = Cache()
compress = Compress()


def worker_share(count: int, config: Mapping[str, Any]) -> int:
    """How many of ``count`` hits one worker may allow so that all workers together allow at most ``count``.

    Shared storage (Redis) counts for every worker at once, so each may allow the whole ``count``.
    In-memory storage counts per process, so the count is split between the ``WEB_CONCURRENCY``
    workers. A worker always allows at least one hit, so the bound holds while ``count`` is at
    least the number of workers.
    """
    if not str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
        return count
    return max(1, count // int(config.get("WEB_CONCURRENCY", 1)))


def shared_limit(count: int, per: str = "minute") -> Callable[[], str]:
    """A Flask-Limiter limit of ``count`` per ``per`` for the whole server, however many workers serve it."""

    def limit_for_this_worker() -> str:
        return f"{worker_share(count, current_app.config)} per {per}"

    return limit_for_this_worker
