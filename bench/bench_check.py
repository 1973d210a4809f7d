"""`crudsmith check` benchmark: rules vs analysis on one big file, and the CLI's wall time
on the 1000-model file and a 300-file tree next to `ruff check` and `fastapi-lsp check`.

    .venv/bin/python bench/bench_check.py            # --runs N (default 5), writes out/check.md

Targets (issue 5): the rules add at most 50 % to a file's analysis time; a 300-file
tree is checked in at most 3 s. Wall times are the median of N runs of the command
(process start included); `fastapi-lsp` is the PyPI package's binary (dev extra).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "server"))

from synth import synth_models, synth_tree  # noqa: E402

from crudsmith.config.lint import LintSettings  # noqa: E402
from crudsmith.rules.engine import build_context, check  # noqa: E402
from crudsmith.rules.registry import all_rules  # noqa: E402
from crudsmith.workspace.index import IndexedFile, WorkspaceIndex  # noqa: E402

BIN = Path(sys.executable).parent
RULES_TARGET = 0.50
TREE_TARGET_S = 3.0


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rules_overhead(text: str, runs: int) -> tuple[float, float]:
    """(analysis seconds, rules seconds) for one file: parse+analyse, then every rule."""
    all_rules()  # import the catalogue outside the timing
    settings = LintSettings()

    def analyse() -> None:
        build_context("models.py", text)
        gc.collect()

    analysis = median_time(analyse, runs)
    ctx = build_context("models.py", text)
    index = WorkspaceIndex()
    index.put(IndexedFile("models.py", ctx.statements, ctx.analysis))
    ctx = dataclasses.replace(ctx, workspace=index)
    rules = median_time(lambda: check(ctx, settings), runs)
    return analysis, rules


@dataclasses.dataclass(frozen=True)
class Timing:
    wall: float  # median wall-clock seconds
    cpu: float  # median user+system CPU seconds of the process (robust on a busy machine)


def command_time(command: Sequence[str], cwd: Path, runs: int) -> Timing | None:
    if shutil.which(command[0]) is None and not Path(command[0]).exists():
        return None
    walls: list[float] = []
    cpus: list[float] = []
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)  # warm the file cache
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timing(statistics.median(walls), statistics.median(cpus))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    lines = ["# crudsmith check benchmark", ""]
    big = synth_models(1000)
    analysis, rules = rules_overhead(big, args.runs)
    ratio = rules / analysis
    lines += [
        f"Rules on the 1000-model file: analysis {analysis:.3f} s, rules {rules:.3f} s, "
        f"rules add {ratio:.0%} (target <= {RULES_TARGET:.0%}: "
        f"{'pass' if ratio <= RULES_TARGET else 'FAIL'})",
        "",
        "Wall (CPU) seconds, median of the runs:",
        "",
        "| Input | crudsmith check | ruff check | fastapi-lsp check | crudsmith / ruff | "
        "crudsmith / fastapi-lsp |",
        "|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        single = root / "single"
        single.mkdir()
        (single / "models.py").write_text(big, encoding="utf-8")
        tree = root / "tree"
        synth_tree(tree, files=300)
        tree_time = None
        for label, folder in (("1000-model file", single), ("300-file tree", tree)):
            ours = command_time(
                [str(BIN / "crudsmith"), "check", "--exit-zero", "."], folder, args.runs
            )
            ruff = command_time(
                [str(BIN / "ruff"), "check", "--no-cache", "--exit-zero", "-q", "."],
                folder,
                args.runs,
            )
            other = command_time([str(BIN / "fastapi-lsp"), "check", "."], folder, args.runs)
            if label == "300-file tree":
                tree_time = ours
            lines.append(
                f"| {label} | {_fmt(ours)} | {_fmt(ruff)} | {_fmt(other)} | "
                f"{_ratio(ours, ruff)} | {_ratio(ours, other)} |"
            )
    verdict = "pass" if tree_time is not None and tree_time.wall <= TREE_TARGET_S else "FAIL"
    lines += ["", f"300-file tree target <= {TREE_TARGET_S:.0f} s wall: {verdict}"]
    report = "\n".join(lines) + "\n"
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "check.md").write_text(report, encoding="utf-8")
    print(report, end="")
    return 0


def _fmt(timing: Timing | None) -> str:
    return "n/a" if timing is None else f"{timing.wall:.2f} ({timing.cpu:.2f})"


def _ratio(a: Timing | None, b: Timing | None) -> str:
    if a is None or b is None or b.wall == 0:
        return "n/a"
    cpu = f" ({a.cpu / b.cpu:.0f}x)" if b.cpu > 0 else ""
    return f"{a.wall / b.wall:.0f}x{cpu}"


if __name__ == "__main__":
    sys.exit(main())
