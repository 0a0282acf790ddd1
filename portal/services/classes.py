"""Class codes: a teacher makes one, students type it into Find your fit, the teacher sees class totals.

A student gives no personal data: each answer keeps only the top suggestions' slugs and the stage,
under a keyed digest of a random value from the student's browser session, so one browser answering
again replaces its answer instead of counting twice.

What a class summary shows, and why nothing in it can be traced to one student:

1. Nothing below ``CLASS_THRESHOLD`` (5): until five students have taken part the summary is only
   the number taking part.
2. Steps of five. The figures come from the earliest ``5 * (n // 5)`` answers (an answer given again
   goes to the back), so they change only when five more students have answered. A teacher who
   watches the summary while students answer one at a time cannot see any one student's answer as
   a difference between two views: the summary with 6, 7, 8 or 9 students is the summary with 5.
   Closing a code does not change this, or the last few answers would show as the difference.
   One limit is left: when the number taking part is a whole step (10, say), a student who answers
   again is still counted and their new answer replaces the old one at once; the teacher does not
   see who answered again, and every row shown is still 5 or more.
3. No count below 5. Top areas lists only areas that 5 or more students had among their top three
   suggestions; fewer are not listed at all, and that table has no total.
4. No subtraction. The divisions table (each student's first suggestion) and the stages table
   (each student's stage, or not given) each divide the students counted, so their rows add up to
   that number, which the page shows. A row of 5 or more is shown by name. Every other row goes into
   one "Other ... together" row. If those other rows come to 1 to 4, showing every named row and the
   total would give that small number away by subtraction, so the smallest named row joins them too
   (complementary suppression) and the "Other" row is then always 5 or more. The label is the same
   either way, so it does not say which happened. What the named rows leave over is therefore 0 or
   at least 5, and spread over at least two rows, so no single row of fewer than 5 can be worked out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import ClassCode, ClassResponse, Organisation, ServiceArea, User
from portal.models.schools import CLASS_THRESHOLD
from portal.services.entry_routes import STAGES
from portal.services.service_areas import DIVISIONS

# No 0/O, 1/I/L: nothing a student can misread from a board or a printed sheet.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_CODE_INPUT = 30
LABEL_LENGTH = 60
MAX_OPEN_CODES = 100
AREAS_KEPT = 3
TOP_AREAS_SHOWN = 10
OTHER, NOT_GIVEN, NO_SUGGESTION = "other", "not-given", "no-suggestion"
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

__all__ = ["CLASS_THRESHOLD", "ClassCodeError", "ClassSummary", "SummaryRow"]


class ClassCodeError(ValueError):
    """A class code cannot be used or made; the message says why, for a person to read."""


@dataclass(frozen=True)
class SummaryRow:
    """One row of a summary table: what it counts, its name, and how many students (always 5 or more)."""

    key: str
    name: str
    count: int


@dataclass(frozen=True)
class ClassFigures:
    """The class's figures, from ``counted`` students (a multiple of 5)."""

    counted: int
    top_areas: list[SummaryRow]
    divisions: list[SummaryRow]
    stages: list[SummaryRow]


@dataclass(frozen=True)
class ClassSummary:
    """How many have taken part, and the figures once at least ``CLASS_THRESHOLD`` have (else None)."""

    participants: int
    figures: ClassFigures | None

    @property
    def still_needed(self) -> int:
        """How many more students must take part before anything is shown."""
        return max(0, CLASS_THRESHOLD - self.participants)


@dataclass(frozen=True)
class ClassListing:
    """A class code with the number of students who have answered with it."""

    class_code: ClassCode
    participants: int


def _now() -> datetime:
    return datetime.now(UTC)


def normalise_code(text: str) -> str:
    """A code as typed (any case, with or without the hyphen, spaces around) in its stored form."""
    return _SEPARATORS.sub("", text or "").upper()


def format_code(code: str) -> str:
    """A code as people read it: ABCD-EFGH."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == CODE_LENGTH else code


def participant_digest(browser_value: str, secret_key: str | bytes, class_code_id: int) -> str:
    """The keyed digest stored for one browser in one class; different in every class, never reversible."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    message = f"{class_code_id}:{browser_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def clean_label(text: str) -> str:
    """A label as plain text: control and direction characters removed, spaces squeezed."""
    return " ".join(_CONTROL.sub("", text or "").split())


def _new_code() -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(select(ClassCode.id).where(ClassCode.code == code)) is None:
            return code
    raise RuntimeError("could not find an unused class code")


def make_class_code(organisation: Organisation, author: User, label: str) -> ClassCode:
    """A new open class code for ``organisation``, labelled by the teacher."""
    label = clean_label(label)
    if not label:
        raise ClassCodeError("Enter a name for the class")
    if len(label) > LABEL_LENGTH:
        raise ClassCodeError(f"The class name must be {LABEL_LENGTH} characters or fewer")
    open_codes = db.session.scalar(
        select(func.count(ClassCode.id)).where(
            ClassCode.organisation_id == organisation.id, ClassCode.closed_at.is_(None)
        )
    )
    if (open_codes or 0) >= MAX_OPEN_CODES:
        raise ClassCodeError(f"Your school has {MAX_OPEN_CODES} open class codes: close some first")
    class_code = ClassCode(
        code=_new_code(), organisation=organisation, created_by_id=author.id, label=label, created_at=_now()
    )
    db.session.add(class_code)
    db.session.flush()
    return class_code


def find_open_code(text: str) -> ClassCode:
    """The open class code ``text`` names; ClassCodeError says plainly what is wrong otherwise."""
    code = normalise_code(text)
    found = None
    if 0 < len(code) <= CODE_LENGTH + 4:
        found = db.session.scalar(select(ClassCode).where(ClassCode.code == code))
    if found is None:
        raise ClassCodeError(
            "We cannot find that class code. Check it with your teacher: it has 8 letters and numbers, "
            "like ABCD-EFGH. Or leave the box empty to see your suggestions without one"
        )
    if found.closed_at is not None:
        raise ClassCodeError(
            "That class code is closed, so your teacher is no longer collecting answers with it. "
            "Leave the box empty to see your suggestions without it"
        )
    return found


def record_response(
    class_code: ClassCode,
    browser_value: str,
    secret_key: str | bytes,
    stage: str | None,
    area_slugs: Sequence[str],
) -> ClassResponse:
    """Keep one student's top areas and stage under the class code; the same browser again replaces it."""
    if class_code.closed_at is not None:
        raise ClassCodeError("That class code is closed")
    participant = participant_digest(browser_value, secret_key, class_code.id)
    values = {
        "stage": stage if stage in STAGES else None,
        "area_slugs": [slug for slug in area_slugs if isinstance(slug, str)][:AREAS_KEPT],
        # The time of the latest answer: an answer given again goes to the back (see the module notes).
        "created_at": _now(),
    }
    existing = _response_for(class_code.id, participant)
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = ClassResponse(class_code_id=class_code.id, participant=participant, **values)
                db.session.add(existing)
            return existing
        except IntegrityError:
            # The same browser answering twice at once: the other request's row is the one to replace.
            existing = _response_for(class_code.id, participant)
            if existing is None:
                raise
    for name, value in values.items():
        setattr(existing, name, value)
    db.session.flush()
    return existing


def _response_for(class_code_id: int, participant: str) -> ClassResponse | None:
    return db.session.scalar(
        select(ClassResponse).where(
            ClassResponse.class_code_id == class_code_id, ClassResponse.participant == participant
        )
    )


def close_class_code(class_code: ClassCode) -> ClassCode:
    """Stop taking answers with the code; its summary stays for the teacher."""
    if class_code.closed_at is None:
        class_code.closed_at = _now()
        db.session.flush()
    return class_code


def class_code_for_organisation(class_id: int, organisation_id: int) -> ClassCode | None:
    """One of the organisation's own class codes, or None (another school's code is not theirs)."""
    class_code = db.session.get(ClassCode, class_id)
    if class_code is None or class_code.organisation_id != organisation_id:
        return None
    return class_code


def class_codes_for_organisation(organisation_id: int) -> list[ClassListing]:
    """The organisation's class codes with how many students answered, open ones first, newest first."""
    answered = (
        select(ClassResponse.class_code_id, func.count(ClassResponse.id).label("n"))
        .group_by(ClassResponse.class_code_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ClassCode, func.coalesce(answered.c.n, 0))
        .outerjoin(answered, answered.c.class_code_id == ClassCode.id)
        .where(ClassCode.organisation_id == organisation_id)
        .order_by(ClassCode.closed_at.is_not(None), ClassCode.created_at.desc(), ClassCode.id.desc())
    )
    return [ClassListing(class_code, int(count)) for class_code, count in rows]


def participants_in(class_code: ClassCode) -> int:
    """How many students have answered with the code."""
    count = db.session.scalar(
        select(func.count(ClassResponse.id)).where(ClassResponse.class_code_id == class_code.id)
    )
    return int(count or 0)


def class_summary(class_code: ClassCode, stage_names: Mapping[str, str]) -> ClassSummary:
    """What the teacher may see of the class: only the number until 5 take part, then the figures."""
    participants = participants_in(class_code)
    if participants < CLASS_THRESHOLD:
        return ClassSummary(participants, None)
    counted = CLASS_THRESHOLD * (participants // CLASS_THRESHOLD)
    answers = list(
        db.session.execute(
            select(ClassResponse.stage, ClassResponse.area_slugs)
            .where(ClassResponse.class_code_id == class_code.id)
            .order_by(ClassResponse.created_at, ClassResponse.id)
            .limit(counted)
        )
    )
    return ClassSummary(participants, _figures(answers, stage_names))


def _figures(answers: Sequence[tuple[str | None, list[str]]], stage_names: Mapping[str, str]) -> ClassFigures:
    slug_lists = [list(dict.fromkeys(slugs or []))[:AREAS_KEPT] for _, slugs in answers]
    areas = {
        slug: (name, division)
        for slug, name, division in db.session.execute(
            select(ServiceArea.slug, ServiceArea.name, ServiceArea.division).where(
                ServiceArea.slug.in_(sorted({slug for slugs in slug_lists for slug in slugs}))
            )
        )
    }
    mentions = Counter(slug for slugs in slug_lists for slug in slugs if slug in areas)
    top_areas = sorted(
        (SummaryRow(slug, areas[slug][0], n) for slug, n in mentions.items() if n >= CLASS_THRESHOLD),
        key=lambda row: (-row.count, row.name.lower()),
    )[:TOP_AREAS_SHOWN]
    firsts = [areas[slugs[0]][1] if slugs and slugs[0] in areas else NO_SUGGESTION for slugs in slug_lists]
    others = sorted(set(firsts) - set(DIVISIONS) - {NO_SUGGESTION})
    division_names = {name: name for name in (*DIVISIONS, *others)}
    division_names[NO_SUGGESTION] = "No suggestion"
    stage_keys = [stage if stage in STAGES else NOT_GIVEN for stage, _ in answers]
    stage_labels = {stage: stage_names.get(stage, stage) for stage in STAGES} | {NOT_GIVEN: "Not given"}
    return ClassFigures(
        counted=len(answers),
        top_areas=top_areas,
        divisions=dividing_rows(Counter(firsts), division_names, "Other divisions together"),
        stages=dividing_rows(Counter(stage_keys), stage_labels, "Other stages together"),
    )


def dividing_rows(counts: Mapping[str, int], names: Mapping[str, str], other_name: str) -> list[SummaryRow]:
    """Rows for a table that divides the students, with every count under 5 hidden (rule 4 above).

    ``names`` lists every possible row in order, so a row never depends on which ones happen to be
    empty. The rows returned add up to the students counted and each is 5 or more.
    """
    order = {key: position for position, key in enumerate(names)}
    named = sorted(
        (key for key in names if counts.get(key, 0) >= CLASS_THRESHOLD),
        key=lambda key: (-counts[key], order[key]),
    )
    left_over = sum(counts.values()) - sum(counts[key] for key in named)
    if 0 < left_over < CLASS_THRESHOLD and named:
        # Complementary suppression: otherwise the total minus the named rows gives the small rows away.
        left_over += counts[named.pop()]
    rows = [SummaryRow(key, names[key], counts[key]) for key in named]
    if left_over >= CLASS_THRESHOLD:
        rows.append(SummaryRow(OTHER, other_name, left_over))
    return rows
