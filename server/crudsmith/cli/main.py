"""`crudsmith` command line. Heavy modules are imported inside the subcommands."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from crudsmith import __version__

EXIT_USAGE = 2


class CliError(Exception):
    """A problem with the user's input: printed as one line on stderr, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crudsmith",
        description=(
            "FastAPI code from SQLAlchemy / SQLModel models: generate a tested app, "
            "inspect what crudsmith sees, or run the language server."
        ),
    )
    parser.add_argument("--version", action="version", version=f"crudsmith {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    generate = commands.add_parser(
        "generate",
        help="write a complete FastAPI project from a models file",
        description=(
            "Write a runnable, tested FastAPI project (schemas, routers, auth, error handlers, "
            "settings, tests) from a models file. Nothing is written unless everything is."
        ),
    )
    generate.add_argument("models", help="the models file (SQLAlchemy, Flask-SQLAlchemy, SQLModel)")
    generate.add_argument("-o", "--output", required=True, help="the project directory to write")
    generate.add_argument(
        "--force", action="store_true", help="overwrite files that already exist in OUTPUT"
    )
    generate.add_argument(
        "--async",
        dest="async_mode",
        action="store_true",
        default=None,
        help="async endpoints over AsyncSession + aiosqlite (automatic when the models use "
        "AsyncAttrs or AsyncSession)",
    )
    generate.add_argument(
        "--only", metavar="NAMES", help="comma-separated model names to generate endpoints for"
    )
    generate.add_argument(
        "--package",
        default="app",
        metavar="NAME",
        help="the dotted package the generated modules live in (default: app)",
    )
    generate.add_argument(
        "--no-auth",
        dest="auth",
        action="store_false",
        help="no JWT auth: no security/deps modules, no CurrentUser on mutations",
    )
    generate.add_argument(
        "--models-module",
        metavar="MODULE",
        help="import the models from this module (e.g. app.models) instead of copying the file",
    )

    inspect = commands.add_parser(
        "inspect",
        help="show what analysis finds in a models file",
        description="Show each model with its table, columns, keys and relationships, and "
        "what was skipped and why. The file is read, never imported.",
    )
    inspect.add_argument("models", help="the models file")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")

    lsp = commands.add_parser(
        "lsp",
        help="run the language server (stdio)",
        description="Run the crudsmith language server over stdio, as editors start it.",
    )
    lsp.add_argument(
        "--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio (for debugging)"
    )
    _add_check_parsers(commands)
    return parser


def _add_check_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="check files and folders against crudsmith's rules",
        description="Report FastAPI / Pydantic v2 / REST / security / SQLAlchemy findings "
        "(exit 0 clean, 1 findings, 2 error). Folders are walked, honouring .gitignore "
        "and [tool.crudsmith] exclude.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    check.add_argument("--format", choices=("text", "json", "github", "sarif"), default="text")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes, then report")
    check.add_argument("--diff", action="store_true", help="print the fixes as a diff only")
    check.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes")
    check.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes")
    check.add_argument("--extend-select", metavar="CODES", help="codes added to the selection")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument("--config", metavar="PATH", help="pyproject.toml with [tool.crudsmith]")
    rules = commands.add_parser(
        "rules",
        help="list the rules, or explain one",
        description="List every rule (code, name, fixable, summary) or print one's documentation.",
    )
    rules.add_argument("code", nargs="?", metavar="CODE", help="a rule code such as CSM201")
    rules.add_argument("--json", action="store_true", help="print JSON")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Parsing the user's code must not print the compiler's warnings about it
    # (`<unknown>:2: SyntaxWarning: invalid decimal literal`): crudsmith reports its own
    # findings, and in `crudsmith lsp` stderr is the editor's log.
    warnings.simplefilter("ignore", SyntaxWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        if args.command == "generate":
            from crudsmith.cli.generate import run_generate

            return run_generate(args)
        if args.command == "check":
            from crudsmith.cli.check import run_check

            return run_check(args)
        if args.command == "rules":
            from crudsmith.cli.rules_cmd import run_rules

            return run_rules(args)
        if args.command == "lsp":
            from crudsmith.cli.lsp import run_lsp

            return run_lsp(args)
        from crudsmith.cli.inspect import run_inspect

        return run_inspect(args)
    except CliError as exc:
        print(f"crudsmith: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    # Run through the package module: under `python -m` this file is `__main__`, and the
    # CliError that subcommands raise is `crudsmith.cli.main.CliError`, not `__main__.CliError`.
    from crudsmith.cli.main import main as package_main

    sys.exit(package_main())
