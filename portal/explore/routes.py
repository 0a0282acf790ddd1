"""'Find your fit': a person's own words in, suggested areas and ways in out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from portal.explore.forms import FeedbackForm, FindYourFitForm
from portal.extensions import db, limiter, shared_limit
from portal.links import absolute_url
from portal.services import feedback as feedback_service
from portal.services.entry_routes import STAGES, routes_for
from portal.services.matching import IndexUnavailableError
from portal.services.service_areas import service_areas_by_slugs
from portal.services.suggestions import MatchRequestError, parse_match_request, suggest

bp = Blueprint("explore", __name__)
RESULTS_SHOWN = 10


def _labels() -> dict[str, dict[str, str]]:
    return current_app.extensions["content_reference"].vocabulary


@bp.get("/find-your-fit")
def find_your_fit() -> str:
    """The empty form."""
    return render_template("explore/find_your_fit.html", form=FindYourFitForm().with_choices(_labels()))


@bp.post("/find-your-fit")
@limiter.limit(shared_limit(20))
def results() -> str | tuple[str, int]:
    """Suggestions for what was typed; the words are used for this answer only and never stored."""
    form = FindYourFitForm().with_choices(_labels())
    if not form.validate():
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
    share_url = absolute_url("explore.shared", areas=",".join(slugs[:5]), stage=match_request.stage or None)
    return render_template(
        "explore/results.html", answer=answer, share_url=share_url, feedback=feedback, form=form
    )


@bp.get("/find-your-fit/shared")
def shared() -> str:
    """A shared result: just the suggested areas and the stage, no words from the person."""
    slugs = [s for s in request.args.get("areas", "").split(",") if s][:5]
    stage = request.args.get("stage") if request.args.get("stage") in STAGES else None
    areas = service_areas_by_slugs(slugs)
    return render_template(
        "explore/shared.html",
        items=[(area, routes_for(area, stage)) for area in areas],
        stage=stage,
    )


@bp.post("/find-your-fit/feedback")
@limiter.limit(shared_limit(10))
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
