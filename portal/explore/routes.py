"""'Find your fit': a person's own words in, suggested areas and ways in out."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from portal.content.neighbouring import NeighbouringProfession
from portal.explore.forms import FeedbackForm, FindYourFitForm
from portal.extensions import db, limiter, shared_limit
from portal.forms import first_time_posted, submitted_once
from portal.links import absolute_url
from portal.services import classes, tallies
from portal.services import feedback as feedback_service
from portal.services.entry_routes import STAGES, routes_for
from portal.services.matching import IndexUnavailableError
from portal.services.service_areas import get_service_area, service_areas_by_slugs
from portal.services.suggestions import MatchRequestError, parse_match_request, suggest

bp = Blueprint("explore", __name__)
RESULTS_SHOWN = 10
# A random value per browser session, made only when a class code is first used: the class keeps a
# keyed digest of it, so one browser answering again replaces its answer instead of counting twice.
CLASS_PARTICIPANT_KEY = "class_participant"


def _labels() -> dict[str, dict[str, str]]:
    return current_app.extensions["content_reference"].vocabulary


def _professions() -> tuple[NeighbouringProfession, ...]:
    return current_app.extensions["content_reference"].professions


def _profession_id(outside_field: dict[str, str] | None) -> str | None:
    """The id of the neighbouring profession an answer named, for a share link to carry (never the words)."""
    if outside_field is None:
        return None
    return next((p.id for p in _professions() if p.name == outside_field["name"]), None)


def _code_from_link() -> str:
    """A class code given in the link a teacher shared, ready for the box; anything else is ignored."""
    code = classes.normalise_code(request.args.get("class_code", "")[: classes.MAX_CODE_INPUT])
    well_formed = len(code) == classes.CODE_LENGTH and all(ch in classes.CODE_ALPHABET for ch in code)
    return classes.format_code(code) if well_formed else ""


def _browser_value() -> str:
    value = session.get(CLASS_PARTICIPANT_KEY)
    if not isinstance(value, str) or len(value) < 32:
        value = secrets.token_urlsafe(32)
        session[CLASS_PARTICIPANT_KEY] = value
    return value


def _class_code_named(form: FindYourFitForm) -> tuple[Any, bool]:
    """The open class code the form names (None if none was typed), and whether what was typed is usable."""
    if not form.class_code.data or form.class_code.errors:
        return None, not form.class_code.errors
    try:
        return classes.find_open_code(form.class_code.data), True
    except classes.ClassCodeError as error:
        form.class_code.errors = [*form.class_code.errors, str(error)]
        return None, False


@bp.get("/find-your-fit")
def find_your_fit() -> str:
    """The empty form, with the class code a teacher's link carries and the stage a stage page names."""
    stage = request.args.get("stage") if request.args.get("stage") in STAGES else None
    form = FindYourFitForm(class_code=_code_from_link(), stage=stage).with_choices(_labels())
    return render_template("explore/find_your_fit.html", form=form)


@bp.post("/find-your-fit")
# A whole class may use it at once from behind one school address.
@limiter.limit(shared_limit(60))
def results() -> str | tuple[str, int]:
    """Suggestions for what was typed; the words are used for this answer only and never stored."""
    form = FindYourFitForm().with_choices(_labels())
    valid = form.validate()
    class_code, code_usable = _class_code_named(form)
    if not (valid and code_usable):
        return render_template("explore/find_your_fit.html", form=form), 400
    try:
        match_request = parse_match_request(
            {"q": form.about.data, "stage": form.stage.data, "limit": RESULTS_SHOWN},
            subjects=form.subjects.data or [],
            matters=form.matters.data or [],
        )
        answer = suggest(match_request, _labels()["school_subjects"])
    except MatchRequestError as error:
        form.about.errors.append(str(error))
        return render_template("explore/find_your_fit.html", form=form), 400
    except IndexUnavailableError:
        return render_template("explore/unavailable.html"), 503
    slugs = [s["slug"] for s in answer["suggestions"]]
    feedback = FeedbackForm(
        stage=match_request.stage or "",
        top_slug=slugs[0] if slugs else "",
        confident="yes" if answer["confident"] else "no",
    )
    share_url = absolute_url(
        "explore.shared",
        areas=",".join(slugs[:5]),
        stage=match_request.stage or None,
        beside=_profession_id(answer["outside_field"]),
    )
    # Only here, on the POST that works the answer out: the shared and cached pages never record.
    # The tally is which areas were suggested this week, nothing about who asked or what they typed.
    # A repeat of the same form (the back button, a reload) shows the answer again without counting it.
    if first_time_posted():
        tallies.add_to_tallies(tallies.SUGGESTED, slugs)
        if class_code is not None:
            classes.record_response(
                class_code, _browser_value(), current_app.config["SECRET_KEY"], match_request.stage, slugs
            )
        db.session.commit()
    return render_template(
        "explore/results.html",
        answer=answer,
        share_url=share_url,
        feedback=feedback,
        form=form,
        class_code=classes.format_code(class_code.code) if class_code is not None else None,
    )


@bp.get("/find-your-fit/open/<slug>")
# Each result links here: a class opening its results together comes from one school address.
@limiter.limit(shared_limit(120))
def open_suggestion(slug: str) -> Response:
    """Count one opening of a suggested area (anonymously, by week) and go on to its profile."""
    if get_service_area(slug) is None:
        abort(404)
    tallies.add_to_tally(tallies.OPENED, slug)
    db.session.commit()
    stage = request.args.get("stage") if request.args.get("stage") in STAGES else None
    return redirect(url_for("public.service_area", slug=slug, stage=stage), 303)


@bp.get("/find-your-fit/shared")
def shared() -> str:
    """A shared result: the suggested areas, the stage and any neighbouring profession, no words typed."""
    slugs = [s for s in request.args.get("areas", "").split(",") if s][:5]
    stage = request.args.get("stage") if request.args.get("stage") in STAGES else None
    areas = service_areas_by_slugs(slugs)
    beside = request.args.get("beside")
    return render_template(
        "explore/shared.html",
        items=[(area, routes_for(area, stage)) for area in areas],
        stage=stage,
        profession=next((p for p in _professions() if p.id == beside), None),
    )


@bp.post("/find-your-fit/feedback")
@limiter.limit(shared_limit(10))
@submitted_once
def feedback():
    """Store 'was this useful?' anonymously and thank the person."""
    form = FeedbackForm()
    if form.validate():
        feedback_service.record_feedback(
            useful=form.useful.data == "yes",
            stage=form.stage.data if form.stage.data in STAGES else None,
            top_slug=form.top_slug.data or None,
            confident=form.confident.data == "yes",
        )
        db.session.commit()
        flash("Thank you. Your answer helps us improve the suggestions.")
    else:
        flash("We could not save that answer. Please choose yes or no.")
    return redirect(url_for("explore.find_your_fit"))
