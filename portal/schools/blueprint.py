"""The schools blueprint, which its route modules share."""

from flask import Blueprint

bp = Blueprint("schools", __name__, url_prefix="/schools")
