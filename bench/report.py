"""Merge bench/results/*.json into one Markdown report: quality per style, speed, size, confidence, goals."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
STYLES = (
    "job-title",
    "i-like",
    "task",
    "misspelling",
    "abbreviation",
    "statement",
    "formal-task",
    "overall",
)
CONFIDENCE_STYLES = (*STYLES[:-1], "off-topic", "neighbouring")
ORDER = ("ours", "bm25", "embeddings")
NAMES = {"ours": "Ours", "bm25": "BM25", "embeddings": "Embeddings"}


def load() -> tuple[dict, dict, dict]:
    """Systems, environment and corpus facts from every results file."""
    systems, environment, corpus = {}, {}, {}
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        systems.update(data.get("systems", {}))
        environment = environment or data.get("environment", {})
        corpus = corpus or data.get("corpus", {})
    return systems, environment, corpus


def pct(value: float) -> str:
    """A share as a percentage with one decimal."""
    return f"{value * 100:.1f}%"


def quality_table(systems: dict) -> list[str]:
    """Rows of style x system with top-1, top-3, top-3 incl. acceptable and MRR@10."""
    lines = [
        "| Style | n | System | Top-1 | Top-3 | Top-3 incl. acceptable | MRR@10 |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for style in STYLES:
        for key in ORDER:
            quality = systems.get(key, {}).get("quality", {}).get(style)
            if quality:
                name = f"**{NAMES[key]}**" if style == "overall" else NAMES[key]
                lines.append(
                    f"| {style} | {quality['n']} | {name} | {pct(quality['top1'])} | {pct(quality['top3'])} "
                    f"| {pct(quality['top3_acceptable'])} | {quality['mrr']:.3f} |"
                )
    fixed = systems.get("ours", {}).get("quality_fixed_weights", {})
    for style in STYLES:
        quality = fixed.get(style)
        if quality:
            lines.append(
                f"| {style} | {quality['n']} | Ours, fixed weights | {pct(quality['top1'])} "
                f"| {pct(quality['top3'])} | {pct(quality['top3_acceptable'])} | {quality['mrr']:.3f} |"
            )
    full = systems.get("ours", {}).get("quality_with_opportunities", {}).get("overall")
    if full:
        lines.append(
            f"| overall, opportunities also indexed | {full['n']} | Ours | {pct(full['top1'])} "
            f"| {pct(full['top3'])} | {pct(full['top3_acceptable'])} | {full['mrr']:.3f} |"
        )
    return lines


def speed_table(systems: dict) -> list[str]:
    """Latency, build time and memory of each system that ran."""
    lines = [
        "| System | Documents indexed | Query p50 | Query p95 | Index build | Memory |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key in ORDER:
        result = systems.get(key, {})
        if result.get("status") != "ok":
            continue
        latency = result["latency_ms"]
        memory = result.get("memory_mb", {})
        if key == "ours":
            size = (
                f"{memory['fit_traced_peak']:.0f} MB traced peak during fit "
                f"(RSS +{memory['rss_growth_during_fit']:.0f} MB)"
            )
        elif key == "embeddings":
            size = (
                f"{memory['process_peak_rss']:.0f} MB process peak RSS "
                f"(model {result['model_load_s']:.1f} s to load)"
            )
        else:
            size = "not measured"
        lines.append(
            f"| {NAMES[key]} | {latency['documents']:,} | {latency['p50']:.2f} ms | {latency['p95']:.2f} ms "
            f"| {result['build_s']:.2f} s | {size} |"
        )
    opportunity = systems.get("ours", {}).get("opportunity_latency_ms")
    if opportunity:
        lines.append(
            f'| Ours, `kind="opportunity"` | same index | {opportunity["p50"]:.2f} ms '
            f"| {opportunity['p95']:.2f} ms | | |"
        )
    return lines


def confidence_table(systems: dict) -> list[str]:
    """Share of each style's queries answered confidently, learned and fixed weights."""
    ours = systems.get("ours", {})
    if "confidence" not in ours:
        return []
    learned, fixed = ours["confidence"], ours.get("confidence_fixed_weights", {})
    lines = ["| Style | Confident (learned) | Confident (fixed weights) |", "|---|---:|---:|"]
    for style in CONFIDENCE_STYLES:
        share = learned["confident_by_style"].get(style)
        if share is not None:
            before = fixed.get("confident_by_style", {}).get(style)
            lines.append(f"| {style} | {pct(share)} | {pct(before) if before is not None else '-'} |")
    lines += [
        "",
        f"Neighbouring-profession titles: {pct(learned['neighbouring_not_confident'])} not confident, "
        f"{pct(learned['neighbouring_named_any'])} answered with `outside_field`, "
        f"{pct(learned['neighbouring_named'])} with the profession the dev set names; "
        f"on-topic queries given an `outside_field`: {learned['on_topic_named_outside']}.",
    ]
    return lines


def goals(systems: dict) -> list[str]:
    """The issue's goals, each marked met or not."""
    ours, bm25, emb = (systems.get(key, {}) for key in ORDER)
    if ours.get("status") != "ok":
        return [f"- Our matcher is pending: {ours.get('reason', 'no results yet')}."]
    top3 = ours["quality"]["overall"]["top3"]
    lines = []
    if bm25.get("status") == "ok":
        gap = (top3 - bm25["quality"]["overall"]["top3"]) * 100
        lines.append(f"- Top-3 beats BM25 by at least 10 points: {gap:+.1f} points, {mark(gap >= 10)}.")
    if emb.get("status") == "ok":
        gap = (top3 - emb["quality"]["overall"]["top3"]) * 100
        share = ours["latency_ms"]["p50"] / emb["latency_ms"]["p50"]
        lines.append(f"- Top-3 at least as good as the embedding model: {gap:+.1f} points, {mark(gap >= 0)}.")
        lines.append(f"- Latency as a share of the embedding model's (p50): {share:.1%}.")
    else:
        lines.append(f"- Embedding comparison not made: {emb.get('reason', 'no results')}.")
    p95 = ours["latency_ms"]["p95"]
    lines.append(f"- p95 under 5 ms on one core with opportunities indexed: {p95:.2f} ms, {mark(p95 < 5)}.")
    off = ours["off_topic_not_confident"]
    lines.append(
        f"- Off-topic queries flagged not confident: {pct(off)}; "
        f"on-topic flagged confident: {pct(ours['on_topic_confident'])}."
    )
    return lines


def mark(met: bool) -> str:
    """Met or not met."""
    return "met" if met else "NOT met"


def skipped(systems: dict) -> list[str]:
    """A line for every system that did not run, with its reason."""
    return [
        f"- {NAMES.get(key, key)}: {result['status']}, {result.get('reason', '')}"
        for key, result in systems.items()
        if result.get("status") != "ok"
    ]


LOAD_DATABASES = (("sqlite", "SQLite"), ("postgresql", "PostgreSQL"))
P99_GOAL_MS = 50


def load_verdict(row: dict) -> str:
    """Pass or miss against the row's throughput goal and the p99 goal; errors are never a pass."""
    misses = [] if row["requests"] else ["no request finished"]
    if row["ratio"] < row["goal_ratio"]:
        misses.append(f"< {row['goal_ratio']}x")
    if row["p99_ms"] >= P99_GOAL_MS:
        misses.append(f"p99 >= {P99_GOAL_MS} ms")
    if row["error_total"]:
        misses.append("errors")
    return f"miss ({', '.join(misses)})" if misses else "pass"


def load_errors(row: dict) -> str:
    """Each kind of error wrk counted, or 0."""
    named = {
        "status": "non-2xx/3xx",
        "connect": "connect",
        "read": "read",
        "write": "write",
        "timeout": "timeout",
    }
    found = [f"{count} {named[kind]}" for kind, count in row["errors"].items() if count]
    return ", ".join(found) or "0"


def load_table() -> list[str]:
    """The HTTP load figures of each database that has them (results/load-*.json)."""
    runs = []
    for key, name in LOAD_DATABASES:
        path = RESULTS / f"load-{key}.json"
        if path.exists():
            runs.append((name, json.loads(path.read_text(encoding="utf-8"))))
    if not runs:
        return []
    lines = [
        "## HTTP load",
        "",
        "| Database | Endpoint | Requests/s | vs hello | p50 | p99 | Errors | Workers replaced | Goal |",
        "|---|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for name, run in runs:
        for when in ("before", "after"):
            hello = run["baseline"][when]
            lines.append(
                f"| {name} | hello app ({when}) | {hello['requests_per_s']:.0f} | baseline "
                f"| {hello['p50_ms']:.1f} ms | {hello['p99_ms']:.1f} ms | {load_errors(hello)} | | |"
            )
        for row in run["endpoints"]:
            lines.append(
                f"| {name} | {row['endpoint']} | {row['requests_per_s']:.0f} | {row['ratio']:.2f}x "
                f"| {row['p50_ms']:.1f} ms | {row['p99_ms']:.1f} ms | {load_errors(row)} "
                f"| {row.get('worker_restarts', 0)} | {load_verdict(row)} |"
            )
    notes = [
        f"{name}: {run['run']['when']}, {run['connections']} connections, {run['threads']} wrk threads, "
        f"{run['workers']} sync workers, {run['seconds']} s per endpoint after {run['warmup_seconds']} s "
        f"of warm-up, max_requests {run.get('max_requests', 'as gunicorn.conf.py')}, "
        f"{run['listings']:,} live listings, {run['project_root']}."
        for name, run in runs
    ]
    goals = (
        "Ratios are to the mean of the two hello passes. "
        f"Goals: public pages 0.6x the hello app or better, search and match 0.3x or better, "
        f"p99 under {P99_GOAL_MS} ms at 16 connections."
    )
    return [*lines, "", *notes, goals]


def render() -> str:
    """The whole report as Markdown."""
    systems, env, corpus = load()
    http_load = load_table()
    if not systems:
        return "\n".join(["No matching results yet: run `make bench`.", "", *http_load]) + "\n"
    head = [
        f"Dev set: {corpus.get('queries', '?')} queries ({corpus.get('profiles', '?')} profiles, "
        f"{corpus.get('abbreviations', '?')} abbreviations, {corpus.get('opportunities', 0):,} synthetic "
        f"opportunities for the speed figures). Run {env.get('when', '?')}, Python "
        f"{env.get('python', '?')}, {env.get('machine', '?')}, {env.get('pinning', '?')}.",
        "",
    ]
    parts = [*head, *quality_table(systems), "", *confidence_table(systems), "", *speed_table(systems)]
    parts += ["", *goals(systems)]
    missing = skipped(systems)
    if missing:
        parts += ["", "Not run:", *missing]
    if http_load:
        parts += ["", *http_load]
    return "\n".join(parts) + "\n"


def main() -> None:
    """Print the report and keep a copy in results/report.md."""
    text = render()
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
