"""Admin console: audit_log (being built)."""

from portal.admin.blueprint import bp  # noqa: F401
