"""A segment's words with a prefix, read in bulk, are exactly the words Whoosh's own reader gives."""

import pytest

from search import lexicon, store
from search.lexicon import prefix_terms

PREFIXES = [b"", b"a", b"he", "г".encode(), "қ".encode(), "ә".encode(), b"0", b"zzzz", b"\xff"]


def _leaves(reader):
    return [leaf for leaf, _ in reader.leaf_readers()] if hasattr(reader, "leaf_readers") else [reader]


@pytest.mark.parametrize("piece", [lexicon._PIECE, 64])  # a small piece: keys cut at its edges
def test_the_words_with_a_prefix_are_whooshs_own(corpus_index, monkeypatch, piece):
    monkeypatch.setattr(lexicon, "_PIECE", piece)
    with store.open_index(corpus_index).reader() as reader:
        fields = ["spell", "title_ru", "body_kk", "code", "lang"]
        for leaf in _leaves(reader):
            for field in fields:
                for prefix in PREFIXES:
                    assert prefix_terms(leaf, field, prefix) == list(leaf.expand_prefix(field, prefix)), (field, prefix)
        some = _leaves(reader)[0]
        assert len(prefix_terms(some, "spell", "г".encode())) > 100
        assert prefix_terms(some, "no_such_field", b"a") == []


def test_a_reader_over_several_segments_is_read_as_whoosh_reads_it(corpus_index):
    with store.open_index(corpus_index).reader() as reader:
        assert prefix_terms(reader, "spell", "г".encode()) == list(reader.expand_prefix("spell", "г".encode()))
