"""Every organisations route: importing the modules adds their routes to the blueprint."""

from portal.organisations import (
    accounts,  # noqa: F401
    dashboard,  # noqa: F401
    imports,  # noqa: F401
    interest,  # noqa: F401
    listings,  # noqa: F401
    members,  # noqa: F401
    sign_in,  # noqa: F401
)
from portal.organisations.blueprint import bp

__all__ = ["bp"]
