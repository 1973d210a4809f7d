"""Engine benchmarks: analysis speed, project generation, CLI start-up.

Run from the repository root:

    .venv/bin/python bench/bench_engine.py

Measures, on synthetic SQLAlchemy 2.0 models files from `synth.py`:

(a) `crudsmith.analysis.analyze_source(text)` against `ast.parse(text)` for 20,
    200 and 1000 models (median of several runs; target: at most 2x ast.parse);
(b) analyze + `crudsmith.generation.generate_project(analysis, source,
    GenerateOptions())` for 200 models (target: at most 1 s);
(c) wall time of `crudsmith --help` and `crudsmith generate --help` as
    subprocesses, median of 20 runs each
    (target: at most 150 ms), beside a bare `python -c pass` for the floor.

A part whose code is not importable yet is reported as "not available" with
the reason; the others still run. The markdown table is printed and written to
`bench/out/engine.md`.
"""

from __future__ import annotations

import argparse
import ast
import gc
import importlib
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

from synth import synth_models

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT = BENCH_DIR / "out" / "engine.md"
VENV_BIN = Path(sys.executable).parent

ANALYSIS_SIZES = (20, 200, 1000)
GENERATION_SIZE = 200
RATIO_TARGET = 2.0
GENERATION_TARGET_S = 1.0
HELP_TARGET_S = 0.150
HELP_RUNS = 20
# Dependencies whose import cost decides whether `crudsmith --help` can meet its target.
IMPORT_BUDGET = ("jinja2", "libcst", "lsprotocol.types", "pygls.lsp.server", "pydantic", "fastapi")


@dataclass(frozen=True)
class Row:
    measure: str
    input: str
    crudsmith: str
    baseline: str
    ratio: str
    target: str
    result: str  # "pass", "FAIL", "not available", "error"
    note: str = ""


def median_seconds(fn: Callable[[], object], runs: int, *, warmup: int = 1) -> float:
    """Median wall time of `fn()` over `runs` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times: list[float] = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt_s(seconds: float) -> str:
    if seconds < 1.0:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def load(module: str, name: str) -> tuple[Any, str]:
    """`module.name`, or None and the reason it cannot be imported (the code may not exist yet)."""
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # any import-time failure means "not available"
        return None, f"`import {module}` failed: {type(exc).__name__}: {exc}"
    attr = getattr(mod, name, None)
    if attr is None:
        return None, f"`{module}` has no `{name}`"
    return attr, ""


def unavailable(measure: str, input_: str, target: str, reason: str) -> Row:
    return Row(measure, input_, "—", "—", "—", target, "not available", reason)


# --------------------------------------------------------------------------- (a)


def bench_analysis(sizes: Sequence[int], runs: int) -> list[Row]:
    analyze_source, reason = load("crudsmith.analysis", "analyze_source")
    measure = "(a) analyze_source vs ast.parse"
    target = f"≤ {RATIO_TARGET:g}x"
    rows: list[Row] = []
    for n in sizes:
        text = synth_models(n)
        input_ = f"{n} models ({text.count(chr(10)):,} lines, {len(text.encode()) // 1024} KiB)"
        n_runs = max(3, runs // 2) if n >= 1000 else runs
        parse_s = median_seconds(partial(ast.parse, text), n_runs)
        if analyze_source is None:
            rows.append(
                Row(measure, input_, "—", fmt_s(parse_s), "—", target, "not available", reason)
            )
            continue
        try:
            start = time.perf_counter()
            result = analyze_source(text)
            first_s = time.perf_counter() - start
            analyze_s = median_seconds(partial(analyze_source, text), n_runs)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            rows.append(Row(measure, input_, "—", fmt_s(parse_s), "—", target, "error", error))
            continue
        ratio = analyze_s / parse_s
        found = len(getattr(result, "models", ()))
        notes = [f"first call {fmt_s(first_s)}"]
        ok = ratio <= RATIO_TARGET
        if found != n:  # fast but wrong is not a pass
            notes.append(f"**found {found} of {n} models**")
            ok = False
        rows.append(
            Row(
                measure,
                input_,
                fmt_s(analyze_s),
                fmt_s(parse_s),
                f"{ratio:.2f}x",
                target,
                "pass" if ok else "FAIL",
                "; ".join(notes),
            )
        )
    return rows


# --------------------------------------------------------------------------- (b)


def bench_generation(n: int, runs: int) -> Row:
    measure = "(b) analyze + generate_project"
    text = synth_models(n)
    input_ = f"{n} models"
    target = f"≤ {fmt_s(GENERATION_TARGET_S)}"
    analyze_source, reason = load("crudsmith.analysis", "analyze_source")
    if analyze_source is None:
        return unavailable(measure, input_, target, reason)
    generate_project, reason = load("crudsmith.generation", "generate_project")
    if generate_project is None:
        return unavailable(measure, input_, target, reason)
    options_cls, reason = load("crudsmith.generation", "GenerateOptions")
    if options_cls is None:
        return unavailable(measure, input_, target, reason)

    def run() -> dict[str, str]:
        analysis = analyze_source(text)
        files: dict[str, str] = generate_project(analysis, text, options_cls())
        return files

    try:
        start = time.perf_counter()
        files = run()  # the first call pays for template loading, as one CLI run does
        first_s = time.perf_counter() - start
        warm_s = median_seconds(run, runs, warmup=0)
    except Exception as exc:
        return Row(measure, input_, "—", "—", "—", target, "error", f"{type(exc).__name__}: {exc}")
    n_lines = sum(body.count("\n") for body in files.values())
    worst = max(first_s, warm_s)
    return Row(
        measure,
        input_,
        f"{fmt_s(warm_s)} warm, {fmt_s(first_s)} first",
        "—",
        "—",
        target,
        "pass" if worst <= GENERATION_TARGET_S else "FAIL",
        f"{len(files)} files, {n_lines:,} lines written",
    )


# --------------------------------------------------------------------------- (c)


def _median_subprocess(
    argv: list[str], runs: int
) -> tuple[float, subprocess.CompletedProcess[str]]:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)  # warm-up
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            break
    return statistics.median(times), proc


def _top_imports(module: str = "crudsmith.cli.main", count: int = 5) -> str:
    """The slowest top-level packages under `import module`, from `python -X importtime`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=False,
    )
    cumulative: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        # "import time: <self us> | <cumulative us> | <indent><module>"
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].strip()
        if "." in name or name == "crudsmith" or name.startswith("_"):
            continue
        cumulative[name] = max(cumulative.get(name, 0), int(parts[1]))
    top = sorted(cumulative.items(), key=lambda item: item[1], reverse=True)[:count]
    return ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in top)


def bench_help(runs: int) -> list[Row]:
    target = f"≤ {fmt_s(HELP_TARGET_S)}"
    python_s, _ = _median_subprocess([sys.executable, "-c", "pass"], runs)
    rows = [
        Row(
            "(c) floor: `python -c pass`",
            f"median of {runs}",
            fmt_s(python_s),
            "—",
            "—",
            "—",
            "—",
            "interpreter start-up alone",
        )
    ]
    script = VENV_BIN / "crudsmith"
    for args in (["--help"], ["generate", "--help"]):
        measure = f"(c) `crudsmith {' '.join(args)}` wall time"
        if not script.exists():
            rows.append(unavailable(measure, f"median of {runs}", target, f"no {script}"))
            continue
        help_s, proc = _median_subprocess([str(script), *args], runs)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            reason = f"exit {proc.returncode}: {last}"
            rows.append(unavailable(measure, f"median of {runs}", target, reason))
            continue
        ok = help_s <= HELP_TARGET_S
        rows.append(
            Row(
                measure,
                f"median of {runs}",
                fmt_s(help_s),
                fmt_s(python_s),
                f"+{fmt_s(help_s - python_s)}",
                target,
                "pass" if ok else "FAIL",
                "" if ok else f"slowest imports: {_top_imports()}",
            )
        )
    return rows


def bench_import_budget(runs: int) -> list[Row]:
    """Extra wall time of `python -c "import X"` over `python -c pass`: what the CLI can afford."""
    floor_s, _ = _median_subprocess([sys.executable, "-c", "pass"], runs)
    rows: list[Row] = []
    for module in IMPORT_BUDGET:
        took_s, proc = _median_subprocess([sys.executable, "-c", f"import {module}"], runs)
        if proc.returncode != 0:
            rows.append(unavailable("(c) import budget", module, "—", "not importable"))
            continue
        rows.append(
            Row(
                "(c) import budget",
                f"`import {module}`",
                f"+{fmt_s(took_s - floor_s)}",
                fmt_s(floor_s),
                "—",
                "—",
                "info",
                "keep out of the `--help` path" if took_s - floor_s > HELP_TARGET_S / 3 else "",
            )
        )
    return rows


# --------------------------------------------------------------------------- report


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_revision() -> str:
    proc = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or "unknown"


def machine_facts() -> list[tuple[str, str]]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    versions: list[str] = []
    for dist in ("crudsmith", "sqlalchemy", "jinja2", "libcst", "pygls", "fastapi"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return [
        ("Date (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M")),
        ("Commit", _git_revision()),
        ("CPU", _cpu_model()),
        ("CPU count", f"{os.cpu_count()} (usable: {usable if usable is not None else '?'})"),
        ("Platform", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Libraries", ", ".join(versions)),
    ]


def render(rows: list[Row], facts: list[tuple[str, str]]) -> str:
    out = ["# crudsmith engine benchmarks", ""]
    out += [f"- **{key}**: {value}" for key, value in facts]
    out += [
        "",
        "| Measure | Input | crudsmith | Baseline | Ratio | Target | Result | Note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = (r.measure, r.input, r.crudsmith, r.baseline, r.ratio, r.target, r.result, r.note)
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    out += [
        "",
        "Times are medians of warm runs unless marked; the ratio in (a) is analyze / parse.",
        "Command: `.venv/bin/python bench/bench_engine.py`",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="crudsmith engine benchmarks")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement")
    parser.add_argument("--out", type=Path, default=OUT, help=f"markdown output (default {OUT})")
    args = parser.parse_args(argv)

    rows = bench_analysis(ANALYSIS_SIZES, args.runs)
    rows.append(bench_generation(GENERATION_SIZE, max(3, args.runs // 2)))
    rows += bench_help(HELP_RUNS)
    rows += bench_import_budget(5)
    report = render(rows, machine_facts())
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
