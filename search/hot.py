"""Hot posting lists: the postings of a segment's common terms as plain arrays.

Whoosh's W3 codec stores postings in pickled, zlib-compressed blocks of 128, each with every
posting's encoded value (a word's positions); reading a common word's list means unpickling all
of them, positions included, even when only the documents and weights are wanted — most of a
cold search's time at 100,000 pages — and a phrase of common words then decodes each position
list again. A full build (``indexer.bulk``) holds each term's postings as arrays anyway, so beside
each segment it writes those of the terms with many postings to ``<segment>.hot``: a header,
then for each term its document numbers (int32) and weights (float32) and, for positional fields,
each posting's number of positions and the positions (int32, decoded once at build time by
``search.postings.decode_positions``). A search reads a term's arrays
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
MAGIC = b"POISK-HOT-2\n"
# Terms with at least this many postings in a segment are written (4 blocks and more), with their
# positions from this many (a phrase of such words decoded dozens of blocks of positions).
MIN_POSTINGS = 512
MIN_POSITIONS = 2048
ARRAYS = ("ids", "weights", "counts", "positions")
_DTYPES = {"ids": "<i4", "weights": "<f4", "counts": "<i4", "positions": "<i4"}


def write(path: str, terms) -> int:
    """Write ``terms`` to ``path``: (fieldname, term, arrays) with ``arrays`` a dict of ARRAYS
    (``counts`` and ``positions`` only for positional fields). Return how many terms."""
    index, parts, offset = {}, [], 0
    for fieldname, text, arrays in terms:
        where = {}
        for name, values in arrays.items():
            data = np.asarray(values, dtype=_DTYPES[name]).tobytes()
            where[name] = (offset, len(data) // 4)
            parts.append(data)
            offset += len(data)
        index[(fieldname, text)] = where
    header = pickle.dumps({"bytes": offset, "terms": index}, protocol=4)
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<Q", len(header)) + header)
        for data in parts:
            f.write(data)
    return len(index)


class HotFile:
    """One segment's hot posting lists, read on demand."""

    def __init__(self, path: str):
        self.path = path
        with open(path, "rb") as f:
            head = f.read(len(MAGIC) + 8)
            if head[: len(MAGIC)] != MAGIC:
                raise ValueError(f"{path}: not a hot postings file")
            (length,) = struct.unpack("<Q", head[len(MAGIC) :])
            meta = pickle.loads(f.read(length))
        self.terms: dict = meta["terms"]
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
            out = []
            for name in names:
                offset, count = where[name]
                data = os.pread(fd, 4 * count, self.start + offset)
                if len(data) != 4 * count:
                    return None
                out.append(np.frombuffer(data, dtype=_DTYPES[name]).astype(_DTYPES[name][1:]))
            return out
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
        offset = where["positions"][0]
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None
        try:
            out = {}
            for doc, i in zip(docs[held].tolist(), at[held].tolist()):
                n = int(counts[i])
                data = os.pread(fd, 4 * n, self.start + offset + 4 * int(firsts[i]))
                if len(data) != 4 * n:
                    return None
                out[doc] = np.frombuffer(data, dtype="<i4").tolist()
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
