"""What an attacker sends, and how to find every place the portal takes input.

Targets are discovered, never listed: every rule in the URL map, every query parameter a view
reads (recorded while it runs), every field of every form the pages render, and every parameter
and JSON key the OpenAPI document describes. A route or form added later is covered by itself.
"""

from __future__ import annotations

import hashlib
import re
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode

from bs4 import BeautifulSoup
from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing.converters import NumberConverter
from werkzeug.test import TestResponse

MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    # The old page cache swapped this placeholder for the real nonce anywhere in a page.
    '<script nonce="__csp_nonce_placeholder__">alert(1)</script>',
)
TEXT = (
    # Harmless as text; the page checks below catch it if it ever lands in a link.
    "javascript:alert(1)",
    "{{ 7*191 }}{% print 7*191 %}",
    "x\r\nX-Injected: yes",
    "nul\x00byte",
    "right\u202eto left",
    "a" * 10_000,
    "NaN",
    "Infinity",
    "1e400",
    "-1",
    "9" * 400,
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "",
)
PAYLOADS = MARKUP + TEXT
TEMPLATE_RESULT = str(7 * 191)
JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    -1,
    0,
    10**30,
    1.5,
    "<script>alert(1)</script>",
    "a" * 10_000,
    [],
    ["a", {"b": None}],
    {"nested": {"deeper": [1, 2]}},
)
RAW_JSON_BODIES = (
    b'{"q": "x", "limit": Infinity}',
    b'{"q": "x", "limit": NaN}',
    b'{"q": "x", "limit": 1e400}',
    b'{"q": "x", "limit": -Infinity}',
    b"[" * 10_000 + b"]" * 10_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b'{"q": "nul\\u0000byte"}',
    b"{not json",
    b"\xff\xfe\x00garbage",
    b'"just a string"',
    b"",
)
OVERSIZED_BODY = b"x" * (2 * 1024 * 1024)
SAFE_VALUE = "heart"
# Names that steer Flask's url_for, and that no view reads, so discovery would never find them.
STEERING_PARAMETERS = ("endpoint", "_external", "_scheme", "_anchor", "_method", "values")


# Optional boxes a person leaves empty: any made-up value in them is rightly refused.
LEFT_EMPTY = frozenset({"class_code"})


@dataclass
class Form:
    """One form as a page renders it: where it goes, how, and a valid value for each field."""

    page: str
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    # Who saw the form, and so who sends it.
    visitor: str = "anonymous"
    # File inputs: name -> the types they accept (".csv,text/csv").
    files: dict[str, str] = field(default_factory=dict)
    # Whether a person types anything into it (text, email, a message), and whether its page links
    # to the privacy notices.
    collects: bool = False
    links_privacy: bool = False

    def values_with(self, name: str, value: str) -> MultiDict:
        """The form's own values, with one field replaced by ``value``."""
        pairs = [(key, v) for key, values in self.fields.items() if key != name for v in values]
        return MultiDict([*pairs, (name, value)])

    @property
    def text_fields(self) -> list[str]:
        """Fields a visitor controls (everything but the CSRF token)."""
        return [name for name in self.fields if name != "csrf_token"]


def forms_on(path: str, html: str, visitor: str = "anonymous") -> list[Form]:
    """Every form in a page, with the values a person would send by submitting it unchanged."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    links_privacy = bool(soup.find("a", href=re.compile(r"^/privacy/")))
    for element in soup.find_all("form"):
        form = Form(
            path, element.get("action") or path, element.get("method", "get").lower(), visitor=visitor
        )
        form.links_privacy = links_privacy
        form.collects = bool(
            element.find("textarea") or element.find("input", type=re.compile("^(text|email|tel)$"))
        )
        first_radio: dict[str, str] = {}
        for control in element.find_all(["input", "textarea", "select"]):
            name = control.get("name")
            if not name:
                continue
            values = form.fields.setdefault(name, [])
            value = _control_value(control)
            if value is not None:
                values.append(value)
            if control.get("type") == "radio":
                first_radio.setdefault(name, control.get("value", "on"))
            if control.get("type") == "file":
                form.files[name] = control.get("accept", "")
        # A person answers a question put as radios: with none chosen, they choose the first.
        for name, value in first_radio.items():
            form.fields[name] = form.fields[name] or [value]
        found.append(form)
    return found


def _control_value(control: Any) -> str | None:
    if control.get("name") in LEFT_EMPTY:
        return control.get("value") or ""
    if control.name == "select":
        options = control.find_all("option")
        chosen = [o for o in options if o.has_attr("selected")] or options[1:2] or options[:1]
        return chosen[0].get("value", chosen[0].get_text()) if chosen else None
    if control.name == "textarea":
        return control.get_text() or SAFE_VALUE
    kind = control.get("type", "text")
    if kind in ("checkbox", "radio"):
        return control.get("value", "on") if control.has_attr("checked") else None
    if kind in ("submit", "button", "image", "file"):
        return None
    return control.get("value") or (SAFE_VALUE if kind != "hidden" else "")


class RecordingArgs(ImmutableMultiDict):
    """Query arguments that remember every key a view asks for."""

    asked: ClassVar[set[str]] = set()

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:
        RecordingArgs.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key: str, type: Any = None) -> list[Any]:
        RecordingArgs.asked.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key: str) -> Any:
        RecordingArgs.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        RecordingArgs.asked.add(str(key))
        return super().__contains__(key)


class RecordingRequest(Request):
    """A request whose query arguments record what the view reads."""

    parameter_storage_class = RecordingArgs


def path_values(app: Flask) -> dict[str, list[str]]:
    """Real values for each URL argument name, so views get past their lookups."""
    from tests.factories import make_opportunity

    # A live job (with JSON-LD and a report form), made in the test's own app context: the client's
    # requests share that context and its session, so they find it without it being committed.
    listing = make_opportunity(type="job", pay_kind="salary", salary_min=24_000, salary_max=28_000)
    with app.app_context():
        from portal.services.entry_routes import all_entry_routes
        from portal.services.service_areas import all_service_areas

        return {
            "slug": [all_service_areas()[0].slug, all_entry_routes()[0].slug],
            "opportunity_id": [str(listing.id)],
            # The workforce figures' CSV tables (the admin's and the public's).
            "table": ["areas", "shortage"],
            "stage": ["gcse", "career-changer"],
        }


def concrete_paths(app: Flask, rule: Any, real: dict[str, list[str]]) -> Iterator[str]:
    """Every URL of one rule that the test can fill in: real arguments, and hostile ones."""
    with app.test_request_context():
        from flask import url_for

        if not rule.arguments:
            yield url_for(rule.endpoint)
            return
        names = sorted(rule.arguments)
        hostile = [*MARKUP[:2], "a" * 300, "nul\x00byte", "right\u202eleft"]
        # A number argument cannot be built from text: send no such listing, and too big a number.
        numbers = ["0", str(2**31), "9" * 30]
        candidates = [
            real.get(name, ["1"]) + numbers
            if isinstance(rule._converters[name], NumberConverter)
            else real.get(name, [SAFE_VALUE]) + hostile
            for name in names
        ]
        for position in range(max(len(c) for c in candidates)):
            values = {n: c[min(position, len(c) - 1)] for n, c in zip(names, candidates, strict=True)}
            yield url_for(rule.endpoint, **values)


def with_query(path: str, pairs: list[tuple[str, str]]) -> str:
    """``path`` with a query string built from ``pairs``."""
    return f"{path}?{urlencode(pairs)}" if pairs else path


def script_hash(body: str) -> str:
    """The CSP hash source of one inline script body."""
    return f"'sha256-{b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"


def problems_in(response: TestResponse, sent: str | None, baseline: str = "") -> list[str]:
    """What is wrong with one answer to hostile input; empty when nothing is."""
    problems = []
    if response.status_code >= 500:
        problems.append(f"server error {response.status_code}")
    if "X-Injected" in response.headers:
        problems.append("a header was injected")
    if "Content-Security-Policy" not in response.headers:
        problems.append("no Content-Security-Policy")
    if response.request.path.startswith("/api/"):
        problems += _json_problems(response)
    elif response.mimetype == "text/html":
        problems += html_problems(response, sent, baseline)
    return problems


def _json_problems(response: TestResponse) -> list[str]:
    if not response.is_json:
        return [f"API answered {response.mimetype}, not JSON"]
    body = response.get_json(silent=True)
    if response.status_code >= 400 and not (
        isinstance(body, dict) and {"code", "message"} <= set(body.get("error", {}))
    ):
        return ["API error without {error: {code, message}}"]
    return []


_EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$")


def html_problems(response: TestResponse, sent: str | None, baseline: str = "") -> list[str]:
    """Markup that came back unescaped, and any script the page itself did not plan."""
    html = response.get_data(as_text=True)
    problems = []
    if sent and sent in MARKUP and sent in html:
        problems.append("payload reflected unescaped")
    if sent and "7*191" in sent and TEMPLATE_RESULT in html and TEMPLATE_RESULT not in baseline:
        problems.append("template syntax was evaluated")
    policy = response.headers.get("Content-Security-Policy", "")
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        if script.get("src") or script.get("type") == "application/ld+json":
            continue
        if script_hash(script.string or "") not in policy:
            problems.append("an inline script the policy does not allow")
    for element in soup.find_all(True):
        if any(_EVENT_ATTRIBUTE.match(name) for name in element.attrs):
            problems.append(f"an event handler attribute on <{element.name}>")
        if str(element.get("href", "")).strip().lower().startswith("javascript:"):
            problems.append("a javascript: link")
    return problems
