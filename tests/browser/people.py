"""The people and listings the browser tests sign in as and look at, beside the demonstration data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from hashlib import sha256
from pathlib import Path
from secrets import token_hex

from portal import create_app
from portal.auth import SCHOOL_KIND
from portal.extensions import db
from portal.models import ClassResponse
from portal.models.candidates import (
    AGE_16_17,
    WEEKLY,
    AlertSubscription,
    ExpressionOfInterest,
    SavedArea,
    SavedListing,
)
from portal.models.opportunities import REFERRED_BACK, SUBMITTED
from portal.models.organisations import EDITOR
from portal.services import classes, opportunities
from tests.factories import (
    PASSWORD,
    make_candidate,
    make_opportunity,
    make_organisation,
    make_user,
    now,
)

OWNER_EMAIL = "owner@northdale.example.org"
ADMIN_EMAIL = "moderator@example.org"
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REFERRED_TITLE = "Cardiac physiology apprenticeship"
SUBMITTED_TITLE = "Audiology work experience week"
__all__ = ["PASSWORD"]


def add_people_and_listings() -> None:
    """An owner with a submitted and a referred-back listing, and an administrator with a second factor."""
    trust = make_organisation(
        name="Northdale Teaching Hospitals NHS Trust", website="https://northdale.example.org"
    )
    make_user(trust, email=OWNER_EMAIL, name="Ada Owner")
    admin = make_user(email=ADMIN_EMAIL, name="Mo Derator", is_admin=True, totp_secret=ADMIN_TOTP_SECRET)
    closing = date.today() + timedelta(days=40)
    make_opportunity(
        trust,
        areas=("audiology",),
        status=SUBMITTED,
        type="work-experience",
        level="none",
        title=SUBMITTED_TITLE,
        stages=["gcse", "post16"],
        minimum_age=14,
        closes_on=closing,
        live_since=None,
    )
    referred = make_opportunity(
        trust,
        areas=("cardiac-science",),
        status=SUBMITTED,
        type="apprenticeship",
        apprenticeship_level=4,
        level="associate",
        title=REFERRED_TITLE,
        stages=["post16"],
        minimum_age=16,
        pay_kind="apprentice-wage",
        closes_on=closing,
        live_since=None,
    )
    opportunities.refer_back(
        referred, admin, "pay-unclear", "Say what the apprentice wage is in pounds an hour."
    )
    assert referred.status == REFERRED_BACK


# Rows a browser test adds for itself while the portal is running, so each test has its own people.
INTEREST_MESSAGE = (
    "I am doing A level biology and would love to see a hearing clinic.\nCan I come in the summer?"
)


@contextmanager
def rows_in_live_database(database_uri: str) -> Iterator[None]:
    """An application context on the running portal's database: rows made inside it are committed."""
    app = create_app({"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        try:
            yield
            db.session.commit()
        finally:
            db.session.remove()
            # The running portal shares the file: hold no connection to it between tests.
            db.engine.dispose()


def live_database_uri(base_temp: Path) -> str:
    """The running portal's SQLite database, kept in the test run's "browser" folder."""
    # pytest numbers the folder (browser0) and may point a "browsercurrent" link at it: count files once.
    found = sorted({path.resolve() for path in base_temp.glob("browser*/portal.sqlite3")})
    assert len(found) == 1, f"expected the live server's one database under {base_temp}, found {found}"
    return f"sqlite:///{found[0]}"


def add_candidate_with_saved_things(age_band: str = AGE_16_17) -> dict[str, str]:
    """A candidate who saved an area and a listing, expressed interest in a listing and saved a search."""
    trust = make_organisation(name="Eastfield Community Hospitals NHS Trust")
    saved_listing = make_opportunity(trust, areas=("neurophysiology",), title="Neurophysiology taster day")
    wanted = make_opportunity(
        trust,
        areas=("audiology",),
        title="Hearing clinic summer placement",
        apply_kind="portal",
        apply_url=None,
    )
    candidate = make_candidate(age_band)
    made = now()
    db.session.add_all(
        [
            SavedArea(candidate=candidate, service_area_slug="medical-physics", created_at=made),
            SavedListing(candidate=candidate, opportunity_id=saved_listing.id, created_at=made),
            ExpressionOfInterest(
                candidate=candidate,
                opportunity_id=wanted.id,
                message=INTEREST_MESSAGE,
                share_email=False,
                created_at=made,
            ),
            AlertSubscription(
                candidate=candidate,
                search={"service_area": "audiology", "type": ["work-experience"]},
                frequency=WEEKLY,
                created_at=made,
                confirmed_at=made,
                unsubscribe_token_hash=token_hex(32),
            ),
        ]
    )
    db.session.flush()
    return {
        "email": candidate.email,
        "saved_listing": saved_listing.title,
        "interest_listing": wanted.title,
        "organisation": trust.name,
    }


def add_listing_taking_interest() -> dict[str, str | int]:
    """A live listing that takes expressions of interest through the portal, its owner, and a candidate."""
    trust = make_organisation(name="Westmoor Hospitals NHS Trust")
    owner = make_user(trust, name="Wes Owner")
    listing = make_opportunity(
        trust, areas=("audiology",), title="Audiology clinic shadowing", apply_kind="portal", apply_url=None
    )
    candidate = make_candidate(AGE_16_17)
    return {
        "listing_id": listing.id,
        "title": listing.title,
        "organisation": trust.name,
        "owner_email": owner.email,
        "candidate_email": candidate.email,
    }


def add_class_with_responses(responses: list[tuple[str | None, list[str]]]) -> dict[str, str | int]:
    """A school's teacher (an editor, not an owner) and a class code answered by one student per response.

    Each response is the student's stage and their top service areas, best first.
    """
    school = make_organisation(name="Ridgeway Sixth Form College", kind=SCHOOL_KIND, town="Sheffield")
    teacher = make_user(school, role=EDITOR, name="Tess Teacher")
    class_code = classes.make_class_code(school, teacher, "Year 12 biology")
    started = now() - timedelta(hours=1)
    for number, (stage, area_slugs) in enumerate(responses):
        db.session.add(
            ClassResponse(
                class_code_id=class_code.id,
                # A distinct digest per student, as a browser session would give.
                participant=sha256(f"student-{class_code.id}-{number}".encode()).hexdigest(),
                stage=stage,
                area_slugs=area_slugs,
                created_at=started + timedelta(minutes=number),
            )
        )
    db.session.flush()
    return {"class_id": class_code.id, "teacher_email": teacher.email, "school": school.name}
