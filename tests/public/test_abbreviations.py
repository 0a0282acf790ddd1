"""Every abbreviation a public page uses is spelled out where it first appears in the page's <main>."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup, Comment, NavigableString

from portal.content.files import CONTENT_DIR, read_content
from portal.services.entry_routes import STAGES
from portal.templating import (
    NEARBY,
    SKIPPED_CLASSES,
    SKIPPED_ELEMENTS,
    AbbreviationExpander,
    abbreviation_pattern,
)
from tests.test_route_permissions import PUBLIC

CONTENT = read_content(CONTENT_DIR)
ABBREVIATIONS = CONTENT.abbreviations
WORD = abbreviation_pattern(ABBREVIATIONS)
UNSEEN = frozenset({"script", "style", "template", "svg"})
# Pages that need query strings to show what matters: views, filters, results.
EXTRA_PAGES = [
    "/service-areas/?view=a-z",
    "/service-areas/?q=heart&contact=lots",
    "/service-areas/compare?slugs=audiology,neurophysiology,medical-physics",
    "/service-areas/compare?slugs=radiotherapy-physics,clinical-biochemistry,histocompatibility-immunogenetics",
    "/find-your-fit/shared?areas=audiology,medical-physics,histocompatibility-immunogenetics&stage=gcse",
    "/service-areas/audiology?stage=graduate",
    "/service-areas/radiotherapy-engineering?stage=post16",
]


def _counted(string: NavigableString) -> bool:
    for parent in string.parents:
        if parent.name == "main":
            return True
        if parent.name in SKIPPED_ELEMENTS or set(parent.get("class") or []) & set(SKIPPED_CLASSES):
            return False
    return True


def unexplained(html: str) -> list[str]:
    """Abbreviations whose first counted use in <main> has no expansion right before or after it."""
    main = BeautifulSoup(html, "html.parser").find("main")
    texts = []
    for string in main.find_all(string=True):
        if isinstance(string, Comment) or any(p.name in UNSEEN for p in string.parents):
            continue
        if text := " ".join(str(string).split()):
            texts.append((text, _counted(string)))
    stream = " ".join(text for text, _ in texts)
    seen, problems, offset = set(), [], 0
    for text, counted in texts:
        for match in WORD.finditer(text) if counted else []:
            key = match.group(1)
            if key in seen:
                continue
            seen.add(key)
            start = offset + match.start()
            if not _explained(key, stream, start, start + len(match.group(0))):
                problems.append(f"{key!r} in {text[max(0, match.start() - 40) : match.end() + 40]!r}")
        offset += len(text) + 1
    return problems


def _forms(key: str) -> set[str]:
    """The expansion and its plural, each also with any abbreviation inside it spelled out."""
    entry = ABBREVIATIONS[key]
    forms = {entry["expansion"], entry.get("plural") or entry["expansion"] + "s"}
    spelled = {
        WORD.sub(lambda m: f"{ABBREVIATIONS[m.group(1)]['expansion']} ({m.group(0)})", form) for form in forms
    }
    return {form.lower() for form in forms | spelled}


def _explained(key: str, stream: str, start: int, end: int) -> bool:
    for form in _forms(key):
        window = len(form) + NEARBY
        if (
            form in stream[max(0, start - window) : start].lower()
            or form in stream[end : end + window].lower()
        ):
            return True
    return False


def public_pages(app) -> list[str]:
    """Every GET page a visitor can reach without signing in, found from the URL map."""
    paths = [f"/service-areas/{slug}" for slug in sorted(CONTENT.profiles)]
    paths += [f"/entry-routes/{slug}" for slug in sorted(CONTENT.routes)]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint not in PUBLIC or rule.endpoint == "static":
            continue
        if not rule.arguments:
            paths.append(rule.rule)
        elif rule.arguments == {"stage"}:
            paths += [re.sub(r"<[^>]*stage>", s, rule.rule) for s in STAGES]
    return sorted(set(p for p in paths + EXTRA_PAGES if "<" not in p))


def test_every_public_page_spells_out_each_abbreviation_at_its_first_use(app, client):
    checked, problems = 0, {}
    for path in public_pages(app):
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        found = unexplained(response.get_data(as_text=True))
        if found:
            problems[path] = found[:3]
    assert checked >= len(CONTENT.profiles) + len(CONTENT.routes) + 10
    assert not problems, f"{len(problems)} pages have abbreviations not spelled out first: {problems}"


def test_pages_that_matter_are_among_those_checked(app, client):
    found = public_pages(app)
    for path in ("/", "/glossary", "/accessibility", "/find-your-fit", "/opportunities/", "/privacy"):
        assert path in found
        assert client.get(path).status_code == 200


def test_a_profile_spells_out_the_register_once_and_then_uses_the_letters(get_page):
    page = get_page("/service-areas/audiology")
    main = " ".join(page.soup.find("main").get_text(" ").split())
    assert "Health and Care Professions Council (HCPC)" in main
    assert main.count("Health and Care Professions Council (HCPC)") == 1
    first = main.index("Health and Care Professions Council (HCPC)")
    assert "HCPC" in main[first + 50 :]


def test_the_checker_notices_a_bare_abbreviation():
    assert unexplained("<main><p>Register with the HCPC.</p></main>")
    assert not unexplained(
        "<main><p>Register with the Health and Care Professions Council (HCPC).</p></main>"
    )


EXPANDER = AbbreviationExpander(
    {
        "HCPC": {"expansion": "Health and Care Professions Council"},
        "H&I": {"expansion": "histocompatibility and immunogenetics"},
        "ECG": {"expansion": "electrocardiogram"},
        "GCSE": {"expansion": "General Certificate of Secondary Education", "plural": "General Certificates"},
        "NES": {"expansion": "NHS Education for Scotland"},
        "NHS": {"expansion": "National Health Service"},
    }
)


def _main(body: str) -> str:
    return EXPANDER.expand_page(f"<title>HCPC</title><main>{body}</main><footer>HCPC</footer>")


def _added(expected: str) -> str:
    """Write "[[words|SHORT]]" in an expected page for the span the expander adds."""
    return re.sub(r"\[\[(.*?)\|(.*?)\]\]", r'<span class="app-expansion" data-short="\2">\1</span>', expected)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<p>Join the HCPC. The HCPC keeps a register.</p>",
            "<p>Join the [[Health and Care Professions Council (HCPC)|HCPC]]. The HCPC keeps a register.</p>",
        ),
        ("<p>HCPC</p>", "<p>[[Health and Care Professions Council (HCPC)|HCPC]]</p>"),
        ("<p>H&amp;I labs</p>", "<p>[[Histocompatibility and immunogenetics (H&amp;I)|H&amp;I]] labs</p>"),
        ("<p>Two ECGs.</p>", "<p>Two [[electrocardiograms (ECGs)|ECGs]].</p>"),
        ("<p>Five GCSEs</p>", "<p>Five [[General Certificates (GCSEs)|GCSEs]]</p>"),
        ("<p>Ask NES</p>", "<p>Ask [[National Health Service (NHS) Education for Scotland (NES)|NES]]</p>"),
        (
            "<p>a register (HCPC)</p>",
            "<p>a register ([[Health and Care Professions Council, HCPC|HCPC]])</p>",
        ),
        (
            "<p>Health and Care Professions Council (HCPC)</p>",
            "<p>Health and Care Professions Council (HCPC)</p>",
        ),
        (
            "<dt>HCPC</dt><dd>Health and care professions council</dd>",
            "<dt>HCPC</dt><dd>Health and care professions council</dd>",
        ),
        (
            '<a href="/x">HCPC</a><p>the HCPC</p>',
            '<a href="/x">HCPC</a><p>the [[Health and Care Professions Council (HCPC)|HCPC]]</p>',
        ),
        (
            "<h1>HCPC</h1><code>HCPC</code><p>HCPC-registered</p>",
            "<h1>HCPC</h1><code>HCPC</code><p>HCPC-registered</p>",
        ),
        (
            '<ul class="nhsuk-body-s app-sources"><li>HCPC guide</li></ul>',
            '<ul class="nhsuk-body-s app-sources"><li>HCPC guide</li></ul>',
        ),
        (
            '<p title="HCPC">&lt;b&gt; HCPC &amp; ECG</p>',
            '<p title="HCPC">&lt;b&gt; [[Health and Care Professions Council (HCPC)|HCPC]]'
            " &amp; [[electrocardiogram (ECG)|ECG]]</p>",
        ),
    ],
)
def test_the_expander_spells_out_first_uses_only_in_page_text(body, expected):
    assert _main(body) == f"<title>HCPC</title><main>{_added(expected)}</main><footer>HCPC</footer>"


def test_expansions_from_content_are_escaped():
    hostile = AbbreviationExpander({"XSS": {"expansion": "<script>alert(1)</script>"}})
    page = hostile.expand_page("<main><p>XSS</p></main>")
    assert "<script>" not in page
    assert 'data-short="XSS">&lt;script&gt;alert(1)&lt;/script&gt; (XSS)</span>' in page


def test_pages_without_main_are_left_alone():
    assert EXPANDER.expand_page("<p>HCPC</p>") == "<p>HCPC</p>"
