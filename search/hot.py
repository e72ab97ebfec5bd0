"""Hot posting lists: the postings of a segment's common terms as plain arrays.

Whoosh's W3 codec stores postings in pickled, zlib-compressed blocks of 128, each with every
posting's encoded value (a word's positions); reading a common word's list means unpickling all
of them, positions included, even when only the documents and weights are wanted — most of a
cold search's time at 100,000 pages — and a phrase of common words then decodes each position
list again. A full build (``indexer.bulk``) holds each term's postings as arrays anyway, so beside
each segment it writes those of the terms with many postings to ``<segment>.hot``: a header,
then for each term its document numbers and weights and, for positional fields, each posting's
number of positions and the positions (decoded once at build time by
``search.positions.decode_many``). Each array is kept in the narrowest type that holds it
exactly (document numbers and positions as 16-bit when they fit, weights that are small whole
numbers as bytes): a third of the space of 32-bit arrays. A common word's document numbers are
kept as a bitmap, or as one-byte gaps, when that is smaller; weights that are one number
throughout (a word's presence) or each posting's count of positions are not written at all: a
sixth less again at a news archive's vocabulary. A search reads a term's arrays
with a ``pread`` each. The file is an accelerator, never the record: the segment's own postings
say the same, a segment without the file is read from its blocks, and a file that does not open
cleanly is ignored. Whoosh deletes it with its segment (its name starts with the segment's).
"""

import os
import pickle
import struct
import threading

import numpy as np

EXTENSION = ".hot"
MAGIC = b"POISK-HOT-5\n"
_MAGIC_GAPS = b"POISK-HOT-4\n"  # ids without escaped gaps: still read (the same forms less one)
_MAGIC_NARROW = b"POISK-HOT-3\n"  # every array a plain (narrowed) array: still read
_MAGIC_32BIT = b"POISK-HOT-2\n"  # written before the arrays were narrowed: still read
# Terms with at least this many postings in a segment are written (4 blocks and more), with their
# positions from this many (a phrase of such words decoded dozens of blocks of positions).
MIN_POSTINGS = 512
MIN_POSITIONS = 2048
ARRAYS = ("ids", "weights", "counts", "positions")
# What each array is read as (whatever narrower type it is stored in).
_DTYPES = {"ids": "<i4", "weights": "<f4", "counts": "<i4", "positions": "<i4"}
# Besides a numpy type, an array's form in the header: the ids as a bitmap (a bit for each document
# up to the last) or as one-byte gaps, whichever is smallest; weights that are all one number, or
# each posting's count of positions, as that number or that array alone. Escaped gaps: a byte per
# gap, 0 for one that does not fit (or a first id of 0), those gaps then following in order as
# 16- or 32-bit numbers ("escaped:<u2").
_BITS, _GAPS, _SAME, _COUNTS, _ESCAPED = "bits", "gaps", "same", "counts", "escaped"


def _narrow(name: str, values) -> np.ndarray:
    """Return ``values`` as the narrowest little-endian array that holds them exactly."""
    wide = np.asarray(values, dtype=_DTYPES[name])
    if not len(wide):
        return wide
    if name == "weights":
        whole = wide.astype(np.uint8)
        return whole if np.array_equal(whole, wide) else wide
    low, high = int(wide.min()), int(wide.max())
    for dtype in ("<u1", "<u2"):
        if low >= 0 and high <= np.iinfo(dtype).max:
            return wide.astype(dtype)
    return wide


def _packed(name: str, values, arrays: dict) -> tuple[bytes, str, int]:
    """Return an array's bytes, its form and how many numbers it holds (see _BITS and the others)."""
    wide = np.asarray(values, dtype=_DTYPES[name])
    count = len(wide)
    if name == "weights" and count:
        if np.all(wide == wide[0]):
            return b"", f"{_SAME}:{float(wide[0])!r}", count
        if "counts" in arrays and np.array_equal(wide, np.asarray(arrays["counts"], dtype=wide.dtype)):
            return b"", _COUNTS, count
    narrow = _narrow(name, wide)
    if name == "ids" and count and int(wide.min()) >= 0:
        forms = [(narrow.tobytes(), narrow.dtype.str)]
        bitmap = np.zeros(int(wide.max()) + 1, dtype=bool)
        bitmap[wide] = True
        forms.append((np.packbits(bitmap, bitorder="little").tobytes(), _BITS))
        gaps = np.diff(wide, prepend=0)
        if gaps.max() < 256 and (count < 2 or gaps[1:].min() > 0):
            forms.append((gaps.astype(np.uint8).tobytes(), _GAPS))
        elif count < 2 or gaps[1:].min() > 0:
            escaped = (gaps == 0) | (gaps > 255)
            large = _narrow("ids", gaps[escaped])
            if large.dtype.itemsize > 1:
                small = np.where(escaped, 0, gaps).astype(np.uint8)
                forms.append((small.tobytes() + large.tobytes(), f"{_ESCAPED}:{large.dtype.str}"))
        data, form = min(forms, key=lambda f: len(f[0]))
        return data, form, count
    return narrow.tobytes(), narrow.dtype.str, count


def write(path: str, terms) -> int:
    """Write ``terms`` to ``path``: (fieldname, term, arrays) with ``arrays`` a dict of ARRAYS
    (``counts`` and ``positions`` only for positional fields). Return how many terms."""
    index, parts, offset = {}, [], 0
    for fieldname, text, arrays in terms:
        where = {}
        for name, values in arrays.items():
            data, form, count = _packed(name, values, arrays)
            where[name] = (offset, count, form, len(data))
            parts.append(data)
            offset += len(data)
        index[(fieldname, text)] = where
    header = pickle.dumps({"bytes": offset, "terms": index}, protocol=4)
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<Q", len(header)) + header)
        for data in parts:
            f.write(data)
    return len(index)


def _unpacked(name: str, data: bytes, count: int, form: str, read) -> np.ndarray | None:
    """Return an array (as _DTYPES has it) from its bytes and form; ``read(name)`` reads another of the term's."""
    if form == _BITS:
        ids = np.flatnonzero(np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little"))
        return ids.astype(np.int32) if len(ids) == count else None
    if form == _GAPS:
        return np.cumsum(np.frombuffer(data, np.uint8), dtype=np.int32)
    if form.startswith(_ESCAPED):
        gaps = np.frombuffer(data, np.uint8, count).astype(np.int32)
        escaped = gaps == 0
        large = np.frombuffer(data, form.split(":", 1)[1], offset=count)
        if len(large) != int(escaped.sum()):
            return None
        gaps[escaped] = large
        return np.cumsum(gaps, dtype=np.int32)
    if form.startswith(_SAME):
        return np.full(count, float(form.split(":", 1)[1]), dtype=np.float32)
    if form == _COUNTS:
        counts = read("counts")
        return None if counts is None else counts.astype(np.float32)
    return np.frombuffer(data, dtype=form).astype(_DTYPES[name][1:])


class HotFile:
    """One segment's hot posting lists, read on demand."""

    def __init__(self, path: str):
        self.path = path
        with open(path, "rb") as f:
            head = f.read(len(MAGIC) + 8)
            magic = head[: len(MAGIC)]
            if magic not in (MAGIC, _MAGIC_GAPS, _MAGIC_NARROW, _MAGIC_32BIT):
                raise ValueError(f"{path}: not a hot postings file")
            (length,) = struct.unpack("<Q", head[len(MAGIC) :])
            meta = pickle.loads(f.read(length))
        self.terms: dict = meta["terms"]
        if magic in (_MAGIC_NARROW, _MAGIC_32BIT):  # plain arrays: 32-bit as first written, or narrowed
            for where in self.terms.values():
                for name, (offset, count, *dtype) in where.items():
                    dtype = dtype[0] if dtype else _DTYPES[name]
                    where[name] = (offset, count, dtype, count * np.dtype(dtype).itemsize)
        self.start = len(MAGIC) + 8 + length
        if os.path.getsize(path) != self.start + meta["bytes"]:
            raise ValueError(f"{path}: truncated")

    def _read(self, fieldname: str, text: bytes, names: tuple):
        where = self.terms.get((fieldname, text))
        if where is None or not all(name in where for name in names):
            return None
        # Opened for each read: no descriptor outlives a search (a deleted segment's file is let go).
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None  # gone with its segment: the segment's reader still has the blocks
        try:
            read: dict = {}

            def array(name):
                if name not in read:
                    offset, count, form, size = where[name]
                    data = os.pread(fd, size, self.start + offset) if size else b""
                    read[name] = None if len(data) != size else _unpacked(name, data, count, form, array)
                return read[name]

            out = [array(name) for name in names]
            return None if any(a is None for a in out) else out
        finally:
            os.close(fd)

    def get(self, fieldname: str, text: bytes):
        """Return (ids, weights) of a term, or None when the file does not hold it."""
        return self._read(fieldname, text, ("ids", "weights"))

    def positions(self, fieldname: str, text: bytes):
        """Return (ids, weights, counts, positions) of a term, or None when the file has no positions for it."""
        return self._read(fieldname, text, ARRAYS)

    def positions_in(self, fieldname: str, text: bytes, docs) -> dict | None:
        """Return a term's positions in each of ``docs`` that holds it, reading only those documents'
        positions; None when the file has no positions for the term."""
        where = self.terms.get((fieldname, text))
        if where is None or "positions" not in where:
            return None
        found = self._read(fieldname, text, ("ids", "counts"))
        if found is None:
            return None
        ids, counts = found
        docs = np.asarray(docs, dtype=np.int64)
        at = np.searchsorted(ids, docs)
        held = at < len(ids)
        held[held] = ids[at[held]] == docs[held]
        if not held.any():
            return {}
        firsts = np.cumsum(counts, dtype=np.int64) - counts
        offset, _, dtype, _ = where["positions"]
        width = np.dtype(dtype).itemsize
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None
        try:
            out = {}
            for doc, i in zip(docs[held].tolist(), at[held].tolist()):
                n = int(counts[i])
                data = os.pread(fd, width * n, self.start + offset + width * int(firsts[i]))
                if len(data) != width * n:
                    return None
                out[doc] = np.frombuffer(data, dtype=dtype).tolist()
            return out
        finally:
            os.close(fd)


_files: dict = {}
_lock = threading.Lock()


def hot_file(reader):
    """Return the HotFile beside ``reader``'s segment, or None (no such file, or not a segment's reader)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    folder = getattr(getattr(reader, "_storage", None), "folder", None)
    if segment is None or folder is None:
        return None
    path = os.path.join(folder, segment.make_filename(EXTENSION))
    with _lock:
        if path in _files:
            return _files[path]
    try:
        found = HotFile(path) if os.path.exists(path) else None
    except (OSError, ValueError, pickle.UnpicklingError, EOFError, KeyError, struct.error):
        found = None  # a damaged accelerator is ignored: the segment's own postings answer
    with _lock:
        if len(_files) > 64:
            _files.clear()
        _files[path] = found
    return found
