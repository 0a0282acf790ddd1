"""Admin console: trusted (being built)."""

from portal.admin.blueprint import bp  # noqa: F401
