"""Every unreadable piece of an index — a truncated table of contents, a manifest of any shape, garbled
metadata, a truncated or missing segment, damage that appears while serving — leads to "damaged →
rebuilt aside, the damaged copy kept for inspection, search goes on", never to a crash at start."""

import json

import pytest

from search import store
from tests.faults.conftest import edit, poisk
from tests.live import LiveServer


def segment(index, suffix=".pst"):
    return max((p for p in store.current(index).iterdir() if p.name.endswith(suffix)), key=lambda p: p.stat().st_size)


def truncate(path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


DAMAGE = {
    "truncated table of contents": lambda gen: truncate(gen / "_MAIN_1.toc", 0.3),
    "empty table of contents": lambda gen: (gen / "_MAIN_1.toc").write_bytes(b""),
    "manifest is a list": lambda gen: (gen / "MANIFEST.json").write_text("[1, 2]"),
    "manifest files is a list": lambda gen: (gen / "MANIFEST.json").write_text('{"toc": "_MAIN_1.toc", "files": []}'),
    "manifest entry is a number": lambda gen: (gen / "MANIFEST.json").write_text('{"files": {"_MAIN_1.toc": 1}}'),
    "manifest is binary": lambda gen: (gen / "MANIFEST.json").write_bytes(b"\x00\xff" * 50),
    "metadata is garbage": lambda gen: (gen / "poisk.json").write_bytes(b"{not json"),
    "metadata is a string": lambda gen: (gen / "poisk.json").write_text(json.dumps("hello")),
    "truncated postings": lambda gen: truncate(segment(gen.parent)),
    "segment deleted": lambda gen: segment(gen.parent, ".trm").unlink(),
}


@pytest.fixture
def index(site, tmp_path):
    path = tmp_path / "index"
    assert poisk("index", "--content", str(site), "--index", str(path)).returncode == 0
    return path


def damaged_copies(index):
    return [p for p in index.iterdir() if p.name.startswith("damaged-gen-")]


@pytest.mark.parametrize("damage", DAMAGE)
def test_poisk_index_rebuilds_a_damaged_index_and_keeps_the_copy(site, index, damage):
    gen = store.current(index)
    DAMAGE[damage](gen)
    edit(site, "Барабулька")
    result = poisk("index", "--content", str(site), "--index", str(index))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "index damaged" in result.stderr and "full build" in result.stderr, result.stderr
    assert store.verify(index) == []
    assert [p.name for p in damaged_copies(index)] and not gen.exists()  # moved aside, not deleted
    assert poisk("search", "барабулька", "--index", str(index)).stdout.startswith("1 results")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_starts_on_a_truncated_table_of_contents(site, index, tmp_path, workers):
    truncate(store.current(index) / "_MAIN_1.toc", 0.3)  # was a crash loop: UnpicklingError at start
    with LiveServer(site, index, "--workers", workers) as server:
        server.wait_ready(timeout=60)
        assert server.total("клиника") > 0
        assert damaged_copies(index)
    assert "Traceback" not in server.log.read_text()


def test_damage_that_appears_while_serving_is_rebuilt(site, index):
    with LiveServer(site, index, "--watch") as server:
        server.wait_ready()
        before = server.total("клиника")
        truncate(segment(index))
        # Searches that read the damaged postings are answered 503 (never 500), and /healthz says why. (Common
        # words: the postings of a word in a few pages are kept in the terms file, not in the postings file.)
        statuses = {server.get("/api/search", q=q)[0] for q in ("центр", "пациент", "center", "орталығы")}
        assert statuses <= {200, 503} and 503 in statuses, statuses
        status, body = server.get("/healthz")
        assert status == 503 and body["status"] in ("degraded", "rebuilding", "unavailable"), body
        # The indexer is asked to check it, rebuilds it aside and the service follows.
        server.wait_for(lambda: server.get("/healthz")[0] == 200, timeout=15)
        assert server.total("клиника") == before
        assert damaged_copies(index) and store.verify(index) == []
        edit(site, "Барабулька")
        server.wait_for(lambda: server.total("барабулька", correct=0) == 1, timeout=5)
