"""The built wheel carries the templates: `crudsmith generate` works from a fresh venv."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_generates(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("crudsmith-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    out = tmp_path / "blog"
    result = subprocess.run(
        [
            str(env_dir / "bin" / "crudsmith"),
            "generate",
            str(REPO / "examples/blog/models.py"),
            "-o",
            str(out),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "app" / "routers" / "posts.py").is_file()
    snippets = subprocess.run(
        [str(python), "-c", "from crudsmith.resources import snippets_dir; print(snippets_dir())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert str(env_dir) in snippets  # the templates inside the wheel, not the checkout's
