"""Read a term's postings and a field's lengths in bulk, as arrays.

Whoosh hands postings out one at a time (``id()``, ``weight()``, ``next()``): several Python
calls per document. Its W3 codec keeps them in blocks of up to 128, decoded as arrays; reading
those arrays directly costs a few calls per block instead. The block attributes are the codec's
own (the same in whoosh3 and whoosh-reloaded 2.7.5); for any other matcher the one-at-a-time
interface is used, so the answer is the same either way.
"""

import threading
from bisect import bisect_right
from collections import OrderedDict

import numpy as np

from search import hot

_BLOCK_READER = ("_read_ids", "_read_weights", "_read_values", "_next_block", "_blocklength", "_ids", "_weights")


def _blocks(matcher, values: bool):
    """Yield (ids, weights, values or None) of each block of a fresh leaf posting matcher."""
    if all(hasattr(matcher, name) for name in _BLOCK_READER):
        while matcher.is_active():
            ids = _block_ids(matcher)
            if matcher._weights is None:
                matcher._read_weights()
            if values and getattr(matcher, "_values", None) is None:
                matcher._read_values()
            yield ids, matcher._weights, (matcher._values if values else None)
            matcher._next_block()
        return
    ids, weights, vals = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values:
            vals.append(matcher.value())
        matcher.next()
    yield ids, weights, (vals if values else None)


class Postings:
    """One term's postings in one segment: document numbers, weights and (when asked) their
    positions: as Whoosh's encoded values, or as ``positions`` (each posting's count, and the
    positions end to end) when read from a hot file."""

    __slots__ = ("ids", "positions", "values", "weights")

    def __init__(self, ids: np.ndarray, weights: np.ndarray, values: list | None, positions=None):
        self.ids, self.weights, self.values, self.positions = ids, weights, values, positions

    def has_positions(self) -> bool:
        return self.values is not None or self.positions is not None


# Document numbers as int32 and weights as float32 (the codec's own precision): 8 bytes a posting.
_EMPTY = Postings(np.empty(0, np.int32), np.empty(0, np.float32), [])
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
_cached_bytes = 0
# What the postings kept for the next queries may take in each process: common terms stay in memory.
MAX_CACHED_BYTES = 24 * 2**20
# A Whoosh-encoded value (a posting's positions, pickled) is a bytes object: its header, beyond its data.
_BYTES_HEADER = 33


def _cost(found: Postings) -> int:
    """Return the bytes ``found`` holds (the values are counted once, when read)."""
    size = found.ids.nbytes + found.weights.nbytes
    if found.positions is not None:
        size += sum(a.nbytes for a in found.positions)
    if found.values is not None:
        size += sum(map(len, found.values)) + len(found.values) * (_BYTES_HEADER + 8)  # + the list's pointer
    return size


def clear_cache() -> None:
    """Forget the postings kept for the next queries."""
    global _cached_bytes
    with _cache_lock:
        _cache.clear()
        _cached_bytes = 0


def postings(reader, fieldname: str, text: bytes, values: bool = False) -> Postings:
    """Return a term's postings in one segment's reader, read in bulk and kept for the next queries.

    A segment never changes once written (deletions aside, which callers filter), so what was
    read stays right for as long as the segment exists.
    """
    global _cached_bytes
    segment = _segment_key(reader)
    if segment is None:
        return _read(reader, fieldname, text, values)
    key = (segment, fieldname, text)
    found = _cached(key)
    if found is not None and (found.has_positions() or not values):
        return found
    found = _read(reader, fieldname, text, values)
    cost = _cost(found)
    if cost > MAX_CACHED_BYTES // 4:
        return found  # one term may not push out most of what the other queries need
    with _cache_lock:
        old = _cache.pop(key, None)
        if old is not None:
            _cached_bytes -= old[1]
        _cache[key] = (found, cost)
        _cached_bytes += cost
        while _cached_bytes > MAX_CACHED_BYTES and _cache:
            _, (_, dropped) = _cache.popitem(last=False)
            _cached_bytes -= dropped
    return found


def _cached(key: tuple) -> Postings | None:
    """Return the postings kept for ``key`` (segment, field, term), marked as just used, or None."""
    with _cache_lock:
        entry = _cache.get(key)
        if entry is None:
            return None
        _cache.move_to_end(key)
        return entry[0]


def _read(reader, fieldname: str, text: bytes, values: bool) -> Postings:
    arrays = hot.hot_file(reader)
    if arrays is not None:
        if values:
            found = arrays.positions(fieldname, text)
            if found is not None:
                return Postings(found[0], found[1], None, (found[2], found[3]))
        else:
            found = arrays.get(fieldname, text)
            if found is not None:
                return Postings(found[0], found[1], None)
    if (fieldname, text) not in reader:
        return _EMPTY
    matcher = reader.postings(fieldname, text)
    # A block's positions come unpickled with its numbers: kept, a hit's positions are not read again.
    values = values or (_by_block(matcher) and matcher._fixedsize is None and matcher.supports("positions"))
    ids, weights, vals = [], [], [] if values else None
    for block_ids, block_weights, block_values in _blocks(matcher, values):
        ids.append(np.asarray(block_ids, dtype=np.int32))
        weights.append(np.asarray(block_weights, dtype=np.float32))
        if values:
            vals.extend(block_values)
    return Postings(
        np.concatenate(ids) if ids else _EMPTY.ids, np.concatenate(weights) if weights else _EMPTY.weights, vals
    )


def positions_in(reader, fieldname: str, text: bytes, docs, positions: bool = True) -> dict[int, list[int]]:
    """Return a term's positions in each of ``docs`` (segment-local numbers, ascending) that holds it
    (without ``positions``: an empty list for each).

    Only those documents' postings are read: from the hot file where it has the term's positions,
    else by skipping through the term's blocks to each document.
    """
    arrays = hot.hot_file(reader)
    if arrays is not None and positions:
        found = arrays.positions_in(fieldname, text, docs)
        if found is not None:
            return found
    segment = _segment_key(reader) if positions else None
    found = _cached((segment, fieldname, text)) if segment is not None else None
    if found is not None and found.values is not None:
        return _positions_from(found, docs, reader.schema[fieldname].format)
    if (fieldname, text) not in reader:
        return {}
    matcher = reader.postings(fieldname, text)
    if _by_block(matcher):
        return _positions_by_block(matcher, docs, positions)
    out = {}
    for doc in docs:
        if not matcher.is_active():
            break
        if matcher.id() < doc:
            matcher.skip_to(doc)
            if not matcher.is_active():
                break
        if matcher.id() == doc:
            out[doc] = list(matcher.value_as("positions")) if positions else []
    return out


def _positions_from(found: Postings, docs, fmt) -> dict[int, list[int]]:
    """Return the positions in ``docs`` of a term's postings read whole (with their values)."""
    want = np.asarray(list(docs), dtype=np.int64)
    if not len(want) or not len(found.ids):
        return {}
    where = np.minimum(np.searchsorted(found.ids, want), len(found.ids) - 1)
    held = found.ids[where] == want
    decode = fmt.decoder("positions")
    return {doc: list(decode(found.values[k])) for k, doc in zip(where[held].tolist(), want[held].tolist())}


def _by_block(matcher) -> bool:
    """Return whether ``matcher`` is the W3 codec's leaf matcher, read block by block here."""
    return all(hasattr(matcher, name) for name in _BLOCK_READER + ("_maxid", "format"))


def _block_ids(matcher) -> np.ndarray:
    """Return the document numbers of a W3 leaf matcher's current block, as an array.

    A block's ids are stored as gaps (unless "byte ids"): summed by numpy, not one by one.
    """
    gaps = all(hasattr(matcher, n) for n in ("_data", "_read_data", "_byteids"))
    if matcher._ids is None and gaps and not matcher._byteids:
        if matcher._data is None:
            matcher._read_data()
        return np.cumsum(matcher._data[0], dtype=np.int64)
    if matcher._ids is None:
        matcher._read_ids()
    return np.asarray(matcher._ids, dtype=np.int64)


def _positions_by_block(matcher, docs, positions: bool) -> dict[int, list[int]]:
    """As :func:`positions_in`, a block at a time: a block without any of ``docs`` is passed by its
    header alone; in the others, the documents are found by a binary search of the block's numbers
    (Whoosh's ``skip_to`` steps through a block one posting at a time)."""
    docs = list(docs)
    want = np.asarray(docs, dtype=np.int64)
    decode = matcher.format.decoder("positions") if positions else None
    out: dict[int, list[int]] = {}
    i = 0
    while i < len(docs) and matcher.is_active():
        last = matcher._maxid
        if docs[i] > last:
            matcher._next_block()
            continue
        j = bisect_right(docs, last, i)
        ids = _block_ids(matcher)
        part = want[i:j]
        where = np.minimum(np.searchsorted(ids, part), len(ids) - 1)
        held = ids[where] == part
        if held.any():
            if positions and matcher._values is None:
                matcher._read_values()
            for k, doc in zip(where[held].tolist(), part[held].tolist()):
                out[doc] = list(decode(matcher._values[k])) if positions else []
        i = j
        matcher._next_block()
    return out


def term_bytes(schema, fieldname: str, text) -> bytes:
    """Return a term's text as the index stores it (bytes)."""
    if isinstance(text, bytes) or fieldname not in schema:
        return text
    return schema[fieldname].to_bytes(text)


def term_documents(reader, fieldname: str, text: bytes) -> np.ndarray:
    """Return the (segment-local) numbers of the documents holding a term in one segment's reader,
    read once and not kept (for callers that read many lists once, such as completions)."""
    return _read(reader, fieldname, text, False).ids


def term_postings(reader, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Return the (segment-local) document numbers and weights of a term in one segment's reader."""
    found = postings(reader, fieldname, text)
    return found.ids, found.weights


def _segment_key(reader):
    """Return what names one segment for good (None when the reader is not a segment's)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    return None if segment is None else (segment.segment_id(), reader.doc_count_all())


_lengths: dict[tuple, np.ndarray] = {}
_lengths_lock = threading.Lock()
MAX_CACHED_LENGTHS = 256  # (segment, field) pairs


def field_lengths(reader, fieldname: str, ids: np.ndarray) -> np.ndarray:
    """Return the lengths of ``fieldname`` in the documents ``ids`` of one segment's reader (1 where none).

    A segment's lengths are kept (as the codec's one-byte codes where it has them: a byte a
    document): a segment never changes once written, so a new searcher over it reads them once.
    """
    key = (_segment_key(reader) or id(reader), fieldname)
    found = _lengths.get(key) if key[0] != id(reader) else None
    if found is None:
        found = _column_lengths(reader, fieldname)
        if found is None:
            found = lengths_one_by_one(reader, fieldname)
        with _lengths_lock:
            if len(_lengths) >= MAX_CACHED_LENGTHS:
                _lengths.clear()
            _lengths[key] = found
    if found.dtype == np.uint8:
        return _byte_lengths()[found[ids]]
    return found[ids]


def lengths_one_by_one(reader, fieldname: str) -> np.ndarray:
    """Return a field's lengths through the public per-document call (slow: one call per document)."""
    length = reader.doc_field_length
    return np.fromiter(
        (length(d, fieldname, 1) or 1 for d in range(reader.doc_count_all())),
        dtype=np.float64,
        count=reader.doc_count_all(),
    )


def _column_lengths(reader, fieldname: str) -> np.ndarray | None:
    """Return a field's one-byte length codes from the W3 codec's column, all at once (None if not W3)."""
    try:
        from whoosh.codec import whoosh3

        column = reader._perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if column is None:
            return np.zeros(reader.doc_count_all(), dtype=np.uint8)  # decoded as 1
        if column._fixedlen != 1:
            return None
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
    except (AttributeError, ImportError, TypeError):
        return None
    codes = np.zeros(reader.doc_count_all(), dtype=np.uint8)
    codes[: len(raw)] = raw[: len(codes)]
    return codes


_table: np.ndarray | None = None


def _byte_lengths() -> np.ndarray:
    """Return the length each one-byte code stands for (a length of 0 counted as 1, as Whoosh's scorer has it)."""
    global _table
    if _table is None:
        from whoosh.util.numeric import byte_to_length

        table = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
        table[table == 0] = 1
        _table = table
    return _table
