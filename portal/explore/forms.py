"""The 'Find your fit' form and the anonymous feedback form."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm, strip_text
from portal.services.classes import MAX_CODE_INPUT
from portal.services.entry_routes import STAGES
from portal.services.suggestions import MATTERS, MAX_TEXT


class FindYourFitForm(PortalForm):
    """Free text plus optional subjects, stage, what matters and a class code."""

    about = TextAreaField(
        "What do you enjoy, what are you curious about, what have you done?",
        validators=[
            DataRequired("Tell us something you enjoy, are curious about or have done"),
            Length(max=MAX_TEXT, message=f"Keep it to {MAX_TEXT} characters or fewer"),
        ],
    )
    subjects = SelectMultipleField("School subjects you enjoy", validators=[Optional()], choices=[])
    stage = RadioField("Where are you now?", validators=[Optional()], choices=[])
    matters = SelectMultipleField(
        "What matters to you?",
        validators=[Optional()],
        choices=[SelectChoice(key, label) for key, (label, _) in MATTERS.items()],
    )
    class_code = StringField(
        "Class code (if your teacher gave you one)",
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=MAX_CODE_INPUT, message="A class code has 8 letters and numbers, like ABCD-EFGH"),
        ],
    )

    def with_choices(self, labels: dict[str, dict[str, str]]) -> FindYourFitForm:
        """Fill the subject and stage choices from the content vocabulary."""
        self.subjects.choices = [SelectChoice(key, label) for key, label in labels["school_subjects"].items()]
        self.stage.choices = [SelectChoice(stage, labels["stages"][stage]) for stage in STAGES]
        return self


class FeedbackForm(PortalForm):
    """'Was this useful?': the answer and the context of the result, never the words typed."""

    useful = RadioField(
        "Was this useful?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[DataRequired("Choose yes or no")],
    )
    stage = HiddenField()
    top_slug = HiddenField()
    confident = HiddenField()
