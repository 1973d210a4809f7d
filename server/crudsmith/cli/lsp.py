"""`crudsmith lsp`: the language server over stdio (or TCP, for debugging)."""

from __future__ import annotations

import argparse
import logging
import sys

from crudsmith.cli.main import CliError


def parse_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise CliError(f"--tcp expects HOST:PORT, got {value!r}")
    return host, int(port)


def run_lsp(args: argparse.Namespace) -> int:
    from crudsmith.lsp.process import use_one_malloc_arena
    from crudsmith.lsp.server import create_server

    use_one_malloc_arena()  # before any thread starts

    # Stdout is the transport: anything logged before the client log exists goes to stderr.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    server = create_server()
    if args.tcp:
        host, port = parse_address(args.tcp)
        server.start_tcp(host, port)
    else:
        server.start_io()
    return 0
