"""Fixtures for the indexer tests: small Grav sites built in tmp_path."""

import pytest
from grav_testkit import DEFAULT_SYSTEM, GravSite


@pytest.fixture
def grav(tmp_path) -> GravSite:
    """A Grav site with kk (default, prefixed), ru and en, in Asia/Almaty, and no pages yet."""
    return GravSite(tmp_path / "site", DEFAULT_SYSTEM)


@pytest.fixture
def make_grav(tmp_path):
    """Build a Grav site with the given system.yaml (None: no configuration at all)."""
    count = 0

    def make(system: dict | None = None) -> GravSite:
        nonlocal count
        count += 1
        return GravSite(tmp_path / f"site{count}", system)

    return make
