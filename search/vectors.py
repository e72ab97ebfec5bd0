"""Page vectors beside a generation's segments, and the nearest of them to a query.

A generation holds at most one live vectors file, ``vectors-NNNNNN.npz`` (uncompressed NumPy):

- ``keys``    each row's page (its ``path`` in the index; a long page has a row per passage)
- ``parts``   which of its page's passages a row is (0: title, summary and the body's start)
- ``hashes``  what was embedded for it (the model, the passage settings and the text), so that
              only a changed page is embedded again
- ``vectors`` the rows, float16 unit vectors
- ``model``   the model that made them

A file is never changed once written: each update writes the next number, fsynced, and the
older one is removed once the generation's manifest lists the new one — so a reader that opened
a file keeps a consistent copy, and the manifest's checksums stay true. A full rebuild starts its
new generation with a link to the old generation's file (rows of unchanged pages stay valid).
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.store import write_atomic

_NAME = re.compile(r"^vectors-(\d{6})\.npz$")


@dataclass(frozen=True)
class Vectors:
    """One vectors file's content."""

    keys: np.ndarray  # str, one per row
    hashes: np.ndarray  # str, one per row
    vectors: np.ndarray  # float16, rows × dimension
    model: str
    file: str = ""
    parts: np.ndarray | None = None  # int, one per row (None: every row is its page's first passage)

    def __post_init__(self):
        if self.parts is None:
            object.__setattr__(self, "parts", np.zeros(len(self.keys), dtype=np.int16))

    def __len__(self) -> int:
        return len(self.keys)


def files(gen: Path) -> list[Path]:
    """Return the generation's vectors files, oldest first."""
    try:
        names = [(int(m.group(1)), p) for p in Path(gen).iterdir() if (m := _NAME.match(p.name))]
    except OSError:
        return []
    return [p for _, p in sorted(names)]


def latest(gen: Path) -> Path | None:
    """Return the generation's newest vectors file, or None."""
    found = files(gen)
    return found[-1] if found else None


def is_vectors_file(name: str) -> bool:
    return bool(_NAME.match(name))


def read(path: Path) -> Vectors:
    """Read a vectors file (raises OSError or ValueError when it is unreadable)."""
    with np.load(path, allow_pickle=False) as data:
        keys, hashes, vectors = data["keys"], data["hashes"], data["vectors"]
        parts = data["parts"] if "parts" in data.files else None
        model = str(data["model"])
    if (
        not (len(keys) == len(hashes) == len(vectors))
        or vectors.ndim != 2
        or (parts is not None and len(parts) != len(keys))
    ):
        raise ValueError(f"{path.name}: rows, keys and hashes differ in number")
    return Vectors(keys, hashes, vectors.astype(np.float16, copy=False), model, path.name, parts)


def write(gen: Path, data: Vectors) -> Path:
    """Write ``data`` as the generation's next vectors file (durably) and return its path."""
    gen = Path(gen)
    newest = latest(gen)
    number = int(_NAME.match(newest.name).group(1)) + 1 if newest else 1
    path = gen / f"vectors-{number:06d}.npz"
    write_atomic(
        path,
        lambda f: np.savez(
            f,
            keys=np.asarray(data.keys, dtype=str),
            hashes=np.asarray(data.hashes, dtype=str),
            vectors=np.asarray(data.vectors, dtype=np.float16),
            parts=np.asarray(data.parts, dtype=np.int16),
            model=np.asarray(data.model),
        ),
    )
    return path


def remove_older(gen: Path, keep: Path) -> None:
    """Remove the generation's vectors files older than ``keep``."""
    for path in files(gen):
        if path.name < keep.name:
            path.unlink(missing_ok=True)


def carry_over(old_gen: Path | None, new_gen: Path) -> None:
    """Start a new generation with the old one's vectors (a hard link: files are never changed)."""
    source = latest(old_gen) if old_gen is not None else None
    if source is None:
        return
    target = Path(new_gen) / source.name
    try:
        os.link(source, target)
    except OSError:
        try:
            import shutil

            shutil.copyfile(source, target)
        except OSError:
            target.unlink(missing_ok=True)


class NearestPages:
    """The vectors of one reader's pages, for finding the pages nearest a query vector.

    A page with several passages has several rows; it is as near as its nearest one.
    """

    def __init__(self, data: Vectors, docnums_by_path: dict[str, int], size: int):
        docs = np.fromiter((docnums_by_path.get(str(k), -1) for k in data.keys), np.int64, len(data.keys))
        known = docs >= 0
        self.docs = docs[known]
        # float32 in memory: a matrix-vector product over float16 rows is many times slower.
        self.matrix = np.ascontiguousarray(data.vectors[known], dtype=np.float32)
        self.model = data.model
        self.file = data.file
        self._by_doc = np.argsort(self.docs, kind="stable")  # rows grouped by document
        self._sorted_docs = self.docs[self._by_doc]
        self.pages = len(np.unique(self.docs))

    def __len__(self) -> int:
        return self.pages

    def similarity(self, query: np.ndarray, docs) -> dict[int, float]:
        """Return the similarity to ``query`` of those of ``docs`` that have a vector (their nearest passage's)."""
        docs = np.unique(np.fromiter(docs, np.int64))
        left = np.searchsorted(self._sorted_docs, docs, "left")
        right = np.searchsorted(self._sorted_docs, docs, "right")
        has = right > left
        if not has.any():
            return {}
        rows = np.concatenate([self._by_doc[a:b] for a, b in zip(left[has], right[has])])
        scores = self.matrix[rows] @ np.asarray(query, dtype=np.float32)
        best: dict[int, float] = {}
        for doc, score in zip(self.docs[rows].tolist(), scores.tolist()):
            if score > best.get(doc, -2.0):
                best[doc] = score
        return best

    def nearest(self, query: np.ndarray, allowed: np.ndarray, limit: int, floor: float) -> list[tuple[int, float]]:
        """Return up to ``limit`` (document, similarity) pairs above ``floor``, most similar first.

        ``allowed`` is a boolean mask over documents: only those may be returned.
        """
        if not len(self.docs):
            return []
        scores = self.matrix @ np.asarray(query, dtype=np.float32)
        rows = np.flatnonzero(allowed[self.docs] & (scores >= floor))
        if not len(rows):
            return []
        take = limit * 4  # rows enough for ``limit`` pages even when pages have several near passages
        if len(rows) > take:
            rows = rows[np.argpartition(-scores[rows], take - 1)[:take]]
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        found: dict[int, float] = {}
        for doc, score in zip(self.docs[rows].tolist(), scores[rows].tolist()):
            if doc not in found:
                found[doc] = score
                if len(found) == limit:
                    break
        return list(found.items())
