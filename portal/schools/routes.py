"""Every schools route: importing the modules adds their routes to the blueprint."""

from portal.schools import (
    classes,  # noqa: F401
    lessons,  # noqa: F401
)
from portal.schools.blueprint import bp

__all__ = ["bp"]
