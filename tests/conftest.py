"""Shared fixtures: the real archive (read from ../shared), our sample content, built indexes, the app."""

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# Search by meaning embeds pages in the background and changes what soft queries answer while it
# works: the tests of words run without it, and tests/test_semantic*.py turn it on where they need it.
os.environ.setdefault("POISK_SEMANTIC", "off")

from indexer.site import Site
from indexer.sync import reindex
from web import create_app

REPO = Path(__file__).resolve().parents[1]
CORPUS = (REPO.parent / "shared" / "corpus" / "hemcenter-kz").resolve()
CONTENT = REPO / "content"


class Clock:
    """A clock the tests move by hand (epoch seconds)."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


ALMATY = ZoneInfo("Asia/Almaty")  # content/'s timezone


def at(*args) -> float:
    """Return the epoch second of a moment in Almaty: ``at(2026, 1, 1)``."""
    return datetime(*args, tzinfo=ALMATY).timestamp()


@pytest.fixture
def clock() -> Clock:
    """A clock standing at the start of 2026 in Almaty, for content/'s drafts and scheduled posts."""
    return Clock(at(2026, 1, 1))


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """An index of the real archive, built once per test session."""
    path = tmp_path_factory.mktemp("corpus") / "index"
    report = reindex(Site.load(CORPUS), path)
    assert not report.errors, report.errors
    return path


@pytest.fixture(scope="session")
def content_index(tmp_path_factory) -> Path:
    """An index of our sample archive in content/, built once per test session."""
    path = tmp_path_factory.mktemp("content") / "index"
    report = reindex(Site.load(CONTENT), path)
    assert not report.errors, report.errors
    return path


@pytest.fixture
def corpus_app(corpus_index):
    return create_app({"INDEX": str(corpus_index), "TESTING": True})


@pytest.fixture
def client(corpus_app):
    return corpus_app.test_client()


DRAFT = "02.news/99.2025-01-01-donor-draft"  # a draft about blood donors, in a copy of content/


def content_with_draft(root: Path) -> Path:
    """Copy content/ to ``root/site``, add a draft post about blood donors (DRAFT), index it into ``root/index``."""
    shutil.copytree(CONTENT, root / "site")
    draft = root / "site/user/pages" / DRAFT
    draft.mkdir()
    (draft / "item.ru.md").write_text(
        "---\ntitle: 'Черновик о донорах крови'\npublished: false\ndate: '01-01-2025'\n---\n\nДоноры крови, черновик.\n"
    )
    reindex(Site.load(root / "site"), root / "index")
    return root
