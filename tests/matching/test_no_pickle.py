"""Loading a saved matcher never unpickles, and nothing in ``matching`` can."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from matching import Matcher

ROOT = Path(__file__).resolve().parents[2]
PICKLING_MODULES = {"pickle", "_pickle", "cPickle", "cloudpickle", "dill", "joblib", "shelve", "marshal"}

# Run in a fresh interpreter: the libraries are imported first (numpy and scikit-learn import pickle
# themselves), then every way into the unpickler is cut and an audit hook records any class lookup.
_LOAD_WITHOUT_PICKLE = """
import json, sys
import matching
unpickled = []
sys.addaudithook(lambda event, args: unpickled.append(repr(args)) if event == "pickle.find_class" else None)
import pickle, _pickle

def refuse(*args, **kwargs):
    raise RuntimeError("something tried to unpickle")

for module in (pickle, _pickle):
    for name in ("load", "loads", "Unpickler"):
        setattr(module, name, refuse)
sys.modules["pickle"] = None
sys.modules["_pickle"] = None
loaded = matching.Matcher.load(sys.argv[1])
result = loaded.query("hearing aids", k=3)
print(json.dumps({"unpickled": unpickled, "ranked": [(m.id, m.score) for m in result.matches]}))
"""


def test_loading_in_a_fresh_interpreter_unpickles_nothing(matcher: Matcher, tmp_path: Path) -> None:
    matcher.save(tmp_path / "index")
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", _LOAD_WITHOUT_PICKLE, str(tmp_path / "index")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["unpickled"] == []
    expected = [[m.id, m.score] for m in matcher.query("hearing aids", k=3).matches]
    assert report["ranked"] == expected and expected


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _load_calls(path: Path) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "load"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("np", "numpy")
    ]


def test_no_module_of_matching_imports_a_pickler() -> None:
    sources = sorted((ROOT / "matching").glob("*.py"))
    assert sources
    for path in sources:
        assert not _imports(path) & PICKLING_MODULES, path.name
        assert "import pickle" not in path.read_text(), path.name


def test_every_numpy_load_refuses_pickles() -> None:
    calls = [(path, call) for path in sorted((ROOT / "matching").glob("*.py")) for call in _load_calls(path)]
    assert calls, "matching reads its arrays with np.load"
    for path, call in calls:
        flags = {keyword.arg: keyword.value for keyword in call.keywords}
        assert "allow_pickle" in flags, f"{path.name}:{call.lineno}"
        flag = flags["allow_pickle"]
        assert isinstance(flag, ast.Constant) and flag.value is False, f"{path.name}:{call.lineno}"
