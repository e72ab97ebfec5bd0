"""A term's positions in a few documents, read a block at a time, as Whoosh reads them one by one."""

import random

import pytest
from whoosh import fields
from whoosh.filedb.filestore import RamStorage

from search import hot, postings


def _reference(reader, fieldname: str, text: bytes, docs) -> dict[int, list[int]]:
    """Whoosh's own reading: ``skip_to`` each document, then its positions (the path for other matchers)."""
    block_reading = postings._by_block
    postings._by_block = lambda matcher: False
    try:
        postings.clear_cache()
        return postings.positions_in(reader, fieldname, text, docs)
    finally:
        postings._by_block = block_reading


@pytest.fixture(scope="module")
def segment():
    """One segment of 3,000 documents: "common" in most (many blocks of 128), "rare" in a few."""
    rng = random.Random(3)
    ix = RamStorage().create_index(fields.Schema(body=fields.TEXT(phrase=True)))
    with ix.writer() as w:
        for n in range(3000):
            words = [rng.choice(["common", "filler", "other"]) for _ in range(rng.randint(1, 30))]
            if n % 97 == 5:
                words.insert(rng.randint(0, len(words)), "rare")
            w.add_document(body=" ".join(words))
    with ix.reader() as r:
        yield r


@pytest.mark.parametrize("term", [b"common", b"rare", b"filler"])
@pytest.mark.parametrize("seed", range(4))
def test_positions_in_a_few_documents_match_whooshs_own_reading(segment, term, seed, monkeypatch):
    monkeypatch.setattr(hot, "hot_file", lambda reader: None)
    rng = random.Random(seed)
    docs = sorted(rng.sample(range(3100), rng.choice([1, 10, 300])))  # some past the last document
    expected = _reference(segment, "body", term, docs)
    assert postings.positions_in(segment, "body", term, docs) == expected
    assert postings.positions_in(segment, "body", term, docs, positions=False) == {doc: [] for doc in expected}
    if term == b"common" and len(docs) > 1:
        assert expected  # the check saw documents that hold the word


def test_a_word_the_segment_lacks_has_no_positions(segment):
    assert postings.positions_in(segment, "body", b"absent", [1, 2, 3]) == {}


def test_positions_come_from_a_list_already_read_for_ranking(segment, monkeypatch):
    monkeypatch.setattr(hot, "hot_file", lambda reader: None)
    postings.clear_cache()
    docs = list(range(0, 3000, 11))
    expected = _reference(segment, "body", b"common", docs)
    ids, _ = postings.term_postings(segment, "body", b"common")  # as matching and ranking read it
    assert len(ids) > 2000

    def no_second_read(*args):
        raise AssertionError("the term's blocks were read again")

    monkeypatch.setattr(postings, "_positions_by_block", no_second_read)
    assert postings.positions_in(segment, "body", b"common", docs) == expected
    postings.clear_cache()
