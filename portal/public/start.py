"""What to do next, stage by stage: things to do now, choices this year and the routes open."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template

from portal.caching import cached_page
from portal.public.blueprint import bp
from portal.services.entry_routes import STAGES, routes_for_stage
from portal.services.opportunity_filters import SearchFilters
from portal.services.opportunity_search import search_live_opportunities

SHOWN_OPPORTUNITIES = 3
FIT_GROUPS = (
    (1, "Direct next steps"),
    (2, "Good options"),
    (3, "Possible later"),
)


@dataclass(frozen=True)
class StageAdvice:
    """The fixed advice for one stage: its heading, a line about it, and what to do now and this year."""

    heading: str
    intro: str
    this_month: tuple[str, ...]
    this_year: tuple[str, ...]


# Each point rests on the entry-route facts behind content/entry-routes; dates and grades are only
# those the route files give, and the routes below the advice carry the detail.
ADVICE = {
    "ks3": StageAdvice(
        "Starting out in Year 7 to 9",
        "You do not need to choose a job yet. Now is the time to find out what healthcare scientists do "
        "and keep your options open.",
        (
            "Read three or four service area profiles and note which ones you would like to see for real.",
            "Ask your science teacher whether a STEM Ambassador (a volunteer who works in science) could "
            "visit your class.",
            "Look on your local NHS hospital's website for open days or science events for your age.",
        ),
        (
            "When you choose your GCSE options, keep science and maths. Many courses and apprenticeships "
            "later on ask for grade 4 or above in English and maths, and degrees often want a science too.",
            "Join a science, coding or engineering club if your school has one.",
        ),
    ),
    "gcse": StageAdvice(
        "Doing your GCSEs",
        "The choices you make in year 11 decide your next two years. There is more than one good way into "
        "healthcare science from here.",
        (
            "Try Find your fit and choose GCSE as your stage, to see which areas suit you.",
            "Ask your careers adviser to help you contact your local NHS trust about careers programmes or "
            "open days for your age group.",
            "Look up colleges near you that teach the Healthcare Science T Level, and put their open "
            "evenings in your diary.",
        ),
        (
            "Decide between A levels, a T Level, a BTEC or an apprenticeship. Healthcare science degrees are "
            "likely to ask for one or two sciences or maths at Level 3.",
            "If you want the T Level, apply during year 11. Each college sets its own closing date.",
            "Aim for grade 4 or above in English, maths and science. Many lab technician apprenticeships ask "
            "for 5 GCSEs at grade 4 or above, including English and maths.",
        ),
    ),
    "post16": StageAdvice(
        "Doing A levels, a T Level or a BTEC",
        "You can apply for a degree, look for an apprenticeship, or do both and keep your options open.",
        (
            "Ask your local NHS trust for a short placement or a day shadowing a healthcare scientist, and "
            "keep notes for your applications.",
            "Search for live apprenticeships and work experience that suit your stage.",
            "Compare healthcare science degree pathways on university websites and go to an open day.",
        ),
        (
            "Apply through UCAS in year 13 for healthcare science or biomedical science degrees. Check the "
            "UCAS website for this year's deadlines.",
            "Look out for apprenticeship adverts. Employers advertise them through the year, so there is no "
            "single national date.",
        ),
    ),
    "undergraduate": StageAdvice(
        "At university",
        "What you do now builds the experience that trainee posts and the Scientist Training Programme "
        "ask about.",
        (
            "Ask a hospital laboratory or clinic near your university if you can shadow staff for a day.",
            "Read the profiles for the specialisms you are studying towards, and check the entry rules for "
            "each.",
            "Talk to your university careers service about NHS healthcare science jobs.",
        ),
        (
            "In your final year, apply for the Scientist Training Programme when the national window opens, "
            "usually around December or January. It asks for a 1st or 2:1, or a 2:2 with a higher degree.",
            "Add any work experience and volunteering to your CV: applications ask you to list it.",
        ),
    ),
    "graduate": StageAdvice(
        "You have a degree",
        "A science degree opens trainee posts and the Scientist Training Programme. Check your degree "
        "against the rules for the specialism you want.",
        (
            "Check that your degree meets the entry rules for the specialism you want.",
            "Arrange a visit or shadowing day in that specialism, so you can describe real experience.",
            "Search for live trainee posts and jobs that suit graduates.",
        ),
        (
            "Apply for the Scientist Training Programme when the national window opens, usually around "
            "December or January.",
            "Look for trainee biomedical scientist posts and other trainee posts, which are advertised "
            "whenever departments have places.",
        ),
    ),
    "nhs-staff": StageAdvice(
        "Already working in the NHS",
        "Many healthcare scientists train while they work. Your employer may support you step by step.",
        (
            "Ask your manager to arrange a day with a healthcare science team in your own hospital.",
            "Look for internal vacancies in healthcare science departments in your trust.",
            "Ask the department manager which apprenticeships they support.",
        ),
        (
            "Ask whether your employer would nominate you for an in-service Scientist Training Programme "
            "post, so you can train while staying in your job.",
            "If you have worked for years at scientist level without being registered, look at the "
            "equivalence routes.",
        ),
    ),
    "career-changer": StageAdvice(
        "Changing career",
        "You can start in a paid support job, train as an apprentice, or use a degree you already have.",
        (
            "Try Find your fit and choose Changing career as your stage, to see which areas suit you.",
            "Contact the healthcare science department at your local hospital and ask about a shadowing day "
            "or open day.",
            "Search NHS Jobs for medical laboratory assistant or healthcare science assistant posts near "
            "you.",
        ),
        (
            "Apply for a support job or an apprenticeship. Employers advertise them through the year.",
            "If you have a science degree, check it against the Scientist Training Programme rules. With a "
            "2:2, a relevant master's or PhD can make you eligible.",
        ),
    ),
}


@bp.get("/start/")
@cached_page
def start() -> str:
    """Every stage, each linking to what to do next from there."""
    return render_template("public/start.html", stages=STAGES, advice=ADVICE)


@bp.get("/start/<stage>")
@cached_page
def start_stage(stage: str) -> str:
    """What a person at one stage can do this month and this year, and the routes open to them."""
    if stage not in ADVICE:
        abort(404)
    routes = routes_for_stage(stage)
    return render_template(
        "public/start_stage.html",
        stage=stage,
        advice=ADVICE[stage],
        groups=[(label, [r for r in routes if r.fit == fit]) for fit, label in FIT_GROUPS],
        # Cached with the page for up to PUBLIC_CACHE_SECONDS, like the profiles' listings.
        opportunities=search_live_opportunities(SearchFilters(stage=stage), per_page=SHOWN_OPPORTUNITIES),
        stages=STAGES,
    )
