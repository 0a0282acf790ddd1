"""The public blueprint, which its route modules share."""

from flask import Blueprint

bp = Blueprint("public", __name__)
