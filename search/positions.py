"""How a posting's positions are written: a word's places in a text, as the gaps between them.

Whoosh's Positions format writes a 4-byte count and the gaps as a pickled list: 14 bytes for a
word that stands once in a page, most of a news archive's postings. Ours writes a width byte and
the gaps in that many bytes each (little-endian), the narrowest that holds the largest gap:
``\\x01`` and one byte a gap, ``\\x02`` two, ``\\x04`` four — 2 bytes for that word. Whoosh's own
form (its first byte, the count's highest, is always 0) is still read, so a segment written
before, or by Whoosh's format, is read alongside.

:class:`CompactPositions` is Whoosh's Positions format writing this form. :func:`decode_many` reads a term's values laid end to end in one go with numpy (building hot
posting lists, phrase matching), whichever form they are in.
"""

import pickle
import sys
from array import array
from itertools import accumulate

import numpy as np
from whoosh import formats

_WIDTHS = {1: "B", 2: "H", 4: "I"}
_SWAP = sys.byteorder == "big"


def encode(positions) -> bytes:
    """Return the value of ``positions`` (ascending)."""
    gaps = [b - a for a, b in zip((0, *positions), positions)]
    top = max(gaps, default=0)
    if top < 0x100:
        return b"\x01" + bytes(gaps)
    width = 2 if top < 0x10000 else 4
    packed = array(_WIDTHS[width], gaps)
    if _SWAP:
        packed.byteswap()
    return bytes((width,)) + packed.tobytes()


def decode(value: bytes) -> list[int]:
    """Return the positions in a value of either form."""
    width = value[0]
    if width == 1:
        return list(accumulate(value[1:]))
    if width in (2, 4):
        gaps = array(_WIDTHS[width])
        gaps.frombytes(value[1:])
        if _SWAP:
            gaps.byteswap()
        return list(accumulate(gaps))
    return list(accumulate(pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


def frequency(value: bytes) -> int:
    """Return how many positions a value of either form holds."""
    width = value[0]
    if width in (1, 2, 4):
        return (len(value) - 1) // width
    return int.from_bytes(value[:4], "big")


def read_in_bulk(fmt) -> bool:
    """Return whether :func:`decode_many` reads the values ``fmt`` writes (ours, or Whoosh's Positions format's)."""
    return isinstance(fmt, CompactPositions) or getattr(type(fmt), "decode_positions", None) is (
        formats.Positions.decode_positions
    )


def decode_many(values: bytes, ends) -> tuple[np.ndarray, np.ndarray] | None:
    """Return (counts, positions) of a term's values laid end to end (``ends``), all in one form.

    None when they are not (a merge of segments written by both): callers then read them one by one.
    """
    ends = np.asarray(ends, dtype=np.int64)
    if not len(ends):
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    starts = np.concatenate(([0], ends[:-1]))
    buf = np.frombuffer(values, dtype=np.uint8)
    if np.any(ends <= starts):
        return None
    widths = buf[starts].astype(np.int64)
    if not widths.any():
        return _decode_pickled(buf, starts, ends)
    if np.any((widths != 1) & (widths != 2) & (widths != 4)) or np.any((ends - starts - 1) % widths):
        return None
    counts = (ends - starts - 1) // widths
    total = int(counts.sum())
    firsts = np.cumsum(counts) - counts
    owner = np.repeat(np.arange(len(ends)), counts)
    width = widths[owner]
    at = starts[owner] + 1 + (np.arange(total) - firsts[owner]) * width
    gaps = buf[at].astype(np.int64)
    for byte in (1, 2, 3):
        wide = width > byte
        if wide.any():
            gaps[wide] |= buf[at[wide] + byte].astype(np.int64) << (8 * byte)
    return counts.astype(np.int32), _within(gaps, counts)


def _within(gaps: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Return the positions of each value's gaps, summed within each value."""
    running = np.cumsum(gaps)
    before = np.concatenate(([0], running))[np.cumsum(counts) - counts]
    return (running - np.repeat(before, counts)).astype(np.int32)


def _decode_pickled(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Whoosh's form: a 4-byte count and a pickled list of gaps; the lists unpickled in one go
    (their bodies inside one outer list) and summed by numpy."""
    if (
        np.any(ends - starts < 8)
        or np.any(buf[starts + 4] != 0x80)
        or np.any(buf[starts + 5] != 2)
        or np.any(buf[ends - 1] != ord("."))
    ):
        return None
    heads = buf[starts[:, None] + np.arange(4)].astype(np.int64)
    counts = (heads[:, 0] << 24) | (heads[:, 1] << 16) | (heads[:, 2] << 8) | heads[:, 3]
    drop = np.zeros(len(buf), dtype=bool)
    drop[(starts[:, None] + np.arange(6)).ravel()] = True
    drop[ends - 1] = True
    try:
        lists = pickle.loads(b"\x80\x02](" + buf[~drop].tobytes() + b"e.")
    except Exception:
        return None
    if len(lists) != len(ends) or not np.array_equal(np.fromiter(map(len, lists), np.int64, len(lists)), counts):
        return None
    total = int(counts.sum())
    gaps = np.fromiter((g for gaps in lists for g in gaps), np.int64, total)
    return counts.astype(np.int32), _within(gaps, counts)


class CompactPositions(formats.Positions):
    """Whoosh's Positions format, each posting's positions written as compact gaps (Whoosh's form still read)."""

    def encode(self, poslist):
        return encode(poslist)

    def decode_positions(self, valuestring):
        return decode(valuestring)

    def decode_frequency(self, valuestring):
        return frequency(valuestring)
