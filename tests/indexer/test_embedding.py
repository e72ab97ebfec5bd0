"""Page vectors follow the words: embedded after indexing, only what changed, kept across rebuilds."""

import json

import numpy as np
import pytest

from indexer.embedding import Embedding, Plan, passage, passages
from indexer.worker import Reindexer
from search import store, vectors
from tests.meaning import ConceptModel, use

CONCEPTS = {"donor": 1, "blood": 1, "донор": 1, "marrow": 2, "transplant": 2, "obituary": 3, "died": 3}


@pytest.fixture
def model(monkeypatch):
    fake = ConceptModel(CONCEPTS)
    use(monkeypatch, fake)
    return fake


def _site(grav):
    grav.write("01.news/a/item.en.md", "Blood donor day at the centre.\n", header={"title": "Donor day"})
    grav.write("01.news/b/item.en.md", "A marrow transplant unit opened.\n", header={"title": "New unit"})
    grav.write("01.news/c/item.en.md", "Draft text.\n", header={"title": "Draft", "published": False})
    return grav


def _rows(root) -> dict[str, np.ndarray]:
    data = vectors.read(vectors.latest(store.current(root)))
    return {str(k): v for k, v in zip(data.keys, data.vectors)}


def test_passage_is_title_summary_and_start_of_body_within_its_length():
    fields = {"title": "Donor day", "summary": "Come and give blood.", "body": "Come and give blood. " + "word " * 500}
    text = passage(fields, Plan(passage_chars=100))
    assert text.startswith("Donor day. Come and give blood.")
    assert text.count("Come and give blood") == 1  # Grav's summary is the body's first paragraph: once
    assert len(text) <= 100 and not text.endswith(" ")
    assert passage(fields, Plan(titles_only=True)) == "Donor day. Come and give blood."


def test_settings_say_when_pages_get_vectors():
    assert Plan(mode="auto", auto_max_pages=10).wanted(10) and not Plan(mode="auto", auto_max_pages=10).wanted(11)
    assert Plan(mode="on", auto_max_pages=10).wanted(10**6) and not Plan(mode="off").wanted(1)
    with pytest.raises(ValueError, match="SEMANTIC must be one of"):
        Plan(mode="sometimes")


def test_every_page_gets_a_vector_listed_in_the_manifest(grav, model):
    _site(grav).reindex()
    progress = Embedding(grav.index_dir, Plan(mode="on")).run()
    assert progress.state == "ready" and progress.pending == 0 and progress.pages == 3
    rows = _rows(grav.index_dir)
    assert set(rows) == {"01.news/a/item.en.md", "01.news/b/item.en.md", "01.news/c/item.en.md"}
    gen = store.current(grav.index_dir)
    manifest = json.loads((gen / store.MANIFEST_FILE).read_text())
    assert vectors.latest(gen).name in manifest["files"]
    assert store.verify(grav.index_dir) == []
    # Visible pages are embedded first, the draft last.
    assert "Draft" in model.embedded[-1]


def test_only_changed_pages_are_embedded_again_and_removed_ones_dropped(grav, model):
    _site(grav).reindex()
    embedding = Embedding(grav.index_dir, Plan(mode="on"))
    embedding.run()
    before = _rows(grav.index_dir)
    model.embedded.clear()
    grav.write("01.news/b/item.en.md", "The unit now does marrow transplants for children.\n", header={"title": "Unit"})
    (grav.pages / "01.news/a/item.en.md").unlink()
    grav.reindex()
    embedding.changed()
    embedding.run()
    assert len(model.embedded) == 1 and "children" in model.embedded[0]
    after = _rows(grav.index_dir)
    assert set(after) == {"01.news/b/item.en.md", "01.news/c/item.en.md"}
    np.testing.assert_array_equal(after["01.news/c/item.en.md"], before["01.news/c/item.en.md"])
    assert len(vectors.files(store.current(grav.index_dir))) == 1  # older files go once the new one is listed
    assert store.verify(grav.index_dir) == []


def test_a_full_rebuild_keeps_the_vectors_of_unchanged_pages(grav, model):
    _site(grav).reindex()
    Embedding(grav.index_dir, Plan(mode="on")).run()
    old_gen = store.current(grav.index_dir)
    model.embedded.clear()
    grav.reindex(rebuild=True)
    assert store.current(grav.index_dir) != old_gen
    assert len(_rows(grav.index_dir)) == 3  # searchable by meaning at once, before any embedding
    Embedding(grav.index_dir, Plan(mode="on")).run()
    assert model.embedded == []


def test_auto_leaves_a_large_archive_to_words(grav, model):
    _site(grav).reindex()
    progress = Embedding(grav.index_dir, Plan(mode="auto", auto_max_pages=2)).run()
    assert progress.state == "off" and "SEMANTIC_AUTO_MAX_PAGES" in progress.reason
    assert vectors.latest(store.current(grav.index_dir)) is None and model.embedded == []


def test_the_reindexer_embeds_when_idle_and_a_failure_never_stops_the_words(grav, model, monkeypatch):
    _site(grav).reindex()
    reindexer = Reindexer(grav.root, grav.index_dir, semantic=Plan(mode="on"), probe_every=0.05).start()
    try:
        reindexer.request()
        assert reindexer.wait_idle(30, meaning=True)
        assert reindexer.state()["semantic"]["state"] == "ready"
        assert len(_rows(grav.index_dir)) == 3

        def broken(texts):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(model, "passages", broken)
        grav.write("01.news/d/item.en.md", "Obituary.\n", header={"title": "In memory"})
        reindexer.request()
        assert reindexer.wait_idle(30)
        assert "01.news/d/item.en.md" in grav.documents()  # the words are in
        assert reindexer.wait_idle(30, meaning=True)
        state = reindexer.state()["semantic"]
        assert state["state"] == "failing" and "No space left" in state["reason"]
    finally:
        reindexer.stop()


def test_a_long_page_is_embedded_in_up_to_three_passages_and_found_by_its_nearest():
    body = " ".join(f"word{i}" for i in range(1000))
    parts = passages({"title": "Long", "summary": "", "body": body}, Plan(passage_chars=300))
    assert len(parts) == 3 and all(p.startswith("Long. ") for p in parts[1:])
    assert parts[1].split()[1] != parts[2].split()[1]  # different stretches of the body
    assert passages({"title": "Short", "body": "Two words."}, Plan()) == ["Short. Two words."]
    assert len(passages({"title": "Long", "body": body}, Plan(titles_only=True))) == 1

    rows = np.zeros((4, 384), np.float16)
    rows[[0, 1, 2, 3], [0, 1, 1, 2]] = 1  # page a: passages about 0 and 1; page b: 1; page c: 2
    data = vectors.Vectors(np.array(["a", "a", "b", "c"]), np.array(["h"] * 4), rows, "m", parts=np.array([0, 1, 0, 0]))
    pages = vectors.NearestPages(data, {"a": 0, "b": 1, "c": 2}, 3)
    query = np.zeros(384, np.float32)
    query[1] = 1
    assert len(pages) == 3
    assert pages.nearest(query, np.ones(3, bool), 10, 0.5) == [(0, 1.0), (1, 1.0)]  # a once, by its best passage
    assert pages.similarity(query, [0, 2]) == {0: 1.0, 2: 0.0}
