"""Full builds write their segments from memory: the same index Whoosh's own writer makes, faster."""

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from whoosh import formats
from whoosh import index as windex
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.codec.whoosh3 import W3Codec

from indexer import bulk
from indexer.documents import to_document
from indexer.headers import FolderHeaders as SlugCache
from indexer.site import Site
from indexer.sync import Report, _read, reindex
from indexer.walk import page_files
from search import hot, postings, store
from search.analysis.indexing import IndexingFrequency, IndexingPositions
from search.doctable import iter_pages
from search.positions import CompactPositions
from search.schema import build_schema
from tests.conftest import CONTENT, CORPUS, REPO


def _documents(site_dir: Path) -> list[dict]:
    site = Site.load(site_dir)
    slugs, report = SlugCache(site), Report()
    pages = [_read(site, f, slugs, report.errors) for f in page_files(site.pages_dir)]
    return [to_document(p) for p in pages if p is not None]


def _each_posting(r, path_of: dict, read) -> dict:
    """Each term's ``(page path, *read(matcher))`` for its postings, in the order Whoosh has them."""
    out = {}
    for fieldname, text in r.all_terms():
        m = r.postings(fieldname, text)
        found = []
        while m.is_active():
            found.append((path_of[m.id()], *read(m)))
            m.next()
        out[(fieldname, text)] = found
    return out


def _contents(ix) -> dict:
    """Every posting (by page path), field length, stored field and column value of an index."""
    with ix.reader() as r:
        path_of = {d: f["path"] for d, f in iter_pages(r)}
        postings = {
            term: sorted(found) for term, found in _each_posting(r, path_of, lambda m: (m.weight(), m.value())).items()
        }
        # (Whoosh reads an absent length as None from a segment with the field's length column, 0 from one without.)
        lengths = {
            (fn, path_of[d]): r.doc_field_length(d, fn) or 0 for fn in r.schema.scorable_names() for d in path_of
        }
        stored = {f["path"]: f for _, f in iter_pages(r)}
        columns = {}
        for fieldname, fieldobj in r.schema.items():
            if fieldobj.column_type and r.has_column(fieldname):
                column = r.column_reader(fieldname)
                columns[fieldname] = {path_of[d]: column[d] for d in path_of}
        totals = {fn: r.field_length(fn) for fn in r.schema.scorable_names()}
    return {"postings": postings, "lengths": lengths, "stored": stored, "columns": columns, "totals": totals}


def _block_statistics(ix) -> dict:
    """Each term's statistics and, posting by posting, its block's (what Whoosh uses to skip blocks)."""
    with ix.reader() as r:
        path_of = {d: f["path"] for d, f in iter_pages(r)}
        blocks = _each_posting(r, path_of, lambda m: (m.block_max_weight(), m.block_min_length(), m.block_max_length()))
        infos = {term: r.term_info(*term) for term in blocks}
    return {
        term: (
            (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight()),
            blocks[term],
        )
        for term, info in infos.items()
    }


def _plain_schema():
    """Our schema as plain Whoosh runs it: composed analysers, Whoosh's own formats (positions written
    as ours are: Whoosh's Positions with our encoding)."""
    schema = build_schema()
    for _name, field in schema.items():
        if isinstance(field.format, (IndexingPositions, IndexingFrequency)):
            field.analyzer = CompositeAnalyzer(*field.analyzer.items)
            plain = CompactPositions if isinstance(field.format, formats.Positions) else formats.Frequency
            field.format = plain(field_boost=field.format.field_boost)
    return schema


def _whoosh_index(tmp_path: Path, docs: list[dict], blocklimit: int = bulk.BLOCK_POSTINGS):
    (tmp_path / "whoosh").mkdir()
    ix = windex.create_in(str(tmp_path / "whoosh"), _plain_schema())
    # Whoosh's writer with the codec settings a bulk build uses (blocks of BLOCK_POSTINGS postings).
    with ix.writer(codec=W3Codec(blocklimit=blocklimit, compression=bulk.ZLIB_LEVEL)) as writer:
        for doc in docs:
            writer.add_document(**doc)
    return ix


def _bulk_index(tmp_path: Path, docs: list[dict], segment_mb: float = bulk.SEGMENT_MB):
    (tmp_path / "bulk").mkdir()
    ix = windex.create_in(str(tmp_path / "bulk"), build_schema())
    writer = ix.writer()
    outcome = bulk.build(ix, docs, lambda doc, errors: doc, segment_mb=segment_mb)
    writer._close_segment()
    writer._commit_toc(outcome.segments)
    writer._finish()
    return windex.open_dir(str(tmp_path / "bulk")), outcome


@pytest.fixture(scope="module")
def corpus_docs() -> list[dict]:
    return _documents(CORPUS)


def test_the_plain_schema_is_plain():
    schema = _plain_schema()
    texts = [f for _, f in schema.items() if isinstance(f.format, (formats.Positions, formats.Frequency))]
    assert len(texts) > 10
    assert all(type(f.format) in (CompactPositions, formats.Frequency) for f in texts)
    assert all(type(f.analyzer) is CompositeAnalyzer for f in texts)


@pytest.mark.parametrize("blocklimit", [bulk.BLOCK_POSTINGS, 16])  # 16: common words' postings in many blocks
def test_a_bulk_build_writes_what_whooshs_own_writer_writes(tmp_path, corpus_docs, blocklimit, monkeypatch):
    monkeypatch.setattr(bulk, "BLOCK_POSTINGS", blocklimit)
    plain = _whoosh_index(tmp_path, corpus_docs, blocklimit)
    expected = _contents(plain)
    ix, outcome = _bulk_index(tmp_path, corpus_docs)
    assert outcome.indexed == len(corpus_docs) and len(outcome.segments) == 1
    got = _contents(ix)
    assert got["postings"] == expected["postings"]
    assert got["lengths"] == expected["lengths"]
    assert got["totals"] == expected["totals"]
    assert got["stored"] == expected["stored"]
    assert got["columns"] == expected["columns"]
    assert _block_statistics(ix) == _block_statistics(plain)


def test_positions_written_in_whooshs_own_form_read_as_ours(tmp_path, corpus_docs):
    """An index whose positions Whoosh's Positions format wrote (as Poisk wrote them before) reads the same."""
    plain_schema = _plain_schema()
    for _name, field in plain_schema.items():
        if type(field.format) is CompactPositions:
            field.format = formats.Positions(field_boost=field.format.field_boost)
    (tmp_path / "old").mkdir()
    old = windex.create_in(str(tmp_path / "old"), plain_schema)
    with old.writer() as writer:
        for doc in corpus_docs[:60]:
            writer.add_document(**doc)
    _whoosh_index(tmp_path, corpus_docs[:60])  # ours, in "whoosh"

    def positions(folder):
        ix = windex.open_dir(str(tmp_path / folder), schema=build_schema())  # as Poisk opens an index
        return _contents_with(ix, lambda m: (m.weight(), list(m.value_as("positions"))), positional=True)

    def first_bytes(folder):
        ix = windex.open_dir(str(tmp_path / folder), schema=build_schema())
        raw = _contents_with(ix, lambda m: (m.value(),), positional=True)
        return {value[:1] for found in raw.values() for _, value in found}

    assert first_bytes("old") == {b"\x00"} and b"\x00" not in first_bytes("whoosh")  # the two forms
    read = positions("old")
    assert len(read) > 1000 and read == positions("whoosh")


def _contents_with(ix, what, positional: bool) -> dict:
    """Each term's sorted ``(page path, *what(matcher))`` in the fields with (or without) positions."""
    with ix.reader() as r:
        path_of = {d: f["path"] for d, f in iter_pages(r)}
        fields = {n for n, f in r.schema.items() if isinstance(f.format, formats.Positions) == positional}
        out = {}
        for fieldname, text in r.all_terms():
            if fieldname in fields:
                m = r.postings(fieldname, text)
                found = []
                while m.is_active():
                    found.append((path_of[m.id()], *what(m)))
                    m.next()
                out[(fieldname, text)] = sorted(found)
    return out


def test_rare_terms_are_kept_in_their_term_entries_and_read_and_merged_as_whoosh_has_them(
    tmp_path, corpus_docs, monkeypatch
):
    plain = _whoosh_index(tmp_path, corpus_docs)
    with monkeypatch.context() as patched:
        patched.setattr(bulk, "INLINE_POSTINGS", 0)
        (tmp_path / "blocks").mkdir()
        _bulk_index(tmp_path / "blocks", corpus_docs)  # every term in blocks of its own
    ix, _ = _bulk_index(tmp_path, corpus_docs)
    with ix.reader() as r:
        infos = {term: r.term_info(*term) for term in r.all_terms()}
    rare = [t for t, info in infos.items() if info.doc_frequency() <= bulk.INLINE_POSTINGS]
    assert len(rare) > len(infos) / 2  # most of a real archive's words are in a page or a few
    assert all(infos[t].is_inlined() for t in rare)
    assert not any(info.is_inlined() for t, info in infos.items() if t not in rare)

    # Their blocks are gone from the postings file, and the index is smaller for it.
    def size(folder, pattern="*"):
        return sum(f.stat().st_size for f in (tmp_path / folder).glob(pattern))

    assert size("bulk", "*.pst") < 0.75 * size("blocks/bulk", "*.pst")
    assert size("bulk") < 0.9 * size("blocks/bulk")
    # Whoosh's own writer takes such a segment in (an incremental update merging it) unchanged.
    expected = _contents(ix)
    with ix.writer() as writer:
        writer.add_document(path="new.ru.md", lang="ru", body_ru="Совсем новое слово зюзюка.")
    writer = ix.writer()
    writer.delete_by_term("path", "new.ru.md")
    writer.commit(optimize=True)
    merged = windex.open_dir(str(tmp_path / "bulk"))
    assert len(merged._segments()) == 1
    assert _contents(merged)["postings"] == expected["postings"] == _contents(plain)["postings"]


def test_a_build_over_its_memory_budget_writes_more_segments_with_the_same_postings(tmp_path, corpus_docs):
    expected = _contents(_whoosh_index(tmp_path, corpus_docs))
    ix, outcome = _bulk_index(tmp_path, corpus_docs, segment_mb=1)
    assert len(outcome.segments) > 3
    assert ix.doc_count() == len(corpus_docs)
    got = _contents(ix)
    assert got["postings"] == expected["postings"] and got["lengths"] == expected["lengths"]
    assert got["totals"] == expected["totals"]


def test_a_process_over_its_memory_budget_starts_a_new_segment_sooner(tmp_path, corpus_docs, monkeypatch):
    # The analysis memories grow with the vocabulary: a process that holds too much writes what
    # it has pooled (once the pool is worth a segment), whatever the pool's own estimate says.
    expected = _contents(_whoosh_index(tmp_path, corpus_docs))
    monkeypatch.setattr(bulk, "_MEASURE_EVERY", 1)
    monkeypatch.setattr(bulk, "_resident_bytes", lambda: 10 * 1024**3)
    monkeypatch.setattr(bulk, "PROCESS_MB", 8 * 1024)
    ix, outcome = _bulk_index(tmp_path, corpus_docs, segment_mb=10)  # a tenth: 1 MB of postings
    assert len(outcome.segments) > 1
    got = _contents(ix)
    assert got["postings"] == expected["postings"] and got["totals"] == expected["totals"]


def test_after_its_memory_started_a_segment_a_process_fills_the_room_again_before_the_next(
    tmp_path, corpus_docs, monkeypatch
):
    # A process's resident memory stays where it was once a segment is written (the allocator keeps
    # the room): the next segments are as large as the one the memory started, not a tenth of a full one.
    calls = iter(range(10**9))
    monkeypatch.setattr(bulk, "_MEASURE_EVERY", 1)
    monkeypatch.setattr(bulk, "_resident_bytes", lambda: 10 * 1024**3 if next(calls) >= 60 else 0)
    monkeypatch.setattr(bulk, "PROCESS_MB", 8 * 1024)
    pooled = []
    real_flush = bulk.SegmentBuilder.flush

    def flush(self):
        pooled.append(self.writer.pool.size if self.writer else 0)
        real_flush(self)

    monkeypatch.setattr(bulk.SegmentBuilder, "flush", flush)
    ix, outcome = _bulk_index(tmp_path, corpus_docs, segment_mb=4)  # a tenth: 0.4 MB of postings
    assert len(outcome.segments) > 2 and ix.doc_count() == len(corpus_docs)
    first, *others, _last = pooled
    assert first > 0.6 * 1024**2 and all(size >= first for size in others), pooled


def test_the_resident_memory_is_read():
    assert 10 * 1024**2 < bulk._resident_bytes() < 64 * 1024**3


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_postings_written_a_few_at_a_time_are_the_same(tmp_path, corpus_docs, monkeypatch, chunk):
    # A segment's postings become Python objects in chunks of whole terms; a large archive has many
    # chunks, and a common term is larger than one.
    expected = _contents(_whoosh_index(tmp_path, corpus_docs))
    monkeypatch.setattr(bulk, "_WRITE_CHUNK", chunk)
    ix, _ = _bulk_index(tmp_path, corpus_docs)
    got = _contents(ix)
    assert got["postings"] == expected["postings"] and got["lengths"] == expected["lengths"]


# Builds in processes are started by fork(), which Poisk does only from a process without threads;
# the test session has some (the browser tests' server and driver), so these run in a fresh one.


def _isolated(scenario: str, *args) -> None:
    """Run ``scenario(*args)`` of this module in a new Python process, which must succeed."""
    code = f"import sys; from tests.indexer.test_bulk import {scenario}; {scenario}(*sys.argv[1:])"
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]


def parallel_same_as_one(tmp: str) -> None:
    tmp_path = Path(tmp)
    one = reindex(Site.load(CONTENT), tmp_path / "one", procs=1)
    two = reindex(Site.load(CONTENT), tmp_path / "two", procs=2)
    assert (one.indexed, one.errors) == (two.indexed, two.errors) and one.indexed > 100
    a, b = store.open_index(tmp_path / "one"), store.open_index(tmp_path / "two")
    assert len(a._segments()) == 1 and len(b._segments()) == 2  # one per process
    assert _contents(a) == _contents(b)


def test_a_parallel_build_indexes_the_same_pages_as_one_process(tmp_path):
    _isolated("parallel_same_as_one", tmp_path)


def parallel_progress(tmp: str) -> None:
    seen = []
    files = list(page_files(Site.load(CONTENT).pages_dir))

    def progress(items):
        assert len(items) == len(files)
        for item in items:
            seen.append(item)
            yield item

    report = reindex(Site.load(CONTENT), Path(tmp) / "ix", procs=2, progress=progress)
    assert len(store.open_index(Path(tmp) / "ix")._segments()) == 2
    assert len(seen) == len(files) == report.indexed + len(report.errors)


def test_a_parallel_build_reports_every_file_to_the_progress_bar(tmp_path):
    _isolated("parallel_progress", tmp_path)


def parallel_failure(tmp: str, how: str) -> None:
    ix = windex.create_in(tmp, build_schema())
    docs = _documents(CONTENT)

    def document_of(doc, errors):
        if doc is docs[-1]:
            if how == "killed":
                os._exit(9)
            raise ValueError("this page breaks the analyser")
        return doc

    with pytest.raises(RuntimeError, match="died" if how == "killed" else "this page breaks the analyser"):
        bulk.build_in_processes(ix, docs, document_of, procs=2)
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("how", ["raised", "killed"])
def test_a_failing_process_fails_the_build_and_leaves_no_process_behind(tmp_path, how):
    _isolated("parallel_failure", tmp_path, how)


def test_common_terms_are_read_from_the_hot_file_as_whoosh_has_them(tmp_path, corpus_docs, monkeypatch):
    monkeypatch.setattr(hot, "MIN_POSTINGS", 20)
    ix, _ = _bulk_index(tmp_path, corpus_docs)
    with ix.reader() as r:
        (segment_reader,) = [s for s, _ in r.leaf_readers()]
        arrays = hot.hot_file(segment_reader)
        assert arrays is not None and len(arrays.terms) > 500
        for (fieldname, text), where in arrays.terms.items():
            count = where["ids"][1]
            m = segment_reader.postings(fieldname, text)
            ids, weights = [], []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                m.next()
            got_ids, got_weights = arrays.get(fieldname, text)
            assert count >= 20 and got_ids.tolist() == ids and got_weights.tolist() == weights
        # A search reads them from there, and gets what the blocks hold.
        text = next(t for (f, t) in arrays.terms if f == "body_ru")
        postings.clear_cache()
        from_hot = postings.postings(segment_reader, "body_ru", text)
        from_blocks = postings.postings(segment_reader, "body_ru", text, values=True)
        assert not from_hot.has_positions() and from_blocks.has_positions()
        assert from_hot.ids.tolist() == from_blocks.ids.tolist()
        assert from_hot.weights.tolist() == from_blocks.weights.tolist()


def test_a_damaged_hot_file_is_ignored(tmp_path, corpus_docs, monkeypatch):
    monkeypatch.setattr(hot, "MIN_POSTINGS", 20)
    ix, _ = _bulk_index(tmp_path, corpus_docs)
    (path,) = (tmp_path / "bulk").glob("*.hot")
    path.write_bytes(path.read_bytes()[:-10])
    hot._files.clear()
    with ix.reader() as r:
        (segment_reader,) = [s for s, _ in r.leaf_readers()]
        assert hot.hot_file(segment_reader) is None
        assert len(postings.postings(segment_reader, "lang", b"ru").ids) > 50


def test_hot_positions_are_whooshs_and_find_the_same_phrases(tmp_path, corpus_docs, monkeypatch):
    from search.matching import phrase_documents

    monkeypatch.setattr(hot, "MIN_POSTINGS", 20)
    monkeypatch.setattr(hot, "MIN_POSITIONS", 20)
    ix, _ = _bulk_index(tmp_path, corpus_docs)
    with ix.reader() as r:
        (segment_reader,) = [s for s, _ in r.leaf_readers()]
        arrays = hot.hot_file(segment_reader)
        positional = [(f, t) for (f, t), where in arrays.terms.items() if "positions" in where]
        assert len(positional) > 300
        fmt = ix.schema["body_ru"].format
        for fieldname, text in positional:
            _ids, _, counts, flat = arrays.positions(fieldname, text)
            m = segment_reader.postings(fieldname, text)
            expected = []
            while m.is_active():
                expected.append(fmt.decode_positions(m.value()))
                m.next()
            got = np.split(flat, np.cumsum(counts)[:-1])
            assert [g.tolist() for g in got] == expected
        # Phrases of common words: the same documents from the hot file as from the blocks.
        common = [t for f, t in positional if f == "body_ru"][:25]
        phrases = [[[a], [b]] for a in common[:5] for b in common] + [
            [[a], [b, c]] for a, b, c in zip(common, common[1:], common[2:])
        ]
        postings.clear_cache()
        with_hot = [phrase_documents(segment_reader, "body_ru", steps, fmt) for steps in phrases]
        postings.clear_cache()
        monkeypatch.setattr(hot, "hot_file", lambda reader: None)
        from_blocks = [phrase_documents(segment_reader, "body_ru", steps, fmt) for steps in phrases]
        postings.clear_cache()
        assert with_hot == from_blocks and sum(map(len, with_hot)) > 50


def test_a_terms_positions_in_a_few_documents_are_read_alike_from_the_hot_file_and_the_blocks(
    tmp_path, corpus_docs, monkeypatch
):
    monkeypatch.setattr(hot, "MIN_POSTINGS", 20)
    monkeypatch.setattr(hot, "MIN_POSITIONS", 20)
    ix, _ = _bulk_index(tmp_path, corpus_docs)
    with ix.reader() as r:
        (segment_reader,) = [s for s, _ in r.leaf_readers()]
        arrays = hot.hot_file(segment_reader)
        positional = [(f, t) for (f, t), where in arrays.terms.items() if "positions" in where][:40]
        docs = list(range(0, segment_reader.doc_count_all(), 7))
        with_hot = [postings.positions_in(segment_reader, f, t, docs) for f, t in positional]
        monkeypatch.setattr(hot, "hot_file", lambda reader: None)
        from_blocks = [postings.positions_in(segment_reader, f, t, docs) for f, t in positional]
        assert with_hot == from_blocks and sum(map(len, with_hot)) > 100
        present = [postings.positions_in(segment_reader, f, t, docs, positions=False) for f, t in positional]
        assert [sorted(p) for p in present] == [sorted(p) for p in from_blocks]
