"""Configuration, read from the environment when the app is created."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[1]
INSTANCE_DIR = PROJECT_ROOT / "instance"
ENVIRONMENTS = ("development", "testing", "production")
KEY_FILE_NAME = "secret_key"
KEY_BYTES = 32
MIN_SECRET_LENGTH = 32
KIB = 1024
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
# How long a call to Redis may take before the portal carries on without it.
REDIS_TIMEOUT_SECONDS = 0.5

# Generated once per test process, so every app a test run creates signs alike.
_TESTING_KEY = secrets.token_hex(KEY_BYTES)

# Plain HTTP on localhost: Secure-only cookies would never be sent back.
_PLAIN_HTTP = {
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "PREFERRED_URL_SCHEME": "http",
}


class ConfigError(RuntimeError):
    """The environment does not hold what this configuration needs."""


def parse_flag(env: dict[str, str], name: str, default: bool) -> bool:
    """Read a yes/no setting such as ``RATELIMIT_ENABLED=false``; anything unclear is an error."""
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS | FALSE_WORDS:
        return value in TRUE_WORDS
    raise ConfigError(f"{name} must be true or false (or 1/0, yes/no, on/off), not {env[name]!r}")


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _count(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def parse_public_url(value: str) -> str:
    """Check that ``value`` is an http(s) origin and return it without a trailing slash."""
    origin = value.strip().rstrip("/")
    parts = urlsplit(origin)
    try:
        parts.port  # noqa: B018  (reading it is the check: urlsplit raises on a bad port)
    except ValueError:
        raise ConfigError(f"PUBLIC_URL has an invalid port: {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"PUBLIC_URL must be an http:// or https:// origin with a host, not {value!r}")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"PUBLIC_URL must be an origin such as https://careers.example.org, not {value!r}")
    return origin


def _development_public_url(env: dict[str, str]) -> str:
    host = env.get("HOST", "127.0.0.1")
    if ":" in host:  # an IPv6 address needs brackets in a URL
        host = f"[{host.strip('[]')}]"
    return f"http://{host}:{env.get('PORT', '8000')}"


def _trusted_hosts(env: dict[str, str], public_url: str) -> list[str]:
    listed = [host.strip().lower() for host in env.get("TRUSTED_HOSTS", "").split(",") if host.strip()]
    return [str(urlsplit(public_url).hostname), *listed]


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE_NAME}.")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_hex(KEY_BYTES) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        # link() never replaces an existing file: when workers race, the first key wins for all.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def instance_secret_key(instance_dir: Path) -> str:
    """The key kept in ``instance_dir``, made on first use (random, mode 0600) and reused after."""
    path = instance_dir / KEY_FILE_NAME
    if not path.exists():
        _write_new_key(path)
    key = path.read_text().strip()
    if len(key) < 2 * KEY_BYTES:
        raise ConfigError(f"{path} holds no usable key: delete it to make a new one, or set SECRET_KEY")
    return key


def _shared(env: dict[str, str], instance_dir: Path) -> dict[str, Any]:
    redis_url = env.get("REDIS_URL") or None
    return {
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL", f"sqlite:///{instance_dir / 'portal.sqlite3'}"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CONTENT_DIR": Path(env.get("CONTENT_DIR", PROJECT_ROOT / "content")),
        "REDIS_URL": redis_url,
        "MAIL_URL": env.get("MAIL_URL"),
        "MAIL_FROM": env.get("MAIL_FROM"),
        "MAIL_OUTBOX_DIR": env.get("MAIL_OUTBOX_DIR"),
        "JOBS_QUEUE": env.get("JOBS_QUEUE", "portal"),
        # Pages and API bodies are small; routes that take uploads set their own, larger limit.
        "MAX_CONTENT_LENGTH": 64 * KIB,
        # Endpoints that take a file, and the body each may send (the file plus room for the form).
        "UPLOAD_LIMITS": {"organisations.listing_import": 1024 * KIB + 64 * KIB},
        "MAX_FORM_MEMORY_SIZE": 16 * KIB,
        "MAX_FORM_PARTS": 100,
        "RATELIMIT_ENABLED": parse_flag(env, "RATELIMIT_ENABLED", default=True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", ""),
        # A moving window means "60 per minute" holds over any 60 seconds, not twice that across
        # the boundary of two fixed windows.
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # While Redis is unreachable each worker counts in its own memory (see README, "When Redis is
        # down"), and a dead Redis costs a request at most these timeouts, not a hang.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        },
        "WEB_CONCURRENCY": _positive_int(env, "WEB_CONCURRENCY", 2),
        # How many proxies in front may say who the client is (X-Forwarded-For) and over what scheme.
        "TRUSTED_PROXY_HOPS": _count(env, "TRUSTED_PROXY_HOPS", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 3600,
        "PUBLIC_CACHE_SECONDS": int(env.get("PUBLIC_CACHE_SECONDS", "300")),
        # Every stored page's key starts with this (never empty: clearing the cache deletes only these).
        "PAGE_CACHE_PREFIX": env.get("PAGE_CACHE_PREFIX") or "portal:page:",
        # How many pages with a query string each worker may newly store per PUBLIC_CACHE_SECONDS: any
        # visitor can invent query strings, so without a bound they could fill the shared store.
        "PAGE_CACHE_QUERY_PAGES": _count(env, "PAGE_CACHE_QUERY_PAGES", 200),
        # How long a browser or proxy may reuse a public page before asking again (with its ETag).
        "PUBLIC_MAX_AGE_SECONDS": int(env.get("PUBLIC_MAX_AGE_SECONDS", "60")),
        # How long a worker reuses the cells the workforce figures are built from.
        "WORKFORCE_CACHE_SECONDS": int(env.get("WORKFORCE_CACHE_SECONDS", "60")),
        "PREFERRED_URL_SCHEME": "https",
    }


def _development(env: dict[str, str], instance_dir: Path) -> dict[str, Any]:
    public_url = parse_public_url(env.get("PUBLIC_URL") or _development_public_url(env))
    return {
        **_shared(env, instance_dir),
        **_PLAIN_HTTP,
        "SECRET_KEY": env.get("SECRET_KEY") or instance_secret_key(instance_dir),
        "PUBLIC_URL": public_url,
        "TRUSTED_HOSTS": _trusted_hosts(env, public_url) if env.get("TRUSTED_HOSTS") else None,
    }


def _testing(env: dict[str, str], instance_dir: Path) -> dict[str, Any]:
    return {
        **_shared(env, instance_dir),
        **_PLAIN_HTTP,
        "TESTING": True,
        "SECRET_KEY": env.get("SECRET_KEY") or _TESTING_KEY,
        "PUBLIC_URL": "http://localhost",
        "TRUSTED_HOSTS": None,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "RATELIMIT_ENABLED": False,
        "PUBLIC_CACHE_SECONDS": 0,
        "WORKFORCE_CACHE_SECONDS": 0,
    }


def _production(env: dict[str, str], instance_dir: Path) -> dict[str, Any]:
    missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "PUBLIC_URL") if not env.get(name)]
    if missing:
        raise ConfigError(f"production needs these environment settings: {', '.join(missing)}")
    if len(env["SECRET_KEY"]) < MIN_SECRET_LENGTH:
        raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters, e.g. token_hex(32)")
    public_url = parse_public_url(env["PUBLIC_URL"])
    return {
        **_shared(env, instance_dir),
        "SECRET_KEY": env["SECRET_KEY"],
        "PUBLIC_URL": public_url,
        # Only requests naming our own host get through, so a forged Host header is a 400.
        "TRUSTED_HOSTS": _trusted_hosts(env, public_url),
    }


def instance_folder(env: dict[str, str]) -> Path:
    """The folder for this instance's own files: ``INSTANCE_DIR``, or ``instance/`` in the project."""
    return Path(env.get("INSTANCE_DIR") or INSTANCE_DIR).resolve()


def load_config(env: dict[str, str] | None = None, instance_dir: Path = INSTANCE_DIR) -> dict[str, Any]:
    """Build the settings for the environment named by PORTAL_ENV (default development)."""
    env = dict(os.environ if env is None else env)
    name = env.get("PORTAL_ENV", "development")
    builders = {"development": _development, "testing": _testing, "production": _production}
    if name not in builders:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    return {"PORTAL_ENV": name, **builders[name](env, Path(instance_dir))}
