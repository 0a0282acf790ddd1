"""Every admin route: importing the modules adds their routes to the blueprint."""

from portal.admin.blueprint import bp

__all__ = ["bp"]
