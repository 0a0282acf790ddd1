"""The smallest Flask app, served by gunicorn beside the portal as the baseline of the HTTP load figures.

Whatever it manages on this machine (one route, no templates, no database) is the ceiling for a sync
Flask worker here, so the portal's figures are read as a share of it rather than as absolute numbers.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """A fixed, tiny HTML body."""
    return "<!doctype html><title>Hello</title><h1>Hello, world</h1>"
