"""Every admin route: importing the modules adds their routes to the blueprint."""

from portal.admin import (
    approvals,  # noqa: F401
    audit_log,  # noqa: F401
    content_status,  # noqa: F401
    home,  # noqa: F401
    moderation,  # noqa: F401
    sign_in,  # noqa: F401
    trusted,  # noqa: F401
    users,  # noqa: F401
    workforce,  # noqa: F401
)
from portal.admin.blueprint import bp

__all__ = ["bp"]
