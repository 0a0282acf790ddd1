"""Class codes for teachers: make one, give it to a class, see the class's totals, close it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for

from portal.auth import current_membership, signed_in_user, teacher_required
from portal.caching import cached_page
from portal.extensions import db, limiter, shared_limit
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.schools.blueprint import bp
from portal.schools.forms import CloseClassForm, NewClassForm
from portal.services import classes
from portal.services.classes import CLASS_THRESHOLD, ClassCodeError

TOO_MANY = "You have made a lot of class codes in a short while. Wait a while, then try again."


def long_date(day: date) -> str:
    """A date as people write it: 3 January 2027."""
    return f"{day.day} {day:%B %Y}"


def _own_class(class_id: int) -> Any:
    class_code = classes.class_code_for_organisation(class_id, current_membership().organisation_id)
    if class_code is None:
        abort(404)
    return class_code


@bp.get("/for-teachers")
@cached_page
def for_teachers() -> str:
    """What teachers can do here, how a school gets an account, and how the five-student rule works."""
    return render_template("schools/for_teachers.html", threshold=CLASS_THRESHOLD)


@bp.get("/")
@teacher_required
def home() -> str:
    """The school's class codes, each with how many students have taken part."""
    membership = current_membership()
    return render_template(
        "schools/home.html",
        organisation=membership.organisation,
        listings=classes.class_codes_for_organisation(membership.organisation_id),
        threshold=CLASS_THRESHOLD,
        format_code=classes.format_code,
    )


@bp.route("/classes/new", methods=["GET", "POST"])
@teacher_required
@limiter.limit(shared_limit(30, "hour"), methods=["POST"], error_message=TOO_MANY)
@submitted_once
def new_class() -> Any:
    """Name a class and get its code."""
    form = NewClassForm()
    if form.validate_on_submit():
        membership = current_membership()
        try:
            class_code = classes.make_class_code(membership.organisation, signed_in_user(), form.label.data)
        except ClassCodeError as error:
            form.label.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Class code made. Give your students the code {classes.format_code(class_code.code)}.")
            return redirect(url_for("schools.class_summary", class_id=class_code.id))
    status = 400 if form.errors else 200
    return render_template("schools/new_class.html", form=form), status


@bp.get("/classes/<int:class_id>")
@teacher_required
def class_summary(class_id: int) -> str:
    """One class code: what to tell students, and the class's totals once five have taken part."""
    class_code = _own_class(class_id)
    stage_names = current_app.extensions["content_reference"].vocabulary["stages"]
    return render_template(
        "schools/class_summary.html",
        class_code=class_code,
        code=classes.format_code(class_code.code),
        summary=classes.class_summary(class_code, stage_names),
        threshold=CLASS_THRESHOLD,
        find_your_fit_url=absolute_url("explore.find_your_fit"),
        code_link=absolute_url("explore.find_your_fit", class_code=classes.format_code(class_code.code)),
        close_form=CloseClassForm(),
        as_of=long_date(date.today()),
    )


@bp.post("/classes/<int:class_id>/close")
@teacher_required
@submitted_once
def close_class(class_id: int) -> Any:
    """Stop taking answers with a code; the summary stays."""
    class_code = _own_class(class_id)
    form = CloseClassForm()
    if not form.validate():
        abort(400)
    classes.close_class_code(class_code)
    db.session.commit()
    flash("Class code closed. Students can no longer use it. The summary stays on this page.")
    return redirect(url_for("schools.class_summary", class_id=class_code.id))
