"""Checks on content/pay-scales.yaml and on every band the profiles and entry routes use.

The table must pass its schema, cite a known source, run from the lowest band up with whole-pound
amounts (entry <= middle <= top), and carry a year that matches the date it applies from. Every band
a profile lists, or an entry route mentions in its pay text, must be in the table, so no page shows
a band without its pounds.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from portal.content.files import ContentSet, read_schema
from portal.content.pay import PAY_SCALES_FILE, band_texts_in, parse_band_text

SCHEMA_KIND = "pay-scales"
# Entry-route keys whose sentences may name bands; the route page shows pounds for each one.
ROUTE_PAY_KEYS = ("pay_while_training", "details")

FileProblem = tuple[str, str, str]


def _band_problems(bands: list[dict[str, Any]]) -> list[FileProblem]:
    problems = []
    names = [row["band"] for row in bands]
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append((PAY_SCALES_FILE, "bands", f"band {name} is listed twice"))
    previous = None
    for index, row in enumerate(bands):
        key = f"bands.{index}"
        points = [row["entry"], row.get("middle", row["entry"]), row["top"]]
        if points != sorted(points):
            problems.append(
                (PAY_SCALES_FILE, key, f"band {row['band']}: entry must not be above middle or top")
            )
        if previous is not None and row["entry"] < previous["entry"]:
            problems.append(
                (
                    PAY_SCALES_FILE,
                    key,
                    f"band {row['band']} starts below band {previous['band']}: list lowest first",
                )
            )
        previous = row
    return problems


def _year_problems(data: dict[str, Any]) -> list[FileProblem]:
    start = str(data["applies_from"])[:4]
    expected = f"{start}/{int(start) % 100 + 1:02d}"
    if data["year"] != expected:
        return [
            (PAY_SCALES_FILE, "year", f"'{data['year']}' does not match applies_from: expected '{expected}'")
        ]
    return []


def table_problems(data: dict[str, Any], sources: dict[str, Any], root: Any) -> list[FileProblem]:
    """Problems in the pay table itself; the schema first, the rules only once it passes."""
    validator = Draft202012Validator(read_schema(SCHEMA_KIND, root))
    problems = [
        (PAY_SCALES_FILE, ".".join(str(part) for part in error.absolute_path) or "(top level)", error.message)
        for error in validator.iter_errors(data)
    ]
    if problems:
        return problems
    if data["source"] not in sources:
        problems.append((PAY_SCALES_FILE, "source", f"unknown source code '{data['source']}'"))
    return problems + _year_problems(data) + _band_problems(data["bands"])


def _usage_problems(content: ContentSet, known: set[str]) -> list[FileProblem]:
    problems = []
    for profile in content.profiles.values():
        for index, row in enumerate(profile.get("pay_bands") or []):
            text = str(row.get("bands", "")) if isinstance(row, dict) else ""
            names = parse_band_text(text)
            key = f"pay_bands.{index}.bands"
            if names is None:
                problems.append(
                    (profile["_file"], key, f"'{text}' is not a band like '5', '5 to 6' or '6 or 7'")
                )
                continue
            problems += [
                (profile["_file"], key, f"band {name} is not in {PAY_SCALES_FILE}")
                for name in names
                if name not in known
            ]
    for route in content.routes.values():
        for key in ROUTE_PAY_KEYS:
            value = route.get(key)
            sentences = value if isinstance(value, list) else [value]
            for text in band_texts_in(" ".join(str(s) for s in sentences if s)):
                problems += [
                    (route["_file"], key, f"band {name} is not in {PAY_SCALES_FILE}")
                    for name in parse_band_text(text) or ()
                    if name not in known
                ]
    return problems


def pay_problems(content: ContentSet) -> list[FileProblem]:
    """Every problem with the pay table and with the bands content uses, as (file, key, message)."""
    if not content.pay_scales:
        return []  # a missing or unreadable file is already a parse error
    problems = table_problems(content.pay_scales, content.sources, content.root)
    if problems:
        return problems
    known = {row["band"] for row in content.pay_scales["bands"]}
    return _usage_problems(content, known)
