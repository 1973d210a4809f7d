"""`crudsmith lsp` as a command: stdio is covered by every e2e test; here --tcp and errors."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

COMMAND = [sys.executable, "-m", "crudsmith.cli.main", "lsp"]


@pytest.mark.parametrize("address", ["nowhere", "host:", ":80", "host:port"])
def test_a_bad_tcp_address_is_one_line_and_exit_2(address: str) -> None:
    proc = subprocess.run([*COMMAND, "--tcp", address], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        f"crudsmith: error: --tcp expects HOST:PORT, got {address!r}"
    ]


def test_tcp_serves_initialize() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*COMMAND, "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        connection = _connect(port)
        with connection:
            body = json.dumps(
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
            ).encode()
            connection.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            reply = _read_message(connection)
        assert reply["id"] == 1
        assert reply["result"]["serverInfo"]["name"] == "crudsmith"
    finally:
        server.kill()
        server.wait(timeout=30)
    assert server.stdout is not None and server.stdout.read() == b""  # nothing on stdout


def _connect(port: int) -> socket.socket:
    deadline = time.monotonic() + 30
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _read_message(connection: socket.socket) -> dict[str, object]:
    """Read LSP messages until the first response (the server may log first)."""
    buffer = b""
    while True:
        while b"\r\n\r\n" not in buffer:
            buffer += connection.recv(65536)
        header, buffer = buffer.split(b"\r\n\r\n", 1)
        length = int(
            next(
                line.split(b":")[1] for line in header.split(b"\r\n") if line.startswith(b"Content")
            )
        )
        while len(buffer) < length:
            buffer += connection.recv(65536)
        message, buffer = json.loads(buffer[:length]), buffer[length:]
        if "id" in message and "method" not in message:
            return message
