"""The moderator's decision on a listing, and the outcome of a public report."""

from __future__ import annotations

from collections.abc import Mapping

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.forms import PortalForm
from portal.services.moderation import DECISIONS, REPORT_OUTCOMES
from portal.services.opportunities import REFERRAL_REASONS, REJECTION_REASONS

DETAIL_LENGTH = 1000


def _choices(options: Mapping[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in options.items()]


class DecisionForm(PortalForm):
    """Approve, refer back or reject, with a listed reason and, for "other", an explanation."""

    decision = RadioField("Your decision", choices=_choices(DECISIONS), validate_choice=False)
    referral_reason = RadioField(
        "If you refer it back, why?", choices=_choices(REFERRAL_REASONS), validate_choice=False
    )
    rejection_reason = RadioField(
        "If you reject it, why?", choices=_choices(REJECTION_REASONS), validate_choice=False
    )
    detail = TextAreaField("Explain to the poster (required for another reason)")

    def reason_code(self) -> str | None:
        """The reason that goes with the decision chosen."""
        if self.decision.data == "refer-back":
            return self.referral_reason.data
        if self.decision.data == "reject":
            return self.rejection_reason.data
        return None

    def check(self) -> bool:
        """Whether the decision is complete; otherwise each gap is put on its field."""
        self.validate()  # CSRF; the rules below say what is missing in the moderator's terms
        decision = self.decision.data
        if decision not in DECISIONS:
            self.decision.errors = ["Choose approve, refer back or reject"]
            return False
        reasons = {
            "refer-back": (self.referral_reason, REFERRAL_REASONS),
            "reject": (self.rejection_reason, REJECTION_REASONS),
        }
        if decision in reasons:
            field, choices = reasons[decision]
            if field.data not in choices:
                field.errors = ["Choose a reason from the list"]
            elif field.data == "other" and not (self.detail.data or "").strip():
                self.detail.errors = ["Explain the reason: the poster needs to know what to change"]
        if len(self.detail.data or "") > DETAIL_LENGTH:
            self.detail.errors = [f"Keep the explanation to {DETAIL_LENGTH:,} characters or fewer"]
        return not self.errors


class ReportForm(PortalForm):
    """What a moderator did about a public report."""

    outcome = RadioField("What happened?", choices=_choices(REPORT_OUTCOMES), validate_choice=False)
