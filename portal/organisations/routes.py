"""Every organisations route: importing the modules adds their routes to the blueprint."""

from portal.organisations.blueprint import bp

__all__ = ["bp"]
