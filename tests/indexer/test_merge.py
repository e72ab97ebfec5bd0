"""A save's commit merges the small segments saves leave, and never a full build's segments."""

import pytest
from whoosh import fields, index
from whoosh.writing import MERGE_SMALL

from indexer import merge
from indexer.merge import merge_small


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(merge, "SMALL_SEGMENT", 3)
    monkeypatch.setattr(merge, "MERGE_FROM", 4)
    monkeypatch.setattr(merge, "MERGE_PAGES", 6)


def _index(tmp_path, sizes: list[int]):
    schema = fields.Schema(path=fields.ID(stored=True, unique=True), body=fields.TEXT)
    ix = index.create_in(str(tmp_path), schema)
    n = 0
    for size in sizes:
        writer = ix.writer()
        for _ in range(size):
            writer.add_document(path=f"p{n}", body=f"word{n % 7} common text")
            n += 1
        writer.commit(merge=False)
    return ix


def _save(ix, mergetype, path="saved"):
    writer = ix.writer()
    writer.update_document(path=path, body="saved page")
    writer.commit(mergetype=mergetype)
    return sorted(s.doc_count_all() for s in ix.refresh()._segments())


def test_small_segments_are_merged_once_there_are_enough_of_them(tmp_path, small_limits):
    ix = _index(tmp_path, [20, 30, 1, 1, 1])
    assert _save(ix, merge_small) == [1, 1, 1, 1, 20, 30]  # three small ones: left
    assert _save(ix, merge_small, "saved2") == [5, 20, 30]  # four: merged with the save
    assert ix.doc_count() == 20 + 30 + 3 + 2


def test_a_commit_merges_a_bounded_number_of_pages_the_smallest_first(tmp_path, small_limits):
    ix = _index(tmp_path, [20, 3, 3, 2, 1, 1])
    assert _save(ix, merge_small) == [3, 3, 5, 20]  # 1 + 1 + 2 (+ the saved page); 3 more would pass 6


def test_a_full_builds_segments_are_never_merged_by_a_save(tmp_path, small_limits):
    # A million-page build's layout, scaled down: many segments, none small. whoosh3's own policy
    # merged most of them on the first save (through Whoosh's writer, a posting at a time).
    sizes = [4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 9, 9, 10, 10]
    ix = _index(tmp_path, sizes)
    before = {s.segment_id() for s in ix._segments()}
    _save(ix, merge_small)
    assert before <= {s.segment_id() for s in ix.refresh()._segments()}


def test_whoosh_own_policy_merges_that_layout(tmp_path):
    # Why the policy is ours: Whoosh's MERGE_SMALL (whoosh3's and whoosh-reloaded's) merges such segments.
    sizes = [4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 9, 9, 10, 10]
    ix = _index(tmp_path, sizes)
    assert len(_save(ix, MERGE_SMALL)) < len(sizes)
