"""`crudsmith inspect`: what analysis sees in a models file, as text or JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from crudsmith.analysis import analyze_source
from crudsmith.analysis.spec import ColumnSpec, ModelSpec, ModuleAnalysis
from crudsmith.cli.files import read_models_file


def run_inspect(args: argparse.Namespace) -> int:
    path = Path(args.models)
    analysis = analyze_source(read_models_file(path))
    if args.json:
        print(json.dumps(to_json(analysis), indent=2, ensure_ascii=False))
    else:
        print(to_text(path, analysis), end="")
    return 0


def to_json(analysis: ModuleAnalysis) -> dict[str, Any]:
    """The stable JSON shape: `models` (each with name, table, columns, …), `skipped`, …"""
    return {
        "models": [_model_json(m) for m in analysis.models],
        "skipped": [{"name": s.name, "reason": s.reason} for s in analysis.skipped],
        "core_tables": [
            {"name": t.variable, "table": t.table, "columns": [c.name for c in t.columns]}
            for t in analysis.core_tables
        ],
        "enums": [{"name": e.name, "members": [n for n, _ in e.members]} for e in analysis.enums],
        "uses_async": analysis.uses_async,
        "syntax_problems": [dataclasses.asdict(p) for p in analysis.syntax_problems],
    }


def _model_json(model: ModelSpec) -> dict[str, Any]:
    return {
        "name": model.name,
        "table": model.table,
        "style": model.style.value,
        "line": model.span.line if model.span else None,
        "primary_key": list(model.primary_key),
        "unique_together": [list(group) for group in model.unique_together],
        "columns": [_column_json(c) for c in model.columns],
        "relationships": [
            {
                "name": r.name,
                "target": r.target,
                "uselist": r.uselist,
                "back_populates": r.back_populates,
                "secondary": r.secondary,
            }
            for r in model.relationships
        ],
    }


def _column_json(col: ColumnSpec) -> dict[str, Any]:
    return {
        "name": col.name,
        "column_name": col.column_name,
        "type": col.sa_type,
        "kind": col.kind.value,
        "python_type": col.python_type,
        "nullable": col.nullable,
        "primary_key": col.primary_key,
        "unique": col.unique,
        "index": col.index,
        "length": col.length,
        "precision": col.precision,
        "scale": col.scale,
        "default": col.default,
        "server_default": col.server_default,
        "onupdate": col.onupdate,
        "foreign_key": (
            f"{col.foreign_key.table}.{col.foreign_key.column}" if col.foreign_key else None
        ),
        "enum": col.enum_name,
        "inherited_from": col.inherited_from,
    }


def to_text(path: Path, analysis: ModuleAnalysis) -> str:
    lines = [f"{path}: {len(analysis.models)} model(s)"]
    for model in analysis.models:
        key = ", ".join(model.primary_key)
        lines.append(f"\n{model.name}  table={model.table}  style={model.style.value}  key=({key})")
        for col in model.columns:
            lines.append(f"  {col.name}: {col.sa_type} -> {col.python_type}{_flags(col)}")
        for rel in model.relationships:
            many = "many" if rel.uselist else "one"
            lines.append(f"  {rel.name} -> {rel.target} ({many})")
    if analysis.core_tables:
        lines.append("\nCore tables: " + ", ".join(t.table for t in analysis.core_tables))
    for skipped in analysis.skipped:
        lines.append(f"skipped {skipped.name}: {skipped.reason}")
    for problem in analysis.syntax_problems:
        lines.append(f"syntax error line {problem.line}: {problem.message}")
    return "\n".join(lines) + "\n"


def _flags(col: ColumnSpec) -> str:
    flags = [
        name
        for name, on in (
            ("pk", col.primary_key),
            ("nullable", col.nullable),
            ("unique", col.unique),
            ("index", col.index),
        )
        if on
    ]
    if col.length:
        flags.append(f"length={col.length}")
    if col.foreign_key:
        flags.append(f"fk={col.foreign_key.table}.{col.foreign_key.column}")
    if col.server_default:
        flags.append(f"server_default={col.server_default}")
    elif col.default:
        flags.append(f"default={col.default}")
    return f"  [{', '.join(flags)}]" if flags else ""
