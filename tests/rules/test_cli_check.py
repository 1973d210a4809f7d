"""`crudsmith check` / `crudsmith rules`: exit codes, formats, fixes, walking, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from harness import fixture

from crudsmith.cli.main import main

SARIF_SCHEMA = Path(__file__).resolve().parent / "sarif-schema-2.1.0.json"
GITHUB_LINE = re.compile(
    r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
    r"title=CSM\d{3}::CSM\d{3} [^\r\n]+$"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project: models, drifted schemas, a git-ignored and a vendored file."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "models.py").write_text(fixture("structure", "models.py"), encoding="utf-8")
    schemas = fixture("structure", "csm502_missing_before.py")
    (app / "schemas.py").write_text(schemas.replace("title", "títle_é", 0), encoding="utf-8")
    (tmp_path / ".gitignore").write_text("generated/\n*_skip.py\n", encoding="utf-8")
    (app / ".gitignore").write_text("local_*.py\n", encoding="utf-8")  # nested: below app/
    ignored_files = ("generated/a.py", "app/old_skip.py", "app/local_x.py", ".venv/lib.py")
    for ignored in (*ignored_files, "node_modules/x.py", "build/y.py"):
        target = tmp_path / ignored
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(fixture("structure", "csm502_gone_before.py"), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crudsmith]\nselect = ["CSM5"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_output_sorted_and_exit_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check"], capsys)
    assert code == 1, err
    lines = out.splitlines()
    assert lines[:3] == [
        "app/models.py:13:7: CSM501 model 'User' has no endpoints",
        "app/models.py:23:7: CSM501 model 'Article' has no endpoints",
        "app/schemas.py:11:7: CSM502 'ArticleCreate' lacks column(s) 'subtitle', 'views' "
        "of model 'Article'",
    ]
    assert "Found 3 finding(s)." in out and "[*] 1 fixable" in out
    for hidden in ("generated", "skip", "local_x", ".venv", "node_modules", "build/"):
        assert hidden not in out


def test_exit_zero_clean_and_select(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--exit-zero"], capsys)[0] == 0
    code, out, _ = run(["check", "--select", "CSM503"], capsys)
    assert code == 0 and out == "All checks passed!\n"
    code, out, _ = run(["check", "--ignore", "CSM501"], capsys)
    assert code == 1 and "CSM501" not in out and "CSM502" in out


def test_columns_are_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    source = (
        "from fastapi import FastAPI, APIRouter\napp = FastAPI()\né = 1; routér = APIRouter()\n"
    )
    (tmp_path / "main.py").write_text(source, encoding="utf-8")
    code, out, _ = run(["check", "--select", "CSM503", "main.py"], capsys)
    assert code == 1
    assert out.splitlines()[0] == "main.py:3:8: CSM503 router 'routér' is never included in an app"
    data = json.loads(
        run(["check", "--select", "CSM503", "--format", "json", "main.py"], capsys)[1]
    )
    assert data[0]["location"] == {"row": 3, "column": 8}
    assert data[0]["end_location"] == {"row": 3, "column": 14}


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "json"], capsys)
    assert code == 1
    items = json.loads(out)
    assert [i["code"] for i in items] == ["CSM501", "CSM501", "CSM502"]
    drift = items[2]
    assert drift["filename"] == "app/schemas.py" and drift["name"] == "schema-drift"
    assert drift["fix"]["applicability"] == "safe"
    assert drift["url"].endswith("docs/rules/CSM502.md")


def test_github_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(["check", "--format", "github"], capsys)[1]
    lines = out.splitlines()
    assert len(lines) == 3
    assert all(GITHUB_LINE.match(line) for line in lines), lines
    assert lines[0].startswith("::notice file=app/models.py,line=13,col=7,")
    assert lines[2].startswith("::warning file=app/schemas.py,line=11,col=7,")


def test_sarif_validates_against_the_schema(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(["check", "--format", "sarif"], capsys)[1]
    document = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run_ = document["runs"][0]
    assert [r["ruleId"] for r in run_["results"]] == ["CSM501", "CSM501", "CSM502"]
    rules = run_["tool"]["driver"]["rules"]
    assert rules[run_["results"][2]["ruleIndex"]]["id"] == "CSM502"
    region = run_["results"][2]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 11 and region["startColumn"] == 7


def test_sarif_schema_rejects_a_broken_document() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate({"version": "2.1.0", "runs": [{"x": 1}]})


def test_statistics(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--statistics"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "2\tCSM501\t    model-without-endpoints",
        "1\tCSM502\t[*] schema-drift",
    ]


def test_diff_writes_nothing_then_fix_is_idempotent(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schemas = project / "app" / "schemas.py"
    before = schemas.read_text(encoding="utf-8")
    code, out, _ = run(["check", "--diff"], capsys)
    assert code == 1
    assert out.startswith("--- a/app/schemas.py\n+++ b/app/schemas.py\n")
    assert "+    subtitle: str | None = Field(default=None, max_length=120)" in out
    assert schemas.read_text(encoding="utf-8") == before
    code, out, _ = run(["check", "--fix"], capsys)
    assert code == 1  # the CSM501 hints have no fix and remain
    assert "CSM502" not in out
    assert "Found 3 finding(s) (1 fixed, 2 remaining)." in out
    fixed = schemas.read_text(encoding="utf-8")
    assert fixed != before and "views: int = Field(default=0)" in fixed
    assert run(["check", "--fix"], capsys)[0] == 1
    assert schemas.read_text(encoding="utf-8") == fixed
    assert run(["check", "--diff"], capsys)[1] == ""


def test_explicit_file_and_missing_path(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "generated/a.py", "app/models.py"], capsys)
    assert code == 1 and "generated/a.py:" in out  # named explicitly: checked
    code, _, err = run(["check", "nope/"], capsys)
    assert code == 2
    assert err.strip().splitlines() == ["crudsmith: error: nope: no such file or directory"]


def test_bad_config_and_options_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.crudsmith]\nselect = "CSM5"\n', "utf-8")
    code, _, err = run(["check"], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "'select': expected a list" in err
    (project / "pyproject.toml").write_text('[tool.crudsmith]\nselect = ["CSM5"]\n', "utf-8")
    code, _, err = run(["check", "--select", "XYZ1"], capsys)
    assert code == 2 and "--select: 'XYZ1' is not a rule selector" in err
    code, _, err = run(["check", "--config", "missing.toml"], capsys)
    assert code == 2 and "missing.toml: cannot read" in err
    with pytest.raises(SystemExit) as info:
        main(["check", "--format", "xml"])
    assert info.value.code == 2


def test_config_exclude_and_severity(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.crudsmith]\nselect = ["CSM5"]\nexclude = ["app/schemas.py"]\n', "utf-8"
    )
    out = run(["check"], capsys)[1]
    assert "schemas.py" not in out and "models.py" in out


def test_non_utf8_file_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "app" / "latin.py").write_bytes(b"x = '\xe9'\n")
    code, _, err = run(["check"], capsys)
    assert code == 2 and "latin.py: not a UTF-8 Python file" in err


def test_rules_list_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == 0
    assert re.search(r"^CSM502  schema-drift +\[\*\]  A schema derived", out, re.MULTILINE)
    assert re.search(r"^CSM501  model-without-endpoints +  ", out, re.MULTILINE)
    code, out, _ = run(["rules", "CSM502"], capsys)
    assert code == 0 and out.startswith("# CSM502 `schema-drift`\n")
    assert "Bad" in out and "Good" in out
    listed = json.loads(run(["rules", "--json"], capsys)[1])
    assert {"CSM501", "CSM502", "CSM503"} <= {r["code"] for r in listed}
    code, _, err = run(["rules", "CSM999"], capsys)
    assert code == 2 and "unknown rule 'CSM999'" in err


def test_byte_order_mark_is_ignored_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models.py").write_text(fixture("structure", "models.py"), encoding="utf-8")
    before = "\ufeff" + fixture("structure", "csm502_missing_before.py")
    (tmp_path / "schemas.py").write_text(before, encoding="utf-8")
    out = run(["check", "--select", "CSM502", "."], capsys)[1]
    assert out.splitlines()[0].startswith("schemas.py:11:7: CSM502 'ArticleCreate'")
    run(["check", "--select", "CSM502", "--fix", "."], capsys)
    after = (tmp_path / "schemas.py").read_text(encoding="utf-8")
    assert after == "\ufeff" + fixture("structure", "csm502_missing_after.py")
    (tmp_path / "settings.py").write_text(
        "\ufefffrom pydantic import BaseSettings\n", encoding="utf-8"
    )
    out = run(["check", "--select", "CSM203", "settings.py"], capsys)[1]
    assert out.splitlines()[0].startswith("settings.py:1:22: CSM203 ")


def test_syntax_error_is_a_warning_and_the_rest_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    source = "é = (\nfrom pydantic import BaseSettings\n"
    (tmp_path / "broken.py").write_text(source, encoding="utf-8")
    code, out, err = run(["check", "--select", "CSM203", "."], capsys)
    assert err.splitlines()[0].startswith("crudsmith: warning: broken.py:")
    assert "syntax error" in err
    assert code == 1 and "broken.py:2:22: CSM203" in out
