"""Forms for the console's own pages: trusted organisations, administrators, and the lists' filters."""

from __future__ import annotations

from typing import Any

from flask import url_for
from wtforms import EmailField, Field, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError
from wtforms.widgets import HiddenInput

from portal.admin.account_forms import REASON_MAX, row_id
from portal.forms import EMAIL_MAX, PortalForm, no_invisible_characters, paragraph_text, strip_text

TRUST, STOP_TRUSTING = "trust", "stop"
SEARCH_MAX = 200
MAX_PAGE = 10_000
# A bidi override in the audit log would mislead whoever reads it.
plain_reason = no_invisible_characters("The reason must not contain invisible or control characters")


def reason_field(label: str, required: str | None) -> TextAreaField:
    """A reason for the audit log: required (with the message ``required``) unless None, and bounded."""
    validators: list[Any] = [DataRequired(required)] if required else []
    validators += [
        Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX:,} characters or fewer"),
        plain_reason,
    ]
    return TextAreaField(label, filters=[paragraph_text], validators=validators)


def for_row(form: PortalForm, row: int | str | None) -> PortalForm:
    """Give the form's fields the ids they have in the row ``row`` of a page with one form a row."""
    if row is not None:
        for field in form:
            field.id = f"{field.name}-{row}"
    return form


class TrustForm(PortalForm):
    """Trust one approved organisation, or stop trusting it, saying why."""

    organisation_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(), row_id])
    change = HiddenField()
    reason = reason_field("Why?", "Say why: the reason goes into the audit log")

    def validate_change(self, field: Field) -> None:
        """One of the two buttons; the wanted state, so a second press changes nothing."""
        if field.data not in (TRUST, STOP_TRUSTING):
            raise ValidationError("Choose to trust the organisation or stop trusting it")


class RequestAdminForm(PortalForm):
    """Ask for someone with a staff account to become an administrator."""

    email = EmailField(
        "Their email address",
        filters=[strip_text],
        validators=[
            DataRequired("Enter the email address of their staff account"),
            Length(max=EMAIL_MAX, message=f"An email address is {EMAIL_MAX} characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
    )
    reason = reason_field(
        "Why do they need to be an administrator?",
        "Say why they need to be an administrator: the administrator who confirms it will read this",
    )


class ConfirmRequestForm(PortalForm):
    """Nothing but the CSRF token: the second administrator's confirmation."""


class CancelRequestForm(PortalForm):
    """Withdraw a waiting request, optionally saying why."""

    reason = reason_field("Why are you cancelling it? (optional)", None)


class RemoveAdminForm(PortalForm):
    """Take away someone's administrator rights, saying why."""

    reason = reason_field("Why are you removing their administrator rights?", "Say why you are removing them")


def _page_number(form: PortalForm, field: Field) -> None:
    if field.data and not (field.data.isdigit() and 1 <= int(field.data) <= MAX_PAGE):
        raise ValidationError(f"Enter a page number from 1 to {MAX_PAGE:,}")


class _ListForm(PortalForm):
    """A GET form that narrows a list: no CSRF token (it changes nothing), and a page number."""

    class Meta(PortalForm.Meta):
        """Read from the query string; a search changes nothing, so it needs no token."""

        csrf = False

    page = StringField("Page", filters=[strip_text], validators=[Length(max=10), _page_number])

    def page_number(self) -> int:
        """The page asked for, or the first when none (or a wrong one) was given."""
        return int(self.page.data) if self.page.data and not self.page.errors else 1


class SearchForm(_ListForm):
    """A search by name or email address."""

    q = StringField(
        "Search",
        filters=[strip_text],
        validators=[Length(max=SEARCH_MAX, message=f"Search for {SEARCH_MAX} characters or fewer")],
    )

    def search(self) -> str | None:
        """What to search for, when it passed its checks."""
        return self.q.data if self.q.data and not self.q.errors else None


class AuditFilterForm(_ListForm):
    """One action and one kind of record, from those the log holds."""

    action = SelectField("Action", validate_choice=False)
    target_type = SelectField("Kind of record", validate_choice=False)

    def offer(self, actions: list[str], target_types: list[str]) -> AuditFilterForm:
        """Offer the actions and kinds of record the log holds."""
        self.action.choices = [(a, a) for a in actions]
        self.target_type.choices = [(t, t) for t in target_types]
        # The ids the filter-select macro gives its selects, so the error summary links to them.
        self.action.id, self.target_type.id = "filter-action", "filter-target_type"
        return self

    def _choose(self, field: SelectField, message: str) -> None:
        if field.data and field.data not in {value for value, _ in field.choices or []}:
            raise ValidationError(message)

    def validate_action(self, field: SelectField) -> None:
        """An action the log holds."""
        self._choose(field, "Choose an action from the list")

    def validate_target_type(self, field: SelectField) -> None:
        """A kind of record the log names."""
        self._choose(field, "Choose a kind of record from the list")

    def chosen(self, field: SelectField) -> str | None:
        """The value chosen, when it passed its checks."""
        return field.data if field.data and not field.errors else None


def page_links(page: int, pages: int, endpoint: str, **args: Any) -> dict[str, Any] | None:
    """Parameters for the NHS.UK pagination macro: numbered pages near the current one, with gaps."""
    if pages <= 1:
        return None
    kept = {key: value for key, value in args.items() if value}

    def href(number: int) -> str:
        return url_for(endpoint, **kept, **({"page": number} if number > 1 else {}))

    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items: list[dict[str, Any]] = []
    for number in wanted:
        if items and number - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append({"number": number, "href": href(number), "current": number == page})
    params: dict[str, Any] = {"items": items}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params
