"""Typed SQLAlchemy models, one module per aggregate."""

from portal.models.audit import AdminGrant, AuditEntry
from portal.models.candidates import (
    AlertDelivery,
    AlertSubscription,
    AnonymousTally,
    AreaInterest,
    Candidate,
    ExpressionOfInterest,
    SavedArea,
    SavedListing,
)
from portal.models.content import EntryRoute, ServiceArea, ServiceAreaRoute
from portal.models.imports import ListingImport
from portal.models.matching import MatchFeedback, MatchingIndexFile, MatchingIndexVersion
from portal.models.opportunities import ListingReport, Opportunity, OpportunityArea, OpportunityEvent
from portal.models.organisations import Invitation, Membership, Organisation, RecoveryCode, User
from portal.models.outbox import OutboxMessage
from portal.models.public_pages import PublicGeneration
from portal.models.schools import ClassCode, ClassResponse
from portal.models.submissions import FormSubmission

__all__ = [
    "AdminGrant",
    "AlertDelivery",
    "AlertSubscription",
    "AnonymousTally",
    "AreaInterest",
    "AuditEntry",
    "Candidate",
    "ClassCode",
    "ClassResponse",
    "EntryRoute",
    "ExpressionOfInterest",
    "FormSubmission",
    "Invitation",
    "ListingImport",
    "ListingReport",
    "MatchFeedback",
    "MatchingIndexFile",
    "MatchingIndexVersion",
    "Membership",
    "Opportunity",
    "OpportunityArea",
    "OpportunityEvent",
    "Organisation",
    "OutboxMessage",
    "PublicGeneration",
    "RecoveryCode",
    "SavedArea",
    "SavedListing",
    "ServiceArea",
    "ServiceAreaRoute",
    "User",
]
