"""Everyday words: read content/everyday-words.yaml and check it.

Students say "deaf", "brainwaves" or "germs" where the profiles say "hearing", "electroencephalography"
or "microbiology". The matcher adds the words of the work to any text that holds an everyday word, so
the two meet. Every word a key points to must occur in some profile, or it would point at nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

EVERYDAY_WORDS_FILE = "everyday-words.yaml"

Problem = tuple[str, str]


def read_everyday_words(root: Path) -> dict[str, list[str]]:
    """Everyday word to the words of the work it points to (empty when the file is absent)."""
    path = root / EVERYDAY_WORDS_FILE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(key): [str(value) for value in values] for key, values in (data.get("words") or {}).items()}


def _profile_text(profiles: dict[str, dict[str, Any]]) -> str:
    return json.dumps(list(profiles.values()), ensure_ascii=False, default=str).casefold()


def everyday_word_problems(root: Path, profiles: dict[str, dict[str, Any]]) -> list[Problem]:
    """(key, message) for each problem: the schema, then words that no profile uses."""
    path = root / EVERYDAY_WORDS_FILE
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        return [("(file)", f"is not valid YAML: {error}")]
    schema = json.loads((root / "schema" / "everyday-words.schema.json").read_text(encoding="utf-8"))
    problems = [
        ("/".join(str(part) for part in error.absolute_path) or "(file)", error.message)
        for error in Draft202012Validator(schema).iter_errors(data)
    ]
    if problems:
        return problems
    text = _profile_text(profiles)
    for key, values in data["words"].items():
        for value in values:
            if not re.search(rf"(?<!\w){re.escape(value.casefold())}(?!\w)", text):
                problems.append((key, f"points to {value!r}, which no profile uses"))
    return problems
