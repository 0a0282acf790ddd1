"""Gunicorn settings, read by ``gunicorn wsgi:app`` from the project folder (and by `make run`).

Every setting is deliberate; the README's "Running in production" section explains them. HOST, PORT,
WEB_CONCURRENCY and FORWARDED_ALLOW_IPS come from the environment.
"""

from __future__ import annotations

import os
from typing import Any

from portal.gunicorn_logging import ACCESS_LOG_FORMAT, EscapingLogger


def _bind_address() -> str:
    host = os.environ.get("HOST", "127.0.0.1")
    if ":" in host:  # IPv6
        host = f"[{host.strip('[]')}]"
    return f"{host}:{os.environ.get('PORT', '8000')}"


def when_ready(server: Any) -> None:
    """Load the matcher index and the gazetteer once, in the master, before any worker forks."""
    from portal import warm_up

    warm_up(server.app.wsgi())


def post_fork(server: Any, worker: Any) -> None:
    """Tell the new worker how many workers share the in-memory rate limits."""
    # A `--workers` on the command line wins over WEB_CONCURRENCY; the app must divide by the real count.
    server.app.wsgi().config["WEB_CONCURRENCY"] = server.num_workers


bind = _bind_address()
# Sync workers: every request is short (the slowest, a match, takes milliseconds), and a sync worker
# holds one database connection at a time. Two per core suits this CPU-bound app.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# The app is built once in the master and the matcher index and gazetteer loaded there (when_ready),
# so a new worker starts in milliseconds with them in memory it shares with the others, instead of
# spending seconds loading them on its first requests. No database connection crosses the fork.
preload_app = True
# A request that takes longer than this is stuck, not slow: the worker is replaced.
timeout = 30
graceful_timeout = 20
# Behind a proxy the connection is reused; sync workers close it, so a short keep-alive is enough.
keepalive = 2
# Bounds on what a client may send before the app sees it (bodies are bounded by MAX_CONTENT_LENGTH).
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
# Each worker is replaced after 50,000 to 55,000 requests (jittered so they do not all restart at
# once), which bounds any slow growth in memory. Rarely: under load each replacement showed as a stall
# of about two seconds for the requests queued behind it (bench/README.md, "HTTP load").
max_requests = 50000
max_requests_jitter = 5000
# Only the proxy in front may say which client and scheme a request came from (X-Forwarded-For and
# X-Forwarded-Proto). Set FORWARDED_ALLOW_IPS to the proxy's address; by default only localhost.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
access_log_format = ACCESS_LOG_FORMAT
logger_class = EscapingLogger
# The control socket's default path is shared by every gunicorn of this user, and changing the worker
# count at run time would leave the in-memory rate limits divided by the old count.
control_socket_disable = True
