"""Reviewed word lists kept as data in ``search/analysis/data/``: one entry a line, ``#`` comments."""

from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@cache
def word_list(name: str) -> frozenset[str]:
    """Return the entries of ``data/<name>.txt``."""
    lines = (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def word_set(text: str) -> frozenset[str]:
    """Return the words of a short hand list written in the code, separated by white space."""
    return frozenset(text.split())
