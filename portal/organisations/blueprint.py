"""The organisations blueprint, which its route modules share."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
