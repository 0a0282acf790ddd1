"""Typed SQLAlchemy models, one module per aggregate."""

from portal.models.content import EntryRoute, ServiceArea, ServiceAreaRoute

__all__ = ["EntryRoute", "ServiceArea", "ServiceAreaRoute"]
