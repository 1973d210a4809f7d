"""The rule registry: rules register themselves with `@rule(...)`; callers run them.

Every module in `crudsmith.rules.catalog` is imported on first use, so adding a
rule means adding a decorated function there and nothing else.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import threading
from collections.abc import Callable

from crudsmith.rules.model import Check, Finding, Rule, RuleContext, Severity

_log = logging.getLogger(__name__)
_RULES: dict[str, Rule] = {}
_loaded = False
_load_lock = threading.Lock()


def rule(
    code: str,
    name: str,
    summary: str,
    severity: Severity,
    doc: str,
    *,
    fixable: bool = False,
) -> Callable[[Check], Check]:
    """Register the decorated check function as rule `code`."""

    def register(check: Check) -> Check:
        if code in _RULES:
            raise ValueError(f"rule {code} registered twice")
        _RULES[code] = Rule(code, name, summary, severity, doc, check, fixable)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code."""
    _load_catalog()
    return [_RULES[code] for code in sorted(_RULES)]


def rule_by_code(code: str) -> Rule | None:
    _load_catalog()
    return _RULES.get(code)


def run_rule(rule_: Rule, ctx: RuleContext) -> list[Finding]:
    """Run one rule; a rule that raises is logged and yields nothing (never crashes callers)."""
    try:
        return list(rule_.check(ctx))
    except Exception:  # a rule bug must not take the editor or CI run down
        _log.exception("rule %s failed on %s", rule_.code, ctx.path)
        return []


def _load_catalog() -> None:
    """Import the catalogue once. Thread-safe: the language server asks from worker threads,
    and a caller must never see a half-filled registry (it would report no findings)."""
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if _loaded:
            return
        from crudsmith.rules import catalog

        for info in sorted(pkgutil.iter_modules(catalog.__path__), key=lambda m: m.name):
            importlib.import_module(f"{catalog.__name__}.{info.name}")
        _loaded = True
