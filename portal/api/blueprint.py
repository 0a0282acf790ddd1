"""The API blueprint, which its route modules share."""

from flask import Blueprint

bp = Blueprint("api", __name__)
