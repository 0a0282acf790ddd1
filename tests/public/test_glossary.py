"""The glossary lists every abbreviation in content, A to Z, and every page links to it."""

from __future__ import annotations

import json

import yaml
from jsonschema import Draft202012Validator

from portal.content.files import CONTENT_DIR
from portal.public.glossary import glossary_letters

ABBREVIATIONS = yaml.safe_load((CONTENT_DIR / "abbreviations.yaml").read_text())["abbreviations"]


def test_abbreviations_file_matches_its_schema():
    schema = json.loads((CONTENT_DIR / "schema" / "abbreviations.schema.json").read_text())
    errors = [e.message for e in Draft202012Validator(schema).iter_errors({"abbreviations": ABBREVIATIONS})]
    assert errors == []


def test_glossary_lists_every_abbreviation_with_its_expansion_and_explanation(get_page):
    page = get_page("/glossary")
    assert page.h1 == "Glossary"
    terms = [dt.get_text(strip=True) for dt in page.select("dl.app-glossary dt")]
    assert sorted(terms) == sorted(ABBREVIATIONS)
    hcpc = page.soup.find("dt", string="HCPC").find_next_sibling("dd").get_text(" ", strip=True)
    assert hcpc.startswith("Health and Care Professions Council")
    assert "register" in hcpc
    assert f"lists all {len(ABBREVIATIONS)} that appear" in page.text


def test_glossary_runs_a_to_z_under_letter_headings(get_page):
    page = get_page("/glossary")
    headings = [h2.get_text(strip=True) for h2 in page.select("main h2")]
    assert headings == sorted(headings)
    assert headings == sorted({key[0].upper() for key in ABBREVIATIONS})
    for h2 in page.select("main h2"):
        terms = [dt.get_text(strip=True) for dt in h2.find_next_sibling("dl").select("dt")]
        assert all(term[0].upper() == h2.get_text(strip=True) for term in terms)
        assert [t.upper() for t in terms] == sorted(t.upper() for t in terms)
    letters = [a["href"] for a in page.select("nav.app-glossary-letters a")]
    assert letters == [f"#{h2['id']}" for h2 in page.select("main h2")]


def test_glossary_letters_ignore_case_when_sorting():
    grouped = glossary_letters({"linac": {}, "LFT": {}, "AAA": {}, "ctDNA": {}, "CT": {}})
    assert [(letter, [k for k, _ in entries]) for letter, entries in grouped] == [
        ("A", ["AAA"]),
        ("C", ["CT", "ctDNA"]),
        ("L", ["LFT", "linac"]),
    ]


def test_every_page_footer_links_to_the_glossary_and_accessibility_statement(get_page):
    for path in ("/", "/service-areas/audiology", "/entry-routes/", "/glossary", "/accessibility"):
        footer = get_page(path).soup.find("footer")
        links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}
        assert links["Glossary"] == "/glossary"
        assert links["Accessibility"] == "/accessibility"
        assert links["Privacy"] == "/privacy"


def test_sitemap_lists_the_glossary_and_accessibility_statement(client):
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>http://localhost/glossary</loc>" in xml
    assert "<loc>http://localhost/accessibility</loc>" in xml


def test_glossary_is_served_from_the_public_cache(app, client):
    app.config["PUBLIC_CACHE_SECONDS"], before = 60, app.config["PUBLIC_CACHE_SECONDS"]
    try:
        first = client.get("/glossary").get_data(as_text=True)
        second = client.get("/glossary").get_data(as_text=True)
    finally:
        app.config["PUBLIC_CACHE_SECONDS"] = before
    assert first == second
    assert "Health and Care Professions Council" in second
