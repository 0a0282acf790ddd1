"""The glossary of abbreviations and the accessibility statement."""

from __future__ import annotations

from itertools import groupby

from flask import current_app, render_template

from portal.caching import cached_page
from portal.public.blueprint import bp

STATEMENT_PREPARED = "1 December 2026"


def glossary_letters(abbreviations: dict[str, dict[str, str]]) -> list[tuple[str, list[tuple[str, dict]]]]:
    """Abbreviations A to Z, grouped under their first letter, ignoring case."""
    ordered = sorted(abbreviations.items(), key=lambda item: (item[0].upper(), item[0]))
    return [
        (letter, list(entries)) for letter, entries in groupby(ordered, key=lambda item: item[0][0].upper())
    ]


@bp.get("/glossary")
@cached_page
def glossary() -> str:
    """Every abbreviation the portal uses, what it stands for and what it means."""
    abbreviations = current_app.extensions["content_reference"].abbreviations
    return render_template(
        "public/glossary.html", letters=glossary_letters(abbreviations), total=len(abbreviations)
    )


@bp.get("/accessibility")
@cached_page
def accessibility() -> str:
    """How accessible the portal is, how it is tested, what is known to fall short and how to tell us."""
    return render_template("public/accessibility.html", prepared=STATEMENT_PREPARED)
