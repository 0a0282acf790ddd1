"""Every candidates route: importing the modules adds their routes to the blueprint."""

from portal.candidates import (
    accounts,  # noqa: F401
    alerts,  # noqa: F401
    interest,  # noqa: F401
    saved,  # noqa: F401
    your_data,  # noqa: F401
)
from portal.candidates.blueprint import bp

__all__ = ["bp"]
