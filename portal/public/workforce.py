"""The public workforce page: headline figures, so schools and trusts can see where help is needed."""

from portal.public.blueprint import bp  # noqa: F401
