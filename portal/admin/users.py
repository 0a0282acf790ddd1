"""Admin console: users (being built)."""

from portal.admin.blueprint import bp  # noqa: F401
