"""Configuration, read from the environment when the app is created."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
INSTANCE_DIR = PROJECT_ROOT / "instance"
ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """The environment does not hold what this configuration needs."""


def _shared(env: dict[str, str]) -> dict[str, Any]:
    redis_url = env.get("REDIS_URL")
    return {
        "SECRET_KEY": env.get("SECRET_KEY", "development-only-secret-key"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CONTENT_DIR": Path(env.get("CONTENT_DIR", PROJECT_ROOT / "content")),
        "MATCHING_INDEX_DIR": Path(env.get("MATCHING_INDEX_DIR", INSTANCE_DIR / "matching-index")),
        "REDIS_URL": redis_url,
        "MAIL_URL": env.get("MAIL_URL"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 3600,
        "PUBLIC_CACHE_SECONDS": int(env.get("PUBLIC_CACHE_SECONDS", "300")),
        "PREFERRED_URL_SCHEME": "https",
    }


def _development(env: dict[str, str]) -> dict[str, Any]:
    # Plain HTTP on localhost: Secure-only cookies would never be sent back.
    return {
        **_shared(env),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "PREFERRED_URL_SCHEME": "http",
    }


def _testing(env: dict[str, str]) -> dict[str, Any]:
    return {
        **_development(env),
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "RATELIMIT_ENABLED": False,
        "PUBLIC_CACHE_SECONDS": 0,
    }


def _production(env: dict[str, str]) -> dict[str, Any]:
    missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not env.get(name)]
    if missing:
        raise ConfigError(f"production needs these environment settings: {', '.join(missing)}")
    return _shared(env)


def load_config(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the settings for the environment named by PORTAL_ENV (default development)."""
    env = dict(os.environ if env is None else env)
    name = env.get("PORTAL_ENV", "development")
    builders = {"development": _development, "testing": _testing, "production": _production}
    if name not in builders:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    return {"PORTAL_ENV": name, **builders[name](env)}
