"""`crudsmith rules [CODE]`: list every rule, or print one rule's documentation."""

from __future__ import annotations

import argparse
import json
import sys

from crudsmith.cli.main import CliError
from crudsmith.rules.docs import doc_url, rule_page
from crudsmith.rules.registry import all_rules, rule_by_code


def run_rules(args: argparse.Namespace) -> int:
    if args.code:
        rule = rule_by_code(args.code.strip().upper())
        if rule is None:
            raise CliError(f"unknown rule {args.code!r} (`crudsmith rules` lists them)")
        if args.json:
            print(json.dumps(_as_json(rule.code), indent=2))
        else:
            sys.stdout.write(rule_page(rule))
        return 0
    rules = all_rules()
    if args.json:
        print(json.dumps([_as_json(rule.code) for rule in rules], indent=2))
        return 0
    width = max((len(rule.name) for rule in rules), default=4)
    for rule in rules:
        mark = "[*]" if rule.fixable else "   "
        print(f"{rule.code}  {rule.name:<{width}}  {mark}  {rule.summary}")
    print(f"\n{len(rules)} rules; [*] fixable. `crudsmith rules CODE` explains one.")
    return 0


def _as_json(code: str) -> dict[str, object]:
    rule = rule_by_code(code)
    assert rule is not None
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity.value,
        "fixable": rule.fixable,
        "url": doc_url(rule.code),
        "doc": rule.doc,
    }
