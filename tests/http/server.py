"""Generate a crudsmith project and serve it with uvicorn in a subprocess.

Used by `test_generated_http.py`: `start_generated_app()` generates the project,
starts uvicorn on a free port, waits (bounded) for `/health`, and returns a
`RunningApp`; `RunningApp.stop()` always terminates the server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from crudsmith.cli.main import main as crudsmith_main

REPO = Path(__file__).resolve().parents[2]
SECRET_KEY = "test-secret-key-0123456789abcdef0123456789"
STARTUP_TIMEOUT = 20.0


def example_models(name: str) -> Path:
    return REPO / "examples" / name / "models.py"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningApp:
    out: Path
    db_path: Path
    base_url: str
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    def logs(self) -> str:
        out = self.stdout_path.read_text(errors="replace")
        err = self.stderr_path.read_text(errors="replace")
        return f"--- server stdout ---\n{out}\n--- server stderr ---\n{err}"

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=15.0, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def generate(models: Path, out: Path, *, use_async: bool = False) -> None:
    argv = ["generate", str(models), "-o", str(out)]
    if use_async:
        argv.append("--async")
    code = crudsmith_main(argv)
    assert code in (None, 0), f"crudsmith generate exited with {code!r}"
    assert (out / "app" / "main.py").is_file()


def start_generated_app(models: Path, workdir: Path, *, use_async: bool = False) -> RunningApp:
    """Generate `models` into `workdir/project` and serve it; fail loudly if it never comes up."""
    out = workdir / "project"
    generate(models, out, use_async=use_async)

    db_path = workdir / "app.db"
    scheme = "sqlite+aiosqlite" if use_async else "sqlite"
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update(
        DATABASE_URL=f"{scheme}:///{db_path}",
        SECRET_KEY=SECRET_KEY,
        ENVIRONMENT="development",
        CREATE_TABLES="true",
    )
    port = free_port()
    stdout_path = workdir / "server.stdout"
    stderr_path = workdir / "server.stderr"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=out,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    app = RunningApp(
        out=out,
        db_path=db_path,
        base_url=f"http://127.0.0.1:{port}",
        process=process,
        stdout_path=stdout_path,
        stderr_path=stderr_path,
    )
    try:
        _wait_for_health(app)
    except BaseException:
        app.stop()
        raise
    return app


def _wait_for_health(app: RunningApp) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error = "no attempt made"
    with httpx.Client(base_url=app.base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if app.process.poll() is not None:
                raise AssertionError(
                    f"uvicorn exited with code {app.process.returncode} before "
                    f"/health answered\n{app.logs()}"
                )
            try:
                response = client.get("/health")
            except httpx.TransportError as exc:
                last_error = repr(exc)
            else:
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}: {response.text}"
            time.sleep(0.1)  # bounded polling interval
    raise AssertionError(
        f"/health did not answer 200 within {STARTUP_TIMEOUT:.0f}s "
        f"(last: {last_error})\n{app.logs()}"
    )
