"""Where crudsmith's data files live, in a built wheel and in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def snippets_dir() -> Path:
    """`crudsmith/snippets` inside a wheel; the repository's `snippets/` in a checkout."""
    packaged = Path(__file__).resolve().parent / "snippets"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "snippets"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"crudsmith templates not found at {packaged} or {checkout}")
