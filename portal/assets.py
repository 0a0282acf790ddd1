"""Static files: fingerprinted, compressed and served by WhiteNoise. (Being written.)"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Serve static files; placeholder until the asset pipeline lands."""
