"""`crudsmith check [PATHS...]`: run the rules over files and folders, like `ruff check`.

Walks folders (skipping tool/vendor folders, `.gitignore`d paths and the configured
`exclude` globs), indexes every walked file once so rules see the whole workspace,
prints the findings sorted, and with `--fix` / `--diff` applies or shows the safe
fixes. Exit codes: 0 nothing found, 1 findings, 2 usage, I/O or configuration error.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pathspec

from crudsmith.cli.files import read_python_text
from crudsmith.cli.main import CliError
from crudsmith.config import ConfigError
from crudsmith.config.lint import (
    LintSettings,
    crudsmith_table,
    find_pyproject,
    load_pyproject_lint,
    parse_lint_settings,
)
from crudsmith.config.settings import Settings, apply_layer
from crudsmith.generation.options import SchemaNames
from crudsmith.rules import report
from crudsmith.rules.engine import build_context, check, fix_all
from crudsmith.rules.lines import line_text
from crudsmith.rules.model import Finding, RuleContext
from crudsmith.workspace.index import IndexedFile, WorkspaceIndex
from crudsmith.workspace.scan import SKIPPED_DIRS, is_excluded

EXIT_CLEAN = 0
EXIT_FINDINGS = 1


# --------------------------------------------------------------------------- settings


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [code.strip() for code in value.split(",") if code.strip()]


def _parse_options(overrides: dict[str, object]) -> LintSettings:
    """The command-line selection; errors name the option (`--select`), not the key."""
    try:
        return parse_lint_settings(overrides)
    except ConfigError as exc:
        message = str(exc)
        for key in overrides:
            message = message.replace(f"'{key}':", f"--{key}:", 1)
        raise ConfigError(message) from exc


def config_file(args: argparse.Namespace, start: Path) -> Path | None:
    """`--config`, else the nearest pyproject.toml with a `[tool.crudsmith]` table."""
    return Path(args.config) if args.config else find_pyproject(start)


def resolve_names(config_path: Path | None) -> SchemaNames:
    """The schema name patterns of `[tool.crudsmith.names]` (the defaults without one).

    Like the editor, a bad pattern costs only itself: a warning on stderr names it and
    the value used instead (the rule selection, by contrast, must be right: exit 2).
    """
    if config_path is None:
        return SchemaNames()
    try:
        table = crudsmith_table(config_path)
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    if "names" not in table:
        return SchemaNames()
    errors: list[ConfigError] = []
    source = f"{config_path} [tool.crudsmith]"
    names = apply_layer(Settings(), {"names": table["names"]}, source, errors).names
    for error in errors:
        print(f"crudsmith: warning: {error}", file=sys.stderr)
    return names


def resolve_settings(args: argparse.Namespace, start: Path) -> tuple[LintSettings, Path]:
    """(lint settings, the root `exclude` globs are relative to): the config file, then
    the command-line options over it."""
    config_path = config_file(args, start)
    try:
        settings = load_pyproject_lint(config_path) if config_path else LintSettings()
        overrides: dict[str, object] = {}
        select = _codes(args.select)
        if select is not None:
            overrides["select"] = select
        extend = _codes(args.extend_select)
        if extend is not None:
            overrides["extend-select"] = [*(settings.extend_select or ()), *extend]
        ignore = _codes(args.ignore)
        if ignore is not None:
            overrides["ignore"] = [*(settings.ignore or ()), *ignore]
        cli = _parse_options(overrides)
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    root = config_path.resolve().parent if config_path else start.resolve()
    return settings.overlay(cli), root


# --------------------------------------------------------------------------- walking


class _Ignores:
    """`.gitignore` files met while walking, each applying below its own folder."""

    def __init__(self) -> None:
        self._specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []

    def load(self, folder: Path) -> None:
        ignore_file = folder / ".gitignore"
        if not ignore_file.is_file():
            return
        try:
            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        self._specs.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        for folder, spec in self._specs:
            try:
                relative = path.relative_to(folder).as_posix()
            except ValueError:
                continue
            if spec.match_file(relative + ("/" if is_dir else "")):
                return True
        return False


def _git_root_ignores(start: Path, ignores: _Ignores) -> None:
    """`.gitignore` files of the enclosing folders up to the repository root."""
    folders = []
    for folder in (start, *start.parents):
        folders.append(folder)
        if (folder / ".git").exists():
            break
    else:
        folders = [start]
    for folder in reversed(folders):
        ignores.load(folder)


def walk(paths: Sequence[Path], root: Path, exclude: tuple[str, ...]) -> list[Path]:
    """The Python files to check, each once, in a stable order."""
    found: dict[Path, None] = {}
    for given in paths:
        if not given.exists():
            raise CliError(f"{given}: no such file or directory")
        if given.is_file():
            found[given] = None  # named explicitly: checked even if excluded
            continue
        ignores = _Ignores()
        _git_root_ignores(given.resolve(), ignores)
        for path in _walk_folder(given, root, exclude, ignores):
            found[path] = None
    return list(found)


def _relative_to_root(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def _walk_folder(
    folder: Path, root: Path, exclude: tuple[str, ...], ignores: _Ignores
) -> Iterator[Path]:
    for current, dirs, files in os.walk(folder):
        base = Path(current)
        resolved = base.resolve()
        if resolved != folder.resolve():
            ignores.load(resolved)
        kept = []
        for name in sorted(dirs):
            child = resolved / name
            relative = _relative_to_root(child, root)
            if name in SKIPPED_DIRS or name.endswith(".egg-info"):
                continue
            if ignores.ignored(child, True) or (relative and is_excluded(relative, exclude)):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            child = resolved / name
            relative = _relative_to_root(child, root)
            if ignores.ignored(child, False) or (relative and is_excluded(relative, exclude)):
                continue
            yield base / name


# --------------------------------------------------------------------------- checking


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


BOM = "\ufeff"


def _without_bom(text: str) -> tuple[str, str]:
    """(text the rules see, prefix to put back on write): Python ignores a leading BOM,
    `ast.parse` of a str does not, and columns are counted without it (like Ruff)."""
    return (text[1:], BOM) if text.startswith(BOM) else (text, "")


@dataclasses.dataclass(slots=True)
class CheckedFile:
    path: Path
    name: str  # display path, also the workspace key
    text: str
    findings: list[Finding]
    fixed: list[Finding] = dataclasses.field(default_factory=list)
    new_text: str | None = None
    bom: str = ""  # written back in front of new_text


def index_files(
    files: Sequence[Path], names: SchemaNames | None = None
) -> tuple[WorkspaceIndex, dict[str, RuleContext], dict[str, str]]:
    """Parse and analyse each file once; the same trees serve the index and the rules.
    Returns the index, each file's context and its BOM prefix ("" or U+FEFF)."""
    index = WorkspaceIndex()
    contexts: dict[str, RuleContext] = {}
    boms: dict[str, str] = {}
    for path in files:
        name = display_path(path)
        text, bom = _without_bom(read_python_text(path))
        ctx = build_context(name, text, names=names)
        boms[name] = bom
        index.put(IndexedFile(name, ctx.statements, ctx.analysis))
        contexts[name] = ctx
    for name, ctx in contexts.items():
        contexts[name] = dataclasses.replace(ctx, workspace=index)
    return index, contexts, boms


def check_files(
    files: Sequence[Path],
    settings: LintSettings,
    *,
    fix: bool,
    names: SchemaNames | None = None,
) -> list[CheckedFile]:
    index, contexts, boms = index_files(files, names)
    checked = []
    for path in files:
        name = display_path(path)
        ctx = contexts[name]
        entry = CheckedFile(path, name, ctx.source, check(ctx, settings), bom=boms[name])
        _warn_syntax(name, ctx)
        if fix and any(f.fix is not None and f.fix.safe for f in entry.findings):
            _fix(entry, settings, index, names)
        checked.append(entry)
    return checked


def _warn_syntax(name: str, ctx: RuleContext) -> None:
    """A file that does not parse is checked on the parts that do; say so on stderr."""
    problems = ctx.analysis.syntax_problems
    if problems:
        first = problems[0]
        column = len(
            line_text(ctx.source, first.line)
            .encode("utf-8", "surrogatepass")[: first.col]
            .decode("utf-8", "ignore")
        )
        print(
            f"crudsmith: warning: {name}:{first.line}:{column + 1}: syntax error "
            f"({first.message}); checked the parts that parse",
            file=sys.stderr,
        )


def _fix(
    entry: CheckedFile, settings: LintSettings, index: WorkspaceIndex, names: SchemaNames | None
) -> None:
    def recheck(text: str) -> list[Finding]:
        return check(build_context(entry.name, text, index, names), settings)

    new_text, applied, remaining = fix_all(entry.text, entry.findings, recheck)
    if not applied or new_text == entry.text:
        return
    entry.new_text = new_text
    entry.fixed = applied
    entry.findings = remaining
    fresh = build_context(entry.name, new_text)
    index.put(IndexedFile(entry.name, fresh.statements, fresh.analysis))


# --------------------------------------------------------------------------- output


def _print_report(args: argparse.Namespace, checked: Sequence[CheckedFile]) -> None:
    files = [
        report.FileFindings(c.name, c.new_text if c.new_text is not None else c.text, c.findings)
        for c in checked
    ]
    out = sys.stdout
    if args.statistics:
        out.write(report.statistics_report(files))
        return
    if args.format == "json":
        out.write(report.json_report(files))
    elif args.format == "github":
        out.write(report.github_report(files))
    elif args.format == "sarif":
        out.write(report.sarif_report(files))
    else:
        out.write(report.text_report(files))
        remaining = sum(len(c.findings) for c in checked)
        fixable = sum(1 for c in checked for f in c.findings if f.fix is not None and f.fix.safe)
        fixed = sum(len(c.fixed) for c in checked)
        if remaining or fixed:
            out.write("\n" if remaining else "")
        out.write(report.summary(remaining, 0 if args.fix else fixable, fixed))


def _diff(checked: Sequence[CheckedFile]) -> str:
    chunks = []
    for entry in checked:
        if entry.new_text is None:
            continue
        chunks.append(
            "".join(
                difflib.unified_diff(
                    entry.text.splitlines(True),
                    entry.new_text.splitlines(True),
                    fromfile=f"a/{entry.name}",
                    tofile=f"b/{entry.name}",
                )
            )
        )
    return "".join(chunks)


def _write(checked: Sequence[CheckedFile]) -> None:
    for entry in checked:
        if entry.new_text is None:
            continue
        try:
            entry.path.write_bytes((entry.bom + entry.new_text).encode("utf-8"))
        except OSError as exc:
            raise CliError(f"{entry.path}: cannot write: {exc.strerror or exc}") from exc


def run_check(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in (args.paths or ["."])]
    start = paths[0] if paths[0].is_dir() else paths[0].parent
    config_start = start if start.exists() else Path.cwd()
    settings, root = resolve_settings(args, config_start)
    names = resolve_names(config_file(args, config_start))
    files = walk(paths, root, settings.excluded_globs)
    checked = check_files(files, settings, fix=args.fix or args.diff, names=names)
    if args.diff:
        diff = _diff(checked)
        sys.stdout.write(diff)
        changed = sum(len(c.fixed) for c in checked)
        if changed:
            print(f"\nWould fix {changed} finding(s).", file=sys.stderr)
        return EXIT_FINDINGS if diff and not args.exit_zero else EXIT_CLEAN
    if args.fix:
        _write(checked)
    _print_report(args, checked)
    remaining = any(c.findings for c in checked)
    return EXIT_FINDINGS if remaining and not args.exit_zero else EXIT_CLEAN
