"""`crudsmith generate`."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from crudsmith.analysis import analyze_source
from crudsmith.cli.files import read_models_file, write_project
from crudsmith.cli.main import CliError
from crudsmith.generation import GenerateOptions, GenerationError, generate_project


def run_generate(args: argparse.Namespace) -> int:
    models_path = Path(args.models)
    if models_path.suffix != ".py":
        raise CliError(f"{models_path}: not a Python file (expected a .py models file)")
    source = read_models_file(models_path)
    try:
        compile(source, str(models_path), "exec", flags=0, dont_inherit=True)
    except SyntaxError as exc:
        raise CliError(f"{models_path}:{exc.lineno}: not valid Python: {exc.msg}") from exc
    except ValueError as exc:
        raise CliError(f"{models_path}: not valid Python: {exc}") from exc
    analysis = analyze_source(source)
    if not analysis.models:
        raise CliError(f"{models_path}: no SQLAlchemy or SQLModel models found")
    output = Path(args.output)
    try:
        options = GenerateOptions(
            async_mode=args.async_mode,
            only=_only(args.only),
            models_module=args.models_module,
            project_name=re.sub(r"[^A-Za-z0-9._-]+", "-", output.resolve().name) or "app",
            source_name=models_path.name,
            package=args.package,
            auth=args.auth,
        )
        files = generate_project(analysis, source, options)
    except GenerationError as exc:
        raise CliError(f"{models_path}: {exc}") from exc
    write_project(files, output, force=args.force)
    selected = [m.name for m in analysis.models if options.only is None or m.name in options.only]
    names = ", ".join(selected)
    print(f"wrote {len(files)} files to {output} for {names}", file=sys.stderr)
    serve = f"uvicorn {options.package}.main:app"
    print(f"next: cd {output} && pip install -e '.[dev]' && {serve}", file=sys.stderr)
    return 0


def _only(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise CliError("--only: give at least one model name")
    return names
