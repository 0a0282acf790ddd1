"""Lesson starters: a short classroom activity for each division, public and the same for everyone."""

from __future__ import annotations

from itertools import groupby

from flask import abort, current_app, render_template, request

from portal.caching import cached_page
from portal.content.lesson_starters import LessonStarter, LessonStarters, read_lesson_starters
from portal.schools.blueprint import bp
from portal.services import service_areas as area_service
from portal.services.service_areas import slugify

LESSON_STARTERS_KEY = "lesson_starters"


def lesson_starters_content() -> LessonStarters:
    """The lesson starters from content/, read on first use and kept for the life of the app."""
    # Like the reference files the templates use, the file ships with the code: one read per process.
    content = current_app.extensions.get(LESSON_STARTERS_KEY)
    if content is None:
        content = read_lesson_starters(current_app.config["CONTENT_DIR"])
        current_app.extensions[LESSON_STARTERS_KEY] = content
    return content


def _by_division(starters: list[LessonStarter]) -> list[tuple[str, list[LessonStarter]]]:
    return [(division, list(items)) for division, items in groupby(starters, key=lambda s: s.division)]


@bp.get("/lesson-starters")
@cached_page
def lesson_starters() -> str:
    """Every lesson starter grouped by division, or only those for one school stage."""
    content = lesson_starters_content()
    asked = request.args.get("stage", "")
    # Only a known stage filters; anything else shows every starter and is never echoed back.
    stage = content.stage(asked)
    starters = content.for_stage(stage.code) if stage else list(content.starters)
    return render_template(
        "schools/lesson_starters.html",
        groups=_by_division(starters),
        stage=stage,
        stage_ignored=bool(asked) and stage is None,
        stages=content.stages,
        stage_labels={s.code: s for s in content.stages},
        total=len(content.starters),
    )


@bp.get("/lesson-starters/<division>")
@cached_page
def lesson_starter(division: str) -> str:
    """One division's lesson starter, ready to print, with links to the profiles it uses."""
    content = lesson_starters_content()
    starter = next((s for s in content.starters if slugify(s.division) == division), None) or abort(404)
    return render_template(
        "schools/lesson_starter.html",
        starter=starter,
        division=division,
        stage_labels={s.code: s for s in content.stages},
        areas=area_service.service_areas_by_slugs(list(starter.service_areas)),
    )
