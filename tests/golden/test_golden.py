"""Analyses of real passages match the reviewed golden file."""

import difflib

from tests.golden.analysis import GOLDEN, render


def test_analyses_match_the_golden_file():
    expected = GOLDEN.read_text(encoding="utf-8")
    actual = render()
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "now", n=0))
        raise AssertionError(f"analyses changed; if intended, run `make golden` and review:\n{diff[:4000]}")
