"""Every admin route: importing the modules adds their routes to the blueprint."""

from portal.admin import (
    approvals,  # noqa: F401
    home,  # noqa: F401
    moderation,  # noqa: F401
    sign_in,  # noqa: F401
)
from portal.admin.blueprint import bp

__all__ = ["bp"]
