"""Admin console: content_status (being built)."""

from portal.admin.blueprint import bp  # noqa: F401
