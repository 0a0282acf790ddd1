"""Finding opportunities: search, one listing, the feed and reports."""

from flask import Blueprint

bp = Blueprint("opportunities", __name__, url_prefix="/opportunities")
