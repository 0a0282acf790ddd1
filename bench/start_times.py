"""How long `make run` takes to serve the portal: once from a fresh clone (cold), then again (warm).

Clones the repository into a temporary folder (the original is only read), runs `make run` there on a
free port and times from the command's start until the home page answers 200 and the opportunities
page lists demonstration listings. Each "==>" line make prints is timestamped as it arrives, which
breaks each run down by step. Interrupts make's process group, runs `make run` again in the same
clone and times it the same way, then deletes the clone. The cold run creates .venv, installs the
pinned packages from the machine's package index, runs npm ci and compiles the styles, migrates,
loads the content, builds the index and seeds the demonstration data: minutes, on every core.

Standalone: ``.venv/bin/python bench/start_times.py [--output results/start-times.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
GOALS_S = {"cold": 120.0, "warm": 10.0}
STEP_MARK = "==>"
DEMO_MARK = "Demonstration listing"
POLL_SECONDS = 0.1
STOP_SECONDS = 30.0
# Settings of the calling shell or make that would point the clone at this checkout, its database or
# its Python: the clone must build and use its own.
INHERITED = (
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "INSTANCE_DIR",
    "DATABASE_URL",
    "REDIS_URL",
    "PORTAL_ENV",
    "PYTHON",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKEOVERRIDES",
    "MAKELEVEL",
)


@dataclass
class Run:
    """One `make run`: its output lines with their times, and when the portal was ready."""

    lines: list[tuple[float, str]] = field(default_factory=list)
    home_200_s: float | None = None
    ready_s: float | None = None
    exit_code: int | None = None

    def steps(self) -> list[dict]:
        """Each "==>" step with when it started and how long it lasted (the last one: until ready)."""
        marks = [(at, text) for at, text in self.lines if text.startswith(STEP_MARK)]
        steps = []
        for n, (at, text) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else self.ready_s
            steps.append(
                {
                    "step": text[len(STEP_MARK) :].strip(),
                    "started_s": round(at, 2),
                    "duration_s": round(end - at, 2) if end is not None else None,
                }
            )
        return steps

    def as_dict(self) -> dict:
        """The figures for the results file."""
        return {
            "ready_s": _rounded(self.ready_s),
            "home_200_s": _rounded(self.home_200_s),
            "exit_code": self.exit_code,
            "steps": self.steps(),
            # Every line make and the app printed, with its time: where the time went inside a step.
            "output": [[round(at, 2), text] for at, text in self.lines],
        }


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def free_port() -> int:
    """A TCP port nobody is listening on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environment(port: int) -> dict[str, str]:
    """This process's environment without what would tie the clone to this checkout, on ``port``."""
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    env.update({"HOST": "127.0.0.1", "PORT": str(port), "PYTHONUNBUFFERED": "1"})
    return env


def fetch(url: str) -> tuple[int, str]:
    """Status and body of a GET; 0 when nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (OSError, urllib.error.URLError):
        return 0, ""


def _read_lines(process: subprocess.Popen, started: float, run: Run, echo: bool) -> None:
    assert process.stdout is not None
    for raw in process.stdout:
        text = raw.rstrip("\n")
        run.lines.append((time.perf_counter() - started, text))
        if echo and text.startswith(STEP_MARK):
            print(f"  {run.lines[-1][0]:7.1f} s  {text}", flush=True)


def _wait_until_ready(process: subprocess.Popen, port: int, started: float, run: Run, limit: float) -> None:
    base = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < limit and process.poll() is None:
        if run.home_200_s is None:
            status, _ = fetch(base + "/")
            if status == 200:
                run.home_200_s = time.perf_counter() - started
        if run.home_200_s is not None:
            status, body = fetch(base + "/opportunities/")
            if status == 200 and DEMO_MARK in body:
                run.ready_s = time.perf_counter() - started
                return
        time.sleep(POLL_SECONDS)


def _stop(process: subprocess.Popen) -> int:
    """Ctrl+C for make and everything it started, as a person would stop `make run`."""
    for sig, grace in ((signal.SIGINT, STOP_SECONDS), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    return process.wait()


def _wait_port_closed(port: int, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.2)


def time_make_run(clone: Path, port: int, limit: float, echo: bool = True) -> Run:
    """Start `make run` in ``clone``, time it until ready, then stop it; each output line keeps its time."""
    run = Run()
    started = time.perf_counter()
    process = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=clean_environment(port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so one signal reaches gunicorn and its workers
    )
    reader = threading.Thread(target=_read_lines, args=(process, started, run, echo), daemon=True)
    reader.start()
    try:
        _wait_until_ready(process, port, started, run, limit)
    finally:
        run.exit_code = _stop(process)
        reader.join(timeout=10)
        _wait_port_closed(port)
    return run


def _tool_version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "unavailable"


def measure(repository: Path, limit: float) -> dict:
    """Clone, time a cold and a warm `make run`, remove the clone."""
    load_before = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="portal-start-"))
    clone = folder / "portal"
    try:
        subprocess.run(["git", "clone", "--quiet", str(repository), str(clone)], check=True)
        port = free_port()
        print(f"cold `make run` in {clone} on port {port}", flush=True)
        cold = time_make_run(clone, port, limit)
        print(f"warm `make run` on port {port}", flush=True)
        warm = time_make_run(clone, port, limit)
        tail = [text for _, text in cold.lines[-20:]] if cold.ready_s is None else []
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    runs = {"cold": cold.as_dict(), "warm": warm.as_dict()}
    return {
        "what": "`make run` from a fresh clone until / answers 200 and /opportunities/ lists demo listings",
        "runs": runs,
        "goals_s": GOALS_S,
        "met": {name: (runs[name]["ready_s"] or float("inf")) < GOALS_S[name] for name in runs},
        "cold_output_tail": tail,
        "environment": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "make": _tool_version(["make", "--version"]).splitlines()[0:1],
            "npm": _tool_version(["npm", "--version"]),
            # Others share the machine: a load above the core count means the figures are slowed by it.
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
    }


def print_summary(report: dict) -> None:
    """Both runs, then the warm run by step."""
    for name, run in report["runs"].items():
        ready = f"{run['ready_s']:.1f} s" if run["ready_s"] is not None else "never ready"
        verdict = "meets" if report["met"][name] else "misses"
        print(f"{name:5} make run: {ready} ({verdict} the {report['goals_s'][name]:.0f} s goal)")
        for step in run["steps"]:
            duration = f"{step['duration_s']:6.2f} s" if step["duration_s"] is not None else "     ?  "
            print(f"        {duration}  {step['step']}")
    for line in report["cold_output_tail"]:
        print(f"  | {line}")


def main() -> None:
    """Parse the command line, measure, print and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", type=Path, default=ROOT, help="what to clone (default: this one)")
    parser.add_argument("--limit", type=float, default=900.0, help="give up on a run after this many seconds")
    parser.add_argument("--output", type=Path, default=RESULTS / "start-times.json")
    options = parser.parse_args()
    report = measure(options.repository, options.limit)
    print_summary(report)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2))
    if any(run["ready_s"] is None for run in report["runs"].values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
