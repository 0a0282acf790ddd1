"""The candidates blueprint, which its route modules share."""

from flask import Blueprint

bp = Blueprint("candidates", __name__, url_prefix="/account")
