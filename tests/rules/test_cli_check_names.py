"""`crudsmith check` honours `[tool.crudsmith.names]` (CSM501 and CSM502)."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import fixture

from crudsmith.cli.main import main

NAMES = '[tool.crudsmith.names]\ncreate = "{model}In"\npublic = "{model}Out"\n'


def make_project(root: Path, names: str) -> None:
    app = root / "app"
    app.mkdir()
    (app / "models.py").write_text(fixture("structure", "models.py"), encoding="utf-8")
    for name, target in (("names_schemas.py", "schemas.py"), ("names_router.py", "routers.py")):
        (app / target).write_text(fixture("structure", name), encoding="utf-8")
    config = '[tool.crudsmith]\nselect = ["CSM501", "CSM502"]\n\n' + names
    (root / "pyproject.toml").write_text(config, encoding="utf-8")


def check(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_check_uses_the_configured_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path, NAMES)
    monkeypatch.chdir(tmp_path)
    code, out, err = check([], capsys)
    assert code == 1, err
    assert out[:3] == [
        "app/schemas.py:6:7: CSM502 'ArticleIn' lacks column(s) 'subtitle', 'views' "
        "of model 'Article'",
        "app/schemas.py:11:7: CSM502 'ArticleOut' lacks column(s) 'subtitle' of model 'Article'",
        "app/schemas.py:17:5: CSM502 'ArticleOut.views' is str, the column holds int "
        "(model 'Article')",
    ]
    assert "Found 3 finding(s)." in out  # no CSM501: the router uses ArticleIn and UserOut
    assert err == ""
    code, out, err = check(["--fix"], capsys)
    assert code == 0 and out == ["Found 3 finding(s) (3 fixed)."], out
    assert check([], capsys)[:2] == (0, ["All checks passed!"])
    fixed = (tmp_path / "app" / "schemas.py").read_text(encoding="utf-8")
    assert "    subtitle: str | None = Field(default=None, max_length=120)\n" in fixed
    assert fixed.endswith("class ArticlePublic(BaseModel):\n    id: int\n")


def test_check_without_names_uses_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path, "")
    monkeypatch.chdir(tmp_path)
    code, out, _ = check([], capsys)
    assert code == 1
    assert [line.split(" ", 2)[1] for line in out if ": CSM" in line] == [
        "CSM501",
        "CSM501",
        "CSM502",
    ]
    assert "'ArticlePublic' lacks column(s)" in out[2]


def test_a_bad_pattern_is_a_warning_and_the_rest_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path, NAMES + 'update = "Patch"\n')
    monkeypatch.chdir(tmp_path)
    code, out, err = check(["--config", "pyproject.toml", "app"], capsys)
    assert code == 1
    assert "crudsmith: warning: crudsmith setting `names.update`" in err
    assert "Found 3 finding(s)." in out and "'ArticleOut' lacks" in out[1]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crudsmith.names]\ncreate = "{model}X"\npublic = "{model}X"\n', encoding="utf-8"
    )
    code, out, err = check([], capsys)
    assert "`names`" in err and "must differ; using SchemaNames(base='{model}Base'" in err
    assert "'ArticlePublic' lacks column(s)" in "\n".join(out)
