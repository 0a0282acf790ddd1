"""Every macro wrapper escapes what it is given: hostile text goes in, only escaped text comes out."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import get_template_attribute
from jinja2 import nodes
from markupsafe import Markup
from wtforms import Form, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice

from portal.charts import PALETTE, Series, bar_chart, trend_chart
from portal.content.pay import PayBand, PayScales
from portal.templating import render_markdown
from portal.workforce_tables import NUMBER, TEXT, Cell, Column, Table

HOSTILE = '"><script>alert(1)</script>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
MACRO_DIR = Path(__file__).resolve().parents[1] / "templates" / "macros"


class HostileForm(Form):
    """A form whose label, choices and errors are all hostile."""

    chosen = SelectMultipleField(HOSTILE, choices=[SelectChoice(HOSTILE, HOSTILE)])
    typed = StringField(HOSTILE)


def _field():
    form = HostileForm(data={"typed": HOSTILE})
    form.chosen.errors = [HOSTILE]
    form.typed.errors = [HOSTILE]
    return form


def _history():
    return [
        SimpleNamespace(
            at=datetime(2030, 1, 1), by_moderator=False, actor_name=HOSTILE, action=HOSTILE, reason=HOSTILE
        )
    ]


def _area():
    return SimpleNamespace(slug=HOSTILE, name=HOSTILE, summary=HOSTILE)


def _plan():
    route = SimpleNamespace(
        slug=HOSTILE,
        name=HOSTILE,
        route={k: HOSTILE for k in ("length", "pay_while_training", "qualification")},
    )
    return [SimpleNamespace(route=route, fit=1, next_step=HOSTILE, area_note=HOSTILE)]


def _opportunity():
    organisation = SimpleNamespace(name=HOSTILE)
    return SimpleNamespace(
        id=1,
        title=HOSTILE,
        organisation=organisation,
        type_label=HOSTILE,
        town=HOSTILE,
        online=False,
        is_demo=True,
        closes_on=date(2030, 1, 31),
    )


# For each macro: arguments that put hostile text everywhere it prints something.
SAMPLES = {
    ("area-card.html", "area_card"): lambda: (_area(),),
    ("area-link-list.html", "area_link_list"): lambda: ([_area()],),
    ("breadcrumbs.html", "breadcrumbs"): lambda: ([{"href": "/x", "text": HOSTILE}],),
    ("choices.html", "choice_field"): lambda: (_field().chosen, HOSTILE),
    ("error-summary.html", "form_error_summary"): lambda: (_field(),),
    ("filter-select.html", "filter_select"): lambda: (
        HOSTILE,
        HOSTILE,
        [(HOSTILE, HOSTILE)],
        HOSTILE,
        {HOSTILE: HOSTILE},
    ),
    ("route-steps.html", "route_steps"): lambda: (_plan(),),
    ("route-steps.html", "route_requirements"): lambda: (
        {"entry_requirements": [HOSTILE], "when_to_apply": HOSTILE},
    ),
    ("rows.html", "rows"): lambda: ([(HOSTILE, HOSTILE)],),
    ("stage-form.html", "stage_form"): lambda: (HOSTILE, HOSTILE, [HOSTILE]),
    ("opportunity-summary.html", "opportunity_summary"): lambda: (_opportunity(), HOSTILE, HOSTILE),
    ("text-input.html", "text_input"): lambda: (_field().typed, "text", None, HOSTILE),
    ("listing-status.html", "listing_status"): lambda: (HOSTILE,),
    ("listing-status.html", "listing_history"): lambda: (_history(),),
    ("listing-status.html", "pending_status"): lambda: (HOSTILE,),
    ("pay.html", "band_pay"): lambda: (HOSTILE, _pay_scales()),
    ("pay.html", "pay_note"): lambda: (_pay_scales(),),
    ("outside-field.html", "outside_field"): lambda: (
        SimpleNamespace(name=HOSTILE, why=HOSTILE, learn_more_url="https://www.healthcareers.nhs.uk/"),
    ),
}


def _pay_scales():
    return PayScales(HOSTILE, "2025-04-01", HOSTILE, 37.5, HOSTILE, (PayBand("5", 1, 2),))


def _hostile_table():
    row = (Cell(HOSTILE, HOSTILE, slug=HOSTILE), Cell("5", 5, detail=HOSTILE))
    return Table("t", HOSTILE, (Column(HOSTILE, TEXT), Column(HOSTILE, NUMBER)), (row,), (HOSTILE,))


CHART_SAMPLES = {
    "bar_chart": lambda: (
        bar_chart([HOSTILE], [Series(HOSTILE, [3]), Series(HOSTILE, [None])]),
        "c",
        HOSTILE,
    ),
    "trend_chart": lambda: (trend_chart(HOSTILE, [HOSTILE, HOSTILE], [None, 7], partial=[False, True]), "t"),
    "data_table": lambda: (_hostile_table(), "d", HOSTILE),
    "csv_link": lambda: ("/x.csv", HOSTILE),
    "chart_with_table": lambda: (
        bar_chart([HOSTILE], [Series(HOSTILE, [1])]),
        _hostile_table(),
        "w",
        HOSTILE,
        "/x",
    ),
    "chart_patterns": lambda: (HOSTILE, PALETTE),
}
SAMPLES.update({("charts.html", name): sample for name, sample in CHART_SAMPLES.items()})
# Macros that print only their own fixed words, whatever they are given.
FIXED_WORDS = {("listing-status.html", "pending_status")}


def _macros_in_folder(app) -> set[tuple[str, str]]:
    found = set()
    for path in sorted(MACRO_DIR.glob("*.html")):
        source = path.read_text()
        found |= {(path.name, node.name) for node in app.jinja_env.parse(source).find_all(nodes.Macro)}
    return found


def test_every_macro_has_a_hostile_sample(app):
    assert _macros_in_folder(app) == set(SAMPLES), "add a hostile sample for each new macro"


@pytest.mark.parametrize(("template", "macro"), sorted(SAMPLES))
def test_each_macro_escapes_hostile_text(app, template, macro):
    with app.test_request_context():
        rendered = str(get_template_attribute(f"macros/{template}", macro)(*SAMPLES[(template, macro)]()))
    assert "<script>" not in rendered
    if (template, macro) in FIXED_WORDS:
        assert "alert(1)" not in rendered
    else:
        assert ESCAPED in rendered, f"{macro} printed none of its hostile text"


def test_markdown_from_content_is_the_only_markup_marked_safe():
    assert isinstance(render_markdown("**bold**"), Markup)
    portal = Path(__file__).resolve().parents[1] / "portal"
    marked = [p.name for p in portal.rglob("*.py") if "Markup(" in p.read_text()]
    assert marked == ["templating.py"]
    templates = Path(__file__).resolve().parents[1] / "templates"
    assert not [
        p.name for p in templates.rglob("*.html") if "| safe" in p.read_text() or "|safe" in p.read_text()
    ]
