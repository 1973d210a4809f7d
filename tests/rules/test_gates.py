"""Text gates (`crudsmith.rules.gates`): a gate never says "absent" for an identifier the
tree holds, fullwidth (NFKC) spellings included, and the gated rules still fire on them."""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
from pathlib import Path
from typing import Any

import pytest
from harness import findings

from crudsmith.rules.engine import build_context
from crudsmith.rules.gates import Gate, fragments, mentions, names_any, normalised_source, words

ROOT = Path(__file__).resolve().parents[2]


def fullwidth(text: str) -> str:
    """ASCII letters and digits as their fullwidth forms (NFKC maps them back)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def gate_says(source: str, gate: Gate) -> bool:
    return mentions(build_context("app/x.py", source), gate)


def test_words_match_whole_identifiers_only() -> None:
    gate = words("dict", "CORSMiddleware")
    assert gate_says("x = payload.dict()\n", gate)
    assert gate_says("x = payload.\\\n    dict()\n", gate)
    assert gate_says("app.add_middleware(CORSMiddleware)\n", gate)
    assert not gate_says("x = predict(dictionary, dict_)\n", gate)
    assert not gate_says("x = 1\n", gate)


def test_a_fullwidth_identifier_is_found() -> None:
    source = f"from fastapi.middleware.cors import {fullwidth('CORSMiddleware')}\n"
    assert "CORSMiddleware" not in source
    assert gate_says(source, words("CORSMiddleware"))
    assert not gate_says(source, words("BaseSettings"))


def test_fragments_ignore_case_like_the_rules_regexes() -> None:
    gate = fragments("password", "token", ignore_case=True)
    assert gate_says("USER_PASSWORD = get()\n", gate)
    assert gate_says(f"{fullwidth('Password')} = get()\n", gate)
    assert gate_says("to\u212aen = get()\n", gate)  # KELVIN SIGN: NFKC gives `K`
    assert gate_says("pa\u017f\u017fword = get()\n", gate)  # LONG S: NFKC gives `s`
    assert gate_says("pa\u017f\u017fword = get()\n", fragments("ss", ignore_case=False))
    assert not gate_says("user_name = get()\n", gate)
    # DOTLESS I: `re.IGNORECASE` matches it to `i`, `str.lower()` does not.
    assert gate_says("P\u0131D = 1\n", fragments("pid", ignore_case=True))
    # DOTTED CAPITAL I: `str.lower()` gives `i` and a combining dot.
    assert gate_says("P\u0130D = 1\n", fragments("pid", ignore_case=True))


def test_normalisation_is_skipped_for_ascii_and_normalised_text() -> None:
    for source in ("x = 1\n", "x = 'déjà'\n"):
        ctx = build_context("app/x.py", source)
        assert normalised_source(ctx) is ctx.source
    ctx = build_context("app/x.py", f"{fullwidth('abc')} = 1\n")
    assert normalised_source(ctx) == "abc = 1\n"


def test_tokens_must_be_ascii() -> None:
    with pytest.raises(ValueError):
        words()
    with pytest.raises(ValueError):
        words("d\u00e9j\u00e0")


def _identifiers(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.keyword | ast.arg) and getattr(node, "arg", None):
            found.add(node.arg)  # type: ignore[arg-type]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.update(node.name.split("."))
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update(node.module.split("."))
    return found


@pytest.mark.parametrize("spelling", ["ascii", "fullwidth"])
def test_every_identifier_of_the_examples_passes_its_gate(spelling: str) -> None:
    for path in sorted((ROOT / "examples").glob("*/models.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        if spelling == "fullwidth":
            # Respell every name token (not strings or comments) in fullwidth letters.
            source = _respell_names(source)
            assert ast.dump(ast.parse(source)) == ast.dump(tree)
        ctx = build_context(str(path), source)
        for name in _identifiers(tree):
            assert mentions(ctx, words(name)), (path.name, name)
            assert mentions(ctx, fragments(name.upper(), ignore_case=True)), (path.name, name)


def _respell_names(source: str) -> str:
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    # Replace from the end so earlier columns stay valid.
    for token in reversed(tokens):
        if token.type != tokenize.NAME or keyword.iskeyword(token.string):
            continue
        if keyword.issoftkeyword(token.string):
            continue
        (row, start), (_, end) = token.start, token.end
        line = lines[row - 1]
        lines[row - 1] = line[:start] + fullwidth(token.string) + line[end:]
    return "".join(lines)


def test_gated_rules_fire_on_fullwidth_spellings() -> None:
    """Each rule's finding survives when its gated identifier is written only in fullwidth."""
    cors = (
        "from fastapi import FastAPI\n"
        f"from fastapi.middleware.cors import {fullwidth('CORSMiddleware')}\n\n"
        "app = FastAPI()\n"
        f'app.add_middleware({fullwidth("CORSMiddleware")}, allow_origins=["*"],'
        " allow_credentials=True)\n"
    )
    assert [f.code for f in findings(cors, "CSM305")] == ["CSM305"]
    settings = f"from pydantic import {fullwidth('BaseSettings')}\n"
    assert [f.code for f in findings(settings, "CSM203")] == ["CSM203"]
    helper = f"from {fullwidth('pydantic')} import parse_obj_as\n\nx = parse_obj_as(int, '1')\n"
    assert [f.code for f in findings(helper, "CSM208")] == ["CSM208"]


def test_a_token_inside_another_does_not_hide_it() -> None:
    gate = words("Response", "JSONResponse", "HTTPException")
    assert gate.cores == ("Response", "HTTPException")
    assert gate_says("return JSONResponse({})\n", gate)
    assert not gate_says("return MyResponses({})\n", gate)
    assert gate_says("raise HTTPException(404)\n", gate)


def test_names_any_finds_run_time_names() -> None:
    ctx = build_context("app/x.py", f"x = {fullwidth('UserCreate')}(name='a')\ny = Caf\u00e9()\n")
    assert names_any(ctx, ["Other", "UserCreate"])
    assert names_any(ctx, ["Caf\u00e9"])
    assert not names_any(ctx, ["User", "Create", "Cafe"])
    assert not names_any(ctx, [])


SCHEMAS = "from pydantic import BaseModel\n\n\nclass UserCreate(BaseModel):\n    name: str\n"


@pytest.mark.parametrize(
    "annotation",
    [
        fullwidth("UserCreate"),  # the class named only in fullwidth letters
        '"User\\x43reate"',  # a string annotation the text cannot show
        '"User" "Create"',  # implicitly joined literals
    ],
)
def test_csm202_sees_a_workspace_class_however_it_is_spelled(annotation: str) -> None:
    source = f"def create(payload: {annotation}) -> dict:\n    return payload.dict()\n"
    found = findings(source, "CSM202", workspace_files={"app/schemas.py": SCHEMAS})
    assert [f.code for f in found] == ["CSM202"]


def test_ignore_case_gates_find_every_re_ignorecase_match() -> None:
    """Every character `re.IGNORECASE` matches to an ASCII letter, inside an identifier."""
    letters = re.compile("[a-z]", re.IGNORECASE)
    odd = [chr(c) for c in range(128, 0x110000) if letters.fullmatch(chr(c))]
    assert odd  # the Kelvin sign, long s, dotted and dotless i at least
    for char in odd:
        letter = next(a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, char, re.I))
        assert gate_says(f"x_{char}y = 1\n", fragments(f"_{letter}y", ignore_case=True)), char


RESPELLINGS = [
    # (rule, fixture, respelling): the respelt source must give the same findings.
    ("CSM101", "rest/csm101.py", lambda s: s.replace(".add(", ".add (")),
    ("CSM105", "rest/csm105.py", lambda s: re.sub(r"status_code=(\d+)", r"status_code=(\1)", s)),
    ("CSM107", "rest/csm107.py", lambda s: s.replace("exclude_unset", fullwidth("exclude_unset"))),
    ("CSM309", "security/csm309.py", lambda s: s.replace("UploadFile", fullwidth("UploadFile"))),
    ("CSM402", "sqlalchemy/csm402.py", lambda s: s.replace(".query(", ".query (")),
]


@pytest.mark.parametrize(("code", "name", "respell"), RESPELLINGS)
def test_rules_fire_on_spaced_and_fullwidth_spellings(code: str, name: str, respell: Any) -> None:
    source = (ROOT / "tests" / "rules" / "fixtures" / name).read_text(encoding="utf-8")
    respelt = respell(source)
    assert respelt != source
    expected = [f.span.line for f in findings(source, code)]
    assert expected
    assert [f.span.line for f in findings(respelt, code)] == expected


def test_a_spaced_http_exception_status_is_found() -> None:
    source = (
        "from fastapi import FastAPI, HTTPException\n\napp = FastAPI()\n\n\n"
        '@app.get("/items/{item_id}")\ndef read_item(item_id: int) -> None:\n'
        "    raise HTTPException (404)\n"
    )
    assert [f.span.line for f in findings(source, "CSM105")] == [8]
