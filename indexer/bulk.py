"""Full builds: documents → new segments, postings held in memory, one process per core.

Whoosh's writer sends every posting through an external sort: pickled into runs on disk once
its memory estimate is passed, read back and merged, then each posting's field length looked
up in a column — most of a large build's time. A full build knows its documents arrive in
order and fit in memory, so here each document's postings are appended to flat arrays per field
(a handful of C-level calls per field, none per posting), sorted by term once when the segment is
written and handed to the codec term by term and block by block, with the field lengths read
once per field. The segments are
written by Whoosh's own codec through its classic writer interface (``SegmentWriter``,
``FieldWriter.start_term/add/finish_term``, ``_commit_toc``, as its ``MpWriter`` does), so any
Whoosh distribution reads and updates them.
"""

import gc
import io
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, islice

import numpy as np
from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.writing import SegmentWriter

from search import hot
from search.analysis import memory
from search.positions import decode_many, read_in_bulk

# A process starts a new segment when its postings take about this much memory,
SEGMENT_MB = 768
# or sooner, when the whole process holds this much (the analysis memories grow with the
# archive's vocabulary, and writing a segment needs room for its largest field sorted), as long
# as its postings take at least a tenth of SEGMENT_MB and as much as when the process's memory
# last started a segment (the room they took then is there again: before that rule, a process
# that had once reached this size wrote a segment of a tenth of SEGMENT_MB every two minutes,
# 38 segments for a million pages; 18 since, the largest process then holding 1.84 GB).
PROCESS_MB = 1400

# The posting blocks: up to BLOCK_POSTINGS postings each (Whoosh writes 128), compressed with zlib at
# ZLIB_LEVEL. A common word's postings are read whole (search.postings), so small blocks only add a
# header, a length and a zlib stream each, and compress worse. At 100k realistic pages, postings file
# 200 -> 181 MB with blocks of 1024 at level 1, 170 MB at level 6, 168 MB with blocks of 4096; the
# build takes no longer (fewer blocks to pickle), the answers and first-time latency are the same.
# Every Whoosh distribution reads blocks of any size (each block says how many postings it holds).
BLOCK_POSTINGS = 4096
ZLIB_LEVEL = 6

# Terms with at most this many postings in a segment are kept inside their entry in the terms
# file ("inlined": Whoosh's W3 codec reads such entries, though its writer never makes them) instead
# of in a block of their own in the postings file. At a news archive's vocabulary seven terms in
# ten are in one page of their segment: a block of their own took 80-100 bytes beside the 12 bytes
# that point to it, two fifths of the postings file.
INLINE_POSTINGS = 8

# Rough bytes of a new term beyond its postings (its dict entry and key), of a posting beside its
# value (term number, weight, end of value) and of a document in a field.
_TERM_BYTES, _POSTING_BYTES, _DOC_BYTES = 120, 12, 8

# How many postings at a time are turned into Python objects when a segment is written.
_WRITE_CHUNK = 1 << 18


class FieldPostings:
    """One field's postings in the order documents were added, in flat arrays.

    A term gets a number when first seen; a posting is its term's number, its weight and the end
    of its encoded value in ``values``; each document adds its number and how many postings it
    has. No Python code runs per posting here: a document's postings arrive as lists.
    """

    __slots__ = ("counts", "docs", "ends", "numbers", "terms", "values", "weights")

    def __init__(self):
        self.numbers: dict[str, int] = {}
        self.terms, self.weights, self.ends = array("i"), array("f"), array("I")
        self.values = bytearray()
        self.docs, self.counts = array("i"), array("i")

    def add(self, docnum: int, terms: list[str], weights: list, values: list[bytes]) -> int:
        """Add one document's postings (``terms`` distinct); return about how many bytes they take."""
        numbers = self.numbers
        found = list(map(numbers.get, terms))
        new = 0
        if None in found:
            at = found.index(None)
            try:
                while True:  # (found by list.index: a document's terms are mostly known)
                    found[at] = numbers[terms[at]] = len(numbers)
                    new += 1
                    at = found.index(None, at + 1)
            except ValueError:
                pass
        joined = b"".join(values)
        self.terms.extend(found)
        self.weights.extend(weights)
        self.ends.extend(islice(accumulate(map(len, values), initial=len(self.values)), 1, None))
        self.values += joined
        self.docs.append(docnum)
        self.counts.append(len(terms))
        return new * _TERM_BYTES + len(terms) * _POSTING_BYTES + len(joined) + _DOC_BYTES

    def by_term(self) -> Iterator[tuple[bytes, list[int], list[float], list[bytes]]]:
        """Yield (term, document numbers, weights, values) of each term, terms in byte order."""
        names = [t.encode("utf-8", "surrogateescape") for t in self.numbers]
        self.numbers = None
        ordered = sorted(range(len(names)), key=names.__getitem__)
        rank = np.empty(len(names), np.int32)
        rank[ordered] = np.arange(len(names), dtype=np.int32)
        ranks = rank[np.frombuffer(self.terms, np.int32)]
        self.terms = None  # (each buffer goes as soon as it is read: writing a segment needs room)
        order = np.argsort(ranks, kind="stable")  # by term, each term's postings in document order
        ends_at = np.cumsum(np.bincount(ranks, minlength=len(names))).tolist()  # past each term's last posting
        del ranks, rank
        docs = np.repeat(np.frombuffer(self.docs, np.int32), np.frombuffer(self.counts, np.int32))
        self.docs = self.counts = None
        weights = np.frombuffer(self.weights, np.float32)
        ends = np.frombuffer(self.ends, np.uint32)
        starts = np.concatenate((np.zeros(1, np.uint32), ends[:-1]))
        values = bytes(self.values)
        self.values = None
        term = done = 0
        while term < len(names):
            # Whole terms, about _WRITE_CHUNK postings at a time (or one larger term).
            last = max(term + 1, bisect_right(ends_at, done + _WRITE_CHUNK, lo=term))
            chunk = order[done : ends_at[last - 1]]
            chunk_docs, chunk_weights = docs[chunk].tolist(), weights[chunk].tolist()
            chunk_values = list(map(values.__getitem__, map(slice, starts[chunk].tolist(), ends[chunk].tolist())))
            at = 0
            for t in range(term, last):
                size = ends_at[t] - done - at
                yield (
                    names[ordered[t]],
                    chunk_docs[at : at + size],
                    chunk_weights[at : at + size],
                    chunk_values[at : at + size],
                )
                at += size
            term, done = last, ends_at[last - 1]


class MemoryPool:
    """The postings of one segment by field, held in memory (where Whoosh's ``PostingPool`` sorts
    them through files on disk)."""

    def __init__(self):
        self.fields: dict[str, FieldPostings] = {}
        self.size = 0

    def add(self, fieldname: str, docnum: int, terms: list[str], weights: list, values: list[bytes]) -> None:
        """Add one document's postings in one field."""
        postings = self.fields.get(fieldname)
        if postings is None:
            postings = self.fields[fieldname] = FieldPostings()
        self.size += postings.add(docnum, terms, weights, values)

    def cleanup(self) -> None:
        self.fields = {}
        self.size = 0


def _postings(field, value) -> tuple[list[str], list[int], list, list[bytes]]:
    """Return the (terms, frequencies, weights, encoded values) ``field`` indexes for ``value``."""
    columns = getattr(field.format, "word_columns", None)
    found = columns(value, field.analyzer) if columns else None
    if found is not None:
        return found
    items = list(field.index(value))
    if not items:
        return [], [], [], []
    terms, freqs, weights, values = map(list, zip(*items))
    # Whoosh's terms are bytes; ours are text until the segment is written (the same bytes then).
    return [t.decode("utf-8", "surrogateescape") for t in terms], freqs, weights, values


def add_document(writer: SegmentWriter, fields: dict) -> None:
    """Do what ``writer.add_document(**fields)`` does, handing each field's postings to the pool at once.

    Whoosh's method (the classic API, the same in whoosh3 and whoosh-reloaded) hands them over a
    posting at a time; the stored values, lengths and columns go to its per-document writer as there.
    """
    writer._check_state()
    schema, perdoc, pool, docnum = writer.schema, writer.perdocwriter, writer.pool, writer.docnum
    docboost = writer._doc_boost(fields)
    names = sorted(name for name in fields if not name.startswith("_"))
    writer._check_fields(schema, names)
    perdoc.start_doc(docnum)
    try:
        for name in names:
            value = fields.get(name)
            if value is None:
                continue
            fieldobj = schema[name]
            length = 0
            if fieldobj.indexed:
                boost = writer._field_boost(fields, name, docboost)
                terms, freqs, weights, values = _postings(fieldobj, value)
                if boost != 1.0:
                    weights = [weight * boost for weight in weights]
                if fieldobj.scorable:
                    length = sum(freqs)
                pool.add(name, docnum, terms, weights, values)
            stored = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, fieldobj, stored if fieldobj.stored else None, length)
            column = fieldobj.column_type
            if column and stored is not None:
                perdoc.add_column_value(name, column, fieldobj.to_column_value(stored))
    except ValueError:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


class SegmentBuilder:
    """Write documents into as many new segments of ``ix`` as the memory budget asks for."""

    def __init__(self, ix, segment_mb: float = SEGMENT_MB, process_mb: float | None = None):
        unsupported = [name for name, f in ix.schema.items() if f.vector or f.separate_spelling()]
        if unsupported:
            raise ValueError(f"bulk builds write no term vectors or spelling fields: {', '.join(unsupported)}")
        self.ix = ix
        self.limit = segment_mb * 1024 * 1024
        self.process_limit = (PROCESS_MB if process_mb is None else process_mb) * 1024 * 1024
        self.segments: list = []
        self.writer = None
        self.added = 0
        # The pool's size when the process's memory last started a segment: the room it took is the
        # allocator's still (a process's resident memory does not fall back when a segment is
        # written), free for the next pool up to that size.
        self.reused = 0

    def add(self, document: dict) -> None:
        if self.writer is None:
            self.writer = SegmentWriter(
                self.ix, _lk=False, compound=False, codec=W3Codec(blocklimit=BLOCK_POSTINGS, compression=ZLIB_LEVEL)
            )
            self.writer.pool = MemoryPool()
        add_document(self.writer, document)
        self.added += 1
        size = self.writer.pool.size
        if size >= self.limit:
            self.flush()
        elif (
            self.added % _MEASURE_EVERY == 0
            and size >= max(self.limit / 10, self.reused)
            and _resident_bytes() >= self.process_limit
        ):
            self.reused = size
            self.flush()

    def flush(self) -> None:
        """Write the documents added so far as one segment."""
        writer, self.writer = self.writer, None
        if writer is None:
            return
        # The analysis memories are refilled by the next documents, if any: their room goes to the sorting.
        memory.forget_all()
        try:
            _write_postings(writer)
            writer._close_segment()
            writer._assemble_segment()
            self.segments.append(writer.get_segment())
        except BaseException:
            writer._close_segment()
            raise

    def cancel(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            writer._close_segment()


# How many documents are added between two looks at the process's resident memory.
_MEASURE_EVERY = 256


def _resident_bytes() -> int:
    """Return this process's resident memory in bytes (0 where /proc is not there to tell)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _write_postings(writer) -> None:
    """Hand ``writer``'s pooled postings to its codec, field by field and term by term."""
    writer.perdocwriter.close()
    lengths = writer.per_document_reader() if writer.codec.length_stats else None
    pool, schema, fw = writer.pool, writer.schema, writer.fieldwriter
    doccount = writer.docnum - writer.docbase
    common = []
    try:
        for fieldname in sorted(pool.fields):
            fieldobj = schema[fieldname]
            if lengths is not None:
                # What Whoosh's add_postings would look up for every posting, once per document.
                dfl = [lengths.doc_field_length(d, fieldname) for d in range(doccount)]
            else:
                dfl = [0] * doccount
            fw.start_field(fieldname, fieldobj)
            positional = read_in_bulk(fieldobj.format)
            for tbytes, docs, weights, values in pool.fields[fieldname].by_term():
                if len(docs) <= INLINE_POSTINGS:
                    _add_inlined(fw, tbytes, docs, weights, values, list(map(dfl.__getitem__, docs)))
                    continue
                fw.start_term(tbytes)
                _add_blocks(fw._postwriter, docs, weights, values, list(map(dfl.__getitem__, docs)))
                fw.finish_term()
                if len(docs) >= hot.MIN_POSTINGS:
                    arrays = {"ids": np.array(docs, np.int32), "weights": np.array(weights, np.float32)}
                    if positional and len(docs) >= hot.MIN_POSITIONS:
                        decoded = decode_many(b"".join(values), list(accumulate(map(len, values))))
                        if decoded is not None:
                            arrays["counts"], arrays["positions"] = decoded
                    common.append((fieldname, tbytes, arrays))
            pool.fields[fieldname] = None  # its arrays can go
            fw.finish_field()
        fw.close()
    finally:
        if lengths is not None:
            lengths.close()
    # The common terms' postings as plain arrays beside the segment (search.hot).
    segment = writer.newsegment
    hot.write(os.path.join(writer.storage.folder, segment.make_filename(hot.EXTENSION)), common)
    pool.cleanup()


def _add_inlined(fieldwriter, tbytes: bytes, docs: list, weights: list, values: list, lengths: list) -> None:
    """Add a term with few postings to the terms file with its postings inside its entry.

    The entry is what ``W3TermInfo.to_bytes`` makes of an inlined term (its statistics, then the
    pickled ids, weights and values that ``from_bytes`` unpickles) but pickled with protocol 3,
    which keeps bytes as bytes (protocol 2 spells each value out as a call to ``codecs.encode``).
    """
    postwriter = fieldwriter._postwriter
    terminfo = W3TermInfo()
    postwriter.start_postings(fieldwriter._format, terminfo)
    _add_blocks(postwriter, docs, weights, values, lengths)  # one block, left in the buffer
    terminfo.add_block(postwriter)
    postwriter._terminfo = None
    postwriter._new_block()
    # A format without values reads as None for each posting, as the codec's blocks give them;
    # weights that are all 1 (most terms this rare) are left out: the reader's matcher then gives 1.0.
    kept = (None,) * len(docs) if fieldwriter._format.fixed_value_size() == 0 else tuple(values)
    inlined = (tuple(docs), None if all(w == 1.0 for w in weights) else tuple(weights), kept)
    terminfo._inlined = ()  # the codec's own header for an inlined entry (its pickle of () is cut off)
    entry = terminfo.to_bytes()[: terminfo._struct.size] + _compact_pickle(inlined)
    fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + tbytes, entry)


_picklers = threading.local()


def _compact_pickle(value) -> bytes:
    """Pickle ``value`` with protocol 3 and no memo: bytes stay bytes, as with protocol 4, without its
    9-byte frame header and a memo mark after each tuple (an entry of one posting: 37 -> 24 bytes)."""
    pickler = getattr(_picklers, "pickler", None)
    if pickler is None:
        buffer = io.BytesIO()
        pickler = _picklers.pickler = pickle.Pickler(buffer, 3)
        pickler.fast = True  # no memo: nothing in an entry repeats by identity
        _picklers.buffer = buffer
    buffer = _picklers.buffer
    buffer.seek(0)
    buffer.truncate()
    pickler.dump(value)
    return buffer.getvalue()


def _add_blocks(writer, docs: list, weights: list, values: list, lengths: list) -> None:
    """Give the W3 postings ``writer`` one term's postings, as its ``add_posting`` would take them one by one.

    Each block of up to ``blocklimit`` postings is set in its buffer at once (the same in whoosh3
    and whoosh-reloaded), with the statistics ``add_posting`` keeps: the largest weight, the
    smallest and largest non-zero field length; full blocks are written by the codec as
    ``add_posting`` writes them, and the last stays buffered for ``finish_term``.
    """
    limit = writer._blocklimit
    for start in range(0, len(docs), limit):
        if start:
            writer._write_block()
        end = start + limit
        writer._ids = array("I", docs[start:end])
        block_weights = weights[start:end]
        writer._weights = array("f", block_weights)
        writer._values = list(filter(None, values[start:end]))
        writer._maxweight = max(0, max(block_weights))
        counted = list(filter(None, lengths[start:end]))
        writer._minlength = min(counted) if counted else None
        writer._maxlength = max(counted) if counted else 0


@dataclass
class Outcome:
    """What building one share of the files produced."""

    segments: list = field(default_factory=list)
    indexed: int = 0
    errors: list[str] = field(default_factory=list)


# Function turning a page file into its index document, or None (the file is then skipped and
# the reason is in the errors it appended to).
DocumentOf = Callable[[object, list], dict | None]


def build(
    ix,
    files: Sequence,
    document_of: DocumentOf,
    done: Callable[[int], None] | None = None,
    segment_mb: float = SEGMENT_MB,
) -> Outcome:
    """Write the documents of ``files`` into new segments of ``ix`` in this process."""
    outcome = Outcome()
    builder = SegmentBuilder(ix, segment_mb)
    try:
        for n, file in enumerate(files, 1):
            document = document_of(file, outcome.errors)
            if document is not None:
                builder.add(document)
                outcome.indexed += 1
            if done:
                done(1)
            if n % _FREEZE_EVERY == 0:
                # The pool and the analysers' memories only grow during a build: the collector
                # need not walk them again and again (a sixth of a small build's time).
                gc.freeze()
        builder.flush()
    except BaseException:
        builder.cancel()
        raise
    finally:
        gc.unfreeze()
    outcome.segments = builder.segments
    return outcome


# How many documents are added between two freezes of what the collector has seen.
_FREEZE_EVERY = 64

# How many files a process reports as done at a time.
_REPORT_EVERY = 25


def build_in_processes(
    ix,
    files: Sequence,
    document_of: DocumentOf,
    procs: int,
    progress: Callable | None = None,
    segment_mb: float = SEGMENT_MB,
) -> Outcome:
    """Write the documents of ``files`` into new segments, ``procs`` forked processes sharing the files.

    Each process reads and analyses every ``procs``-th file and writes its own segments. Only call it from a process without threads: a lock held by
    another thread at fork() would stay held in the child.
    """
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    shares = [files[i::procs] for i in range(procs)]  # dealt in turn: each gets a like mix of pages
    workers = [
        context.Process(
            target=_build_share,
            args=(i, ix, share, document_of, results, segment_mb),
            name=f"poisk-index-{i}",
            daemon=True,
        )
        for i, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()
    outcomes: dict[int, Outcome] = {}
    try:
        ticks = _Ticks(len(files), results, outcomes, workers)
        for _ in progress(ticks) if progress else ticks:
            pass
    except BaseException:
        for worker in workers:
            worker.kill()
        raise
    finally:
        for worker in workers:
            worker.join()
    merged = Outcome()
    for i in range(procs):
        merged.segments += outcomes[i].segments
        merged.indexed += outcomes[i].indexed
        merged.errors += outcomes[i].errors
    return merged


class _Ticks:
    """One item per file the processes have finished (a sized iterable for a progress bar)."""

    def __init__(self, total: int, results, outcomes: dict, workers: list):
        self.total, self.results, self.outcomes, self.workers = total, results, outcomes, workers

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterable[None]:
        while len(self.outcomes) < len(self.workers):
            try:
                kind, index, payload = self.results.get(timeout=0.5)
            except queue.Empty:
                for i, worker in enumerate(self.workers):
                    if i not in self.outcomes and not worker.is_alive() and self.results.empty():
                        raise RuntimeError(f"indexing process {i} died (exit code {worker.exitcode})") from None
                continue
            if kind == "done":
                yield from range(payload)
            elif kind == "outcome":
                self.outcomes[index] = payload
            else:
                raise RuntimeError(f"indexing process {index} failed:\n{payload}")


def _build_share(index: int, ix, files: Sequence, document_of: DocumentOf, results, segment_mb: float) -> None:
    pending = [0]

    def done(count: int) -> None:
        pending[0] += count
        if pending[0] >= _REPORT_EVERY:
            results.put(("done", index, pending[0]))
            pending[0] = 0

    try:
        ix = ix.storage.open_index(ix.indexname)
        outcome = build(ix, files, document_of, done, segment_mb)
    except BaseException:
        results.put(("failed", index, traceback.format_exc()))
        raise SystemExit(1) from None
    if pending[0]:
        results.put(("done", index, pending[0]))
    results.put(("outcome", index, outcome))
