"""Full builds: documents → new segments, postings held in memory, one process per core.

Whoosh's writer sends every posting through an external sort: pickled into runs on disk once
its memory estimate is passed, read back and merged, then each posting's field length looked
up in a column — most of a large build's time. A full build knows its documents arrive in
order and fit in memory, so here the postings of each term are gathered in compact arrays and
handed to the codec term by term, with the field lengths read once per field. The segments are
written by Whoosh's own codec through its classic writer interface (``SegmentWriter``,
``FieldWriter.start_term/add/finish_term``, ``_commit_toc``, as its ``MpWriter`` does), so any
Whoosh distribution reads and updates them.
"""

import gc
import multiprocessing
import os
import queue
import traceback
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from search import hot
from search.postings import decode_positions, plain_positions

# A process starts a new segment when its postings take about this much memory.
SEGMENT_MB = 768

# zlib level of the posting blocks: reading them costs the same at any level; level 1 writes them
# faster than Whoosh's 3 for 1-2 % more bytes.
ZLIB_LEVEL = 1

# Rough bytes per term beyond its postings (dict entry, key, three arrays).
_TERM_BYTES = 360


class MemoryPool:
    """The postings of one segment by field and term, in the order documents were added.

    Stands in for Whoosh's ``PostingPool``: the writer calls ``add`` for every posting and
    ``cleanup`` when it closes the segment; ``_write_postings`` reads the postings back.
    Each term keeps its document numbers, weights and the ends of its encoded values in arrays
    and the values themselves in one byte string.
    """

    def __init__(self):
        self.fields: dict[str, dict[bytes, tuple]] = {}
        self.size = 0
        self._name: str | None = None  # the field of the last posting, and its terms
        self._terms: dict[bytes, tuple] = {}

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        if fieldname != self._name:  # a document's postings come field by field
            self._name = fieldname
            self._terms = self.fields.setdefault(fieldname, {})
        entry = self._terms.get(tbytes)
        if entry is None:
            entry = self._terms[tbytes] = (array("i"), array("f"), array("I"), bytearray())
            self.size += _TERM_BYTES + len(tbytes)
        entry[0].append(docnum)
        entry[1].append(weight)
        values = entry[3]
        if vbytes:
            values += vbytes
            self.size += len(vbytes)
        entry[2].append(len(values))
        self.size += 12

    def cleanup(self) -> None:
        self.fields, self._name, self._terms = {}, None, {}
        self.size = 0


class SegmentBuilder:
    """Write documents into as many new segments of ``ix`` as the memory budget asks for."""

    def __init__(self, ix, segment_mb: float = SEGMENT_MB):
        self.ix = ix
        self.limit = segment_mb * 1024 * 1024
        self.segments: list = []
        self.writer = None

    def add(self, document: dict) -> None:
        if self.writer is None:
            self.writer = SegmentWriter(self.ix, _lk=False, compound=False, codec=W3Codec(compression=ZLIB_LEVEL))
            self.writer.pool = MemoryPool()
        self.writer.add_document(**document)
        if self.writer.pool.size >= self.limit:
            self.flush()

    def flush(self) -> None:
        """Write the documents added so far as one segment."""
        writer, self.writer = self.writer, None
        if writer is None:
            return
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


def _write_postings(writer) -> None:
    """Hand ``writer``'s pooled postings to its codec, field by field and term by term."""
    writer.perdocwriter.close()
    lengths = writer.per_document_reader() if writer.codec.length_stats else None
    pool, schema, fw = writer.pool, writer.schema, writer.fieldwriter
    doccount = writer.docnum - writer.docbase
    common = []
    try:
        for fieldname in sorted(pool.fields):
            terms = pool.fields[fieldname]
            fieldobj = schema[fieldname]
            if lengths is not None:
                # What Whoosh's add_postings would look up for every posting, once per document.
                dfl = [lengths.doc_field_length(d, fieldname) for d in range(doccount)]
            else:
                dfl = [0] * doccount
            fw.start_field(fieldname, fieldobj)
            add = fw.add
            positional = plain_positions(fieldobj.format)
            for tbytes in sorted(terms):
                docs, weights, ends, values = terms[tbytes]
                fw.start_term(tbytes)
                start = 0
                encoded = bytes(values)  # one copy; its slices are the postings' values
                for docnum, weight, end in zip(docs, weights, ends):
                    add(docnum, weight, encoded[start:end], dfl[docnum])
                    start = end
                fw.finish_term()
                if len(docs) >= hot.MIN_POSTINGS:
                    arrays = {"ids": docs, "weights": weights}
                    if positional and len(docs) >= hot.MIN_POSITIONS:
                        decoded = decode_positions(values, ends)
                        if decoded is not None:
                            arrays["counts"], arrays["positions"] = decoded
                    common.append((fieldname, tbytes, arrays))
            fw.finish_field()
        fw.close()
    finally:
        if lengths is not None:
            lengths.close()
    # The common terms' postings as plain arrays beside the segment (search.hot).
    segment = writer.newsegment
    hot.write(os.path.join(writer.storage.folder, segment.make_filename(hot.EXTENSION)), common)
    pool.cleanup()


@dataclass
class Outcome:
    """What building one share of the files produced."""

    segments: list = field(default_factory=list)
    indexed: int = 0
    errors: list[str] = field(default_factory=list)


# Function turning a page file into its index document, or None (the file is then skipped and
# the reason is in the errors it appended to).
DocumentOf = Callable[[object, list], dict | None]


def build(ix, files: Sequence, document_of: DocumentOf, done: Callable[[int], None] | None = None,
          segment_mb: float = SEGMENT_MB) -> Outcome:
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


def build_in_processes(ix, files: Sequence, document_of: DocumentOf, procs: int,
                       progress: Callable | None = None, segment_mb: float = SEGMENT_MB) -> Outcome:
    """Write the documents of ``files`` into new segments, ``procs`` forked processes sharing the files.

    Each process reads and analyses every ``procs``-th file and writes its own segments. Only call it from a process without threads: a lock held by
    another thread at fork() would stay held in the child.
    """
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    shares = [files[i::procs] for i in range(procs)]  # dealt in turn: each gets a like mix of pages
    workers = [context.Process(target=_build_share, args=(i, ix, share, document_of, results, segment_mb),
                               name=f"poisk-index-{i}", daemon=True) for i, share in enumerate(shares)]
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
