"""The seed extras work: expanded with their defaults into an app, served by TestClient."""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType

import pytest
from expand import ask, expand
from fastapi.testclient import TestClient

APP_DOCUMENT = '"""An app."""\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n'
EXTRAS = ("fastapi-upload", "fastapi-background-task", "fastapi-request-logging", "fastapi-cors")


def _app_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    text = APP_DOCUMENT
    for label in EXTRAS:
        answer = ask(text + label, [])
        (item,) = answer.items
        text = expand(text + label, answer, item) + "\n"
    path = tmp_path / "extras_app.py"
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # uploads land in tmp_path/uploads
    spec = importlib.util.spec_from_file_location("extras_app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "extras_app", module)
    spec.loader.exec_module(module)
    return module


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_upload_checks_type_and_size_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _app_module(tmp_path, monkeypatch)
    client = TestClient(module.app)
    ok = client.post("/uploads", files={"file": ("a.png", PNG, "image/png")})
    assert ok.status_code == 201, ok.text
    assert ok.json()["size"] == len(PNG)
    assert (tmp_path / "uploads" / ok.json()["filename"]).read_bytes() == PNG
    wrong_type = client.post("/uploads", files={"file": ("a.txt", b"hello", "text/plain")})
    assert wrong_type.status_code == 415
    disguised = client.post("/uploads", files={"file": ("a.png", b"GIF89a....", "image/png")})
    assert disguised.status_code == 415
    monkeypatch.setattr(module, "MAX_UPLOAD_BYTES", 150 * 1024)
    big = PNG + b"\x00" * (400 * 1024)
    too_big = client.post("/uploads", files={"file": ("b.png", big, "image/png")})
    assert too_big.status_code == 413
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == [ok.json()["filename"]]


def test_background_task_logging_and_cors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    module = _app_module(tmp_path, monkeypatch)
    client = TestClient(module.app)
    caplog.set_level(logging.INFO)
    queued = client.post(
        "/notifications",
        json={"recipient": "ada@example.com", "message": "hi"},
        headers={"Origin": "http://localhost:3000", "X-Request-ID": "req-1"},
    )
    assert queued.status_code == 202
    assert queued.json() == {"status": "queued"}
    assert queued.headers["X-Request-ID"] == "req-1"
    assert queued.headers["access-control-allow-origin"] == "http://localhost:3000"
    messages = [record.getMessage() for record in caplog.records]
    assert any("notifying ada@example.com: hi" in m for m in messages)
    assert any(m.startswith("POST /notifications -> 202 in") for m in messages)
    assert client.post("/notifications", json={"recipient": "x"}).status_code == 422
