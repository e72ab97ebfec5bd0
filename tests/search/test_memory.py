"""A serving process keeps bounded memories: of analysed words, of postings, of filtered documents."""

import numpy as np
import pytest

from search import highlight, postings, store
from search.analysis import memory
from search.analysis.chains import _FACTORIES, analyzer_for
from search.analysis.russian import lemma
from tests.search.test_indexing_chain import TRICKY, _corpus_texts, _tokens


@pytest.fixture
def few_words():
    """Let each analysis memory keep 50 words for one test."""
    memory.set_words(50)
    yield 50
    memory.set_words(memory.DEFAULT_WORDS)


def _words(limit: int = 3000) -> list[str]:
    words = []
    for text in _corpus_texts(60):
        words.extend(w for w in text.split() if w.isalpha())
    return list(dict.fromkeys(words))[:limit]


def test_a_memoized_step_keeps_at_most_the_word_memory_and_answers_the_same(few_words):
    words = [w.lower() for w in _words() if any("а" <= c <= "я" for c in w.lower())][:400]
    lemma.cache_clear()
    first = [lemma(w) for w in words]
    assert len(lemma.memory) <= few_words
    assert [lemma(w) for w in words] == first


def test_lowering_the_word_memory_forgets_what_is_beyond_it():
    memory.set_words(memory.DEFAULT_WORDS)
    for w in _words(500):
        lemma(w.lower())
    assert len(lemma.memory) > 100
    try:
        memory.set_words(100)
        assert len(lemma.memory) <= 100
    finally:
        memory.set_words(memory.DEFAULT_WORDS)


def test_a_word_memory_below_one_word_is_refused():
    with pytest.raises(ValueError):
        memory.set_words(0)


@pytest.mark.parametrize("key", sorted(_FACTORIES, key=str))
def test_chains_with_a_small_memory_give_the_same_tokens(key, few_words):
    chain = analyzer_for(key[1], key[0])
    composed = _FACTORIES[key]()
    for text in TRICKY + _corpus_texts(15):
        for options in ({"mode": "index", "positions": True}, {"mode": "index", "removestops": False}):
            assert _tokens(chain, text, **options) == _tokens(composed, text, **options)
    for memories in chain.__dict__.get("_words", {}).values():
        assert all(len(m) <= few_words for m in memories.values())


@pytest.mark.parametrize("key", sorted(_FACTORIES, key=str))
def test_a_words_keys_are_the_index_runs_and_are_not_remembered_by_the_chain(key):
    chain = analyzer_for(key[1], key[0])
    chain.__dict__.pop("_words", None)
    for word in _words(300) + TRICKY[0].split() + TRICKY[1].split():
        assert chain.keys(word) == [t.text for t in _FACTORIES[key]()(word, mode="index", removestops=False)]
    assert not any(len(m) for memories in chain.__dict__.get("_words", {}).values() for m in memories.values())


def test_the_snippet_lexicon_starts_afresh_past_its_limit_and_still_marks_the_same_words():
    lexicon = highlight.Lexicon("ru", limit=40)
    text_words = {w.lower() for w in _words(400) if w.isalpha()}
    sought = [w for w in sorted(text_words) if len(w) >= 6 and "а" <= w[0] <= "я"][:5]
    wanted = frozenset(("exact", k) for w in sought for k in highlight.word_keys(w, "ru", "exact"))
    big = highlight.Lexicon("ru", limit=100_000).matched(text_words, wanted)
    assert set(sought) <= big
    for chunk in (sorted(text_words)[i : i + 30] for i in range(0, len(text_words), 30)):
        assert lexicon.matched(set(chunk), wanted) == big & set(chunk)
        assert len(lexicon._known) <= 40


def test_kept_postings_stay_within_their_byte_budget(monkeypatch, content_index):
    monkeypatch.setattr(postings, "MAX_CACHED_BYTES", 20_000)
    postings.clear_cache()
    ix = store.open_index(content_index)
    try:
        with ix.searcher() as s:
            for sub, _ in s.leaf_searchers():
                reader = sub.reader()
                for fieldname, text in list(reader.all_terms())[:3000]:
                    if fieldname.startswith("body_"):
                        fresh = postings._read(reader, fieldname, text, values=True)
                        kept = postings.postings(reader, fieldname, text, values=True)
                        assert np.array_equal(kept.ids, fresh.ids)
                        assert postings._cached_bytes <= 20_000
        assert postings._cached_bytes == sum(cost for _, cost in postings._cache.values())
        assert len(postings._cache) > 5
    finally:
        postings.clear_cache()
        ix.close()


def test_translations_and_copies_are_every_live_page_with_the_same_folder_or_text(tmp_path):
    import shutil

    from indexer.site import Site
    from indexer.sync import reindex
    from search.doctable import DocTable, page_fields
    from tests.conftest import CONTENT

    site_dir = tmp_path / "site"
    shutil.copytree(CONTENT, site_dir)
    reindex(Site.load(site_dir), tmp_path / "index")
    pages = sorted((site_dir / "user" / "pages").rglob("*.ru.md"))[:3]
    for page in pages:  # edited pages: their old documents deleted, new ones in a second segment
        page.write_text(page.read_text(encoding="utf-8") + "\nЕщё строка.\n", encoding="utf-8")
    reindex(Site.load(site_dir), tmp_path / "index")
    ix = store.open_index(tmp_path / "index")
    try:
        with ix.reader() as reader:
            assert reader.has_deletions() and len(reader.leaf_readers()) > 1
            table = DocTable(reader)
            live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
            stored = {d: page_fields(reader, d) for d in live}
            for d in live:
                assert table.in_folder(d) == [o for o in live if stored[o]["folder"] == stored[d]["folder"]]
                assert table.copies(d) == [o for o in live if stored[o]["same_text"] == stored[d]["same_text"]]
            assert any(len(table.in_folder(d)) == 3 for d in live)
    finally:
        ix.close()
