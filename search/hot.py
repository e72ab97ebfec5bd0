"""Hot posting lists: the document numbers and weights of a segment's common terms as plain arrays.

Whoosh's W3 codec stores postings in pickled, zlib-compressed blocks of 128, each with every
posting's encoded value (a word's positions); reading a common word's list means unpickling all
of them, positions included, even when only the documents and weights are wanted — most of a
cold search's time at 100,000 pages. A full build (``indexer.bulk``) holds each term's postings
as arrays anyway, so beside each segment it writes those of the terms with many postings to
``<segment>.hot``: a header, then the document numbers (int32) and weights (float32) one term
after another. A search reads a term's slice with one ``pread``. The file is an accelerator,
never the record: the segment's own postings say the same, a segment without the file is read
from its blocks, and a file that does not open cleanly is ignored. Whoosh deletes it with its
segment (its name starts with the segment's).
"""

import os
import pickle
import struct
import threading

import numpy as np

EXTENSION = ".hot"
MAGIC = b"POISK-HOT-1\n"
# Terms with at least this many postings in a segment are written (4 blocks and more).
MIN_POSTINGS = 512


def write(path: str, terms) -> int:
    """Write the ``(fieldname, term, ids, weights)`` of ``terms`` (arrays) to ``path``; return how many."""
    index, ids, weights, offset = {}, [], [], 0
    for fieldname, text, term_ids, term_weights in terms:
        index[(fieldname, text)] = (offset, len(term_ids))
        ids.append(np.asarray(term_ids, dtype="<i4"))
        weights.append(np.asarray(term_weights, dtype="<f4"))
        offset += len(term_ids)
    header = pickle.dumps({"postings": offset, "terms": index}, protocol=4)
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<Q", len(header)) + header)
        for part in ids + weights:
            f.write(part.tobytes())
    return len(index)


class HotFile:
    """One segment's hot posting lists, read on demand."""

    def __init__(self, path: str):
        self.path = path
        with open(path, "rb") as f:
            head = f.read(len(MAGIC) + 8)
            if head[: len(MAGIC)] != MAGIC:
                raise ValueError(f"{path}: not a hot postings file")
            (length,) = struct.unpack("<Q", head[len(MAGIC):])
            meta = pickle.loads(f.read(length))
        self.terms: dict = meta["terms"]
        self.count: int = meta["postings"]
        self.start = len(MAGIC) + 8 + length
        if os.path.getsize(path) != self.start + 8 * self.count:
            raise ValueError(f"{path}: truncated")

    def get(self, fieldname: str, text: bytes):
        """Return (ids, weights) of a term, or None when the file does not hold it."""
        found = self.terms.get((fieldname, text))
        if found is None:
            return None
        offset, count = found
        # Opened for each read: no descriptor outlives a search (a deleted segment's file is let go).
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None  # gone with its segment: the segment's reader still has the blocks
        try:
            ids = os.pread(fd, 4 * count, self.start + 4 * offset)
            weights = os.pread(fd, 4 * count, self.start + 4 * (self.count + offset))
        finally:
            os.close(fd)
        if len(ids) != 4 * count or len(weights) != 4 * count:
            return None
        return np.frombuffer(ids, dtype="<i4").astype(np.int32), np.frombuffer(weights, dtype="<f4").astype(np.float32)


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
