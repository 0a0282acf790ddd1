"""`flask alerts ...`: sending the emails for saved searches."""

from flask.cli import AppGroup

alerts_cli = AppGroup("alerts", help="Email new listings to the people whose saved searches they match.")
