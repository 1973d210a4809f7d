"""Static analysis of SQLAlchemy / Flask-SQLAlchemy / SQLModel model files.

The analysed code is never imported or executed: everything comes from `ast`.
"""

from __future__ import annotations

from pathlib import Path

from crudsmith.analysis.module import analyze
from crudsmith.analysis.spec import ModuleAnalysis


def analyze_source(text: str) -> ModuleAnalysis:
    """Analyse a models source text. Never raises, whatever the input."""
    return analyze(text)


def analyze_file(path: Path) -> ModuleAnalysis:
    """Read `path` as UTF-8 and analyse it.

    Raises OSError / UnicodeDecodeError when the file cannot be read; the
    caller reports those.
    """
    return analyze(path.read_text(encoding="utf-8"))


__all__ = ["ModuleAnalysis", "analyze_file", "analyze_source"]
