"""The PyPI models corpus: manifest entries, and their model files fetched and verified.

The manifest (`shared/corpus/pypi-models.json`, beside the repository checkout,
or `$CRUDSMITH_SHARED/corpus/pypi-models.json`) names, per entry, a pinned
distribution (`spec`, `dist`), the path of one models file inside it, and the
sha256 of that file. The sha256 is of the extracted *model file*, not of the
distribution archive (checked against both when the corpus was set up: only the
file's digest matches), so a re-built wheel with the same file still verifies.

Distributions are downloaded with pip into a cache outside the clone,
`$CRUDSMITH_CACHE/corpus` (default `~/.cache/crudsmith/corpus`), and reused
between runs. A failed download raises: corpus tests fail, they never skip.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

MANIFEST_NAME = "corpus/pypi-models.json"


def shared_dir() -> Path:
    override = os.environ.get("CRUDSMITH_SHARED")
    if override:
        return Path(override)
    # tests/corpus/corpus.py -> parents[3] is the directory holding the checkout.
    return Path(__file__).resolve().parents[3] / "shared"


def cache_dir() -> Path:
    root = os.environ.get("CRUDSMITH_CACHE") or str(Path.home() / ".cache" / "crudsmith")
    path = Path(root) / "corpus"
    path.mkdir(parents=True, exist_ok=True)
    return path


def corpus_entries() -> list[dict[str, Any]]:
    """The manifest's entries, in manifest order."""
    manifest = shared_dir() / MANIFEST_NAME
    entries: list[dict[str, Any]] = json.loads(manifest.read_text(encoding="utf-8"))
    return entries


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download(entry: dict[str, Any], dest: Path) -> Path:
    dist = dest / entry["dist"]
    if dist.exists():
        return dist
    binary = (
        ["--no-binary", ":all:"]
        if entry["dist"].endswith(".tar.gz")
        else [
            "--only-binary",
            ":all:",
        ]
    )
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        *binary,
        entry["spec"],
        "-d",
        str(dest),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode != 0 or not dist.exists():
        raise RuntimeError(
            f"corpus {entry['id']}: pip download of {entry['spec']} did not produce "
            f"{entry['dist']} (exit {proc.returncode})\n{proc.stdout}\n{proc.stderr}"
        )
    return dist


def _read_member(dist: Path, member: str) -> bytes:
    if dist.name.endswith(".whl") or dist.suffix == ".zip":
        with zipfile.ZipFile(dist) as archive:
            return archive.read(member)
    with tarfile.open(dist) as archive:
        handle = archive.extractfile(member)
        if handle is None:
            raise RuntimeError(f"{member} is not a regular file in {dist.name}")
        return handle.read()


def corpus_file(entry: dict[str, Any]) -> Path:
    """Download (once), extract and verify the entry's model file; return its cached path."""
    cache = cache_dir()
    target = cache / "files" / entry["id"] / Path(entry["path"]).name
    if target.exists() and _sha256(target.read_bytes()) == entry["sha256"]:
        return target
    dist = _download(entry, cache)
    data = _read_member(dist, entry["path"])
    digest = _sha256(data)
    if digest != entry["sha256"]:
        raise RuntimeError(
            f"corpus {entry['id']}: sha256 of {entry['path']} in {dist.name} is {digest}, "
            f"manifest says {entry['sha256']}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target
