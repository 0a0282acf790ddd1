"""The admin blueprint, which its route modules share."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
