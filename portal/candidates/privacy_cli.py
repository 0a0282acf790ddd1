"""`flask privacy ...`: deleting what is no longer needed."""

from flask.cli import AppGroup

privacy_cli = AppGroup("privacy", help="Delete personal data that is no longer needed.")
