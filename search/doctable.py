"""Per-document values of one index reader, kept in memory: facet columns and visibility.

Read once when a searcher opens (from Whoosh columns, not stored fields), they let a query's
filters and facet counts be plain set and array work instead of extra index queries. The set of
visible documents is cached until the next moment a page is scheduled to appear or disappear.
"""

import bisect

import numpy as np

from search.results import FacetValue

FACETS = ("year", "month", "lang")


class DocTable:
    """Facet values, dates and visibility windows of every document of one reader.

    The sets it returns are shared between queries: Whoosh only reads them (it takes a ``set``,
    not a ``frozenset``, as a filter); nothing may change them.
    """

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.columns = {name: list(reader.column_reader(name)) for name in FACETS}
        self.date = list(reader.column_reader("date"))
        self.same_text = list(reader.column_reader("same_text"))
        self.folder = list(reader.column_reader("folder"))
        self.visible_from = list(reader.column_reader("visible_from"))
        self.visible_until = list(reader.column_reader("visible_until"))
        self.live = frozenset(d for d in range(self.size) if not reader.is_deleted(d))
        boundaries = {v for v in self.visible_from} | {v for v in self.visible_until}
        self._boundaries = sorted(boundaries)
        self._visible: set[int] | None = None
        self._interval = (0, -1)
        self._filtered: dict[tuple, set[int]] = {}
        self._grouped: dict[str, dict[str, list[int]]] = {}
        # The same values as arrays of codes (an index into the sorted distinct values), for
        # counting and collapsing many hits at once.
        self._codes = {name: _encode(values) for name, values in self.columns.items()}
        self._same_codes = _encode(self.same_text)[0]
        self.dates = np.asarray(self.date, dtype=np.int64)

    def visible(self, now: float) -> set[int]:
        """Return the documents a visitor may see at epoch second ``now``."""
        now = int(now)
        lo, hi = self._interval
        if self._visible is None or not lo <= now < hi:
            vf, vu = self.visible_from, self.visible_until
            self._visible = {d for d in self.live if vf[d] <= now < vu[d]}
            i = bisect.bisect_right(self._boundaries, now)
            lo = self._boundaries[i - 1] if i else -(2**63)
            hi = self._boundaries[i] if i < len(self._boundaries) else 2**63
            self._interval = (lo, hi)
            self._filtered.clear()
        return self._visible

    def period(self, now: float) -> tuple[int, int]:
        """Return the stretch of epoch seconds around ``now`` in which no page appears or disappears."""
        self.visible(now)
        return self._interval

    def allowed(self, now: float, lang=None, year=None, month=None, start=None, end=None) -> set[int]:
        """Return the visible documents that pass the request's filters (cached per filter)."""
        base = self.visible(now)
        key = (lang, year, month, start, end)
        if key == (None, None, None, None, None):
            return base
        found = self._filtered.get(key)
        if found is None:
            langs, years, months, dates = self.columns["lang"], self.columns["year"], self.columns["month"], self.date
            found = set(
                d for d in base
                if (lang is None or langs[d] == lang) and (year is None or years[d] == year)
                and (month is None or months[d] == month) and (start is None or dates[d] >= start)
                and (end is None or dates[d] <= end)
            )
            if len(self._filtered) > 256:
                self._filtered.clear()
            self._filtered[key] = found
        return found

    def only_elsewhere(self, now: float, lang: str) -> set[int]:
        """Return the visible pages in other languages whose folder has no visible page in ``lang``."""
        visible = self.visible(now)  # also clears the cache when visibility changed
        key = ("only-elsewhere", lang)
        found = self._filtered.get(key)
        if found is None:
            langs, folders = self.columns["lang"], self.folder
            covered = {folders[d] for d in visible if langs[d] == lang}
            found = {d for d in visible if langs[d] != lang and folders[d] not in covered}
            self._filtered[key] = found
        return found

    def in_folder(self, docnum: int) -> list[int]:
        """Return the documents (deleted ones left out) in the page folder of ``docnum``: its translations."""
        return self._groups("folder").get(self.folder[docnum], [])

    def copies(self, docnum: int) -> list[int]:
        """Return the documents (deleted ones left out) whose text is the same as ``docnum``'s."""
        return self._groups("same_text").get(self.same_text[docnum], [])

    def _groups(self, name: str) -> dict[str, list[int]]:
        groups = self._grouped.get(name)
        if groups is None:
            groups = {}
            values = getattr(self, name)
            for doc in sorted(self.live):
                groups.setdefault(values[doc], []).append(doc)
            self._grouped[name] = groups
        return groups

    def distinct(self, docnums: np.ndarray) -> np.ndarray:
        """Return the positions in ``docnums`` of the first of each set of copies of one text (in order)."""
        if not len(docnums):
            return np.zeros(0, dtype=np.int64)
        _, first = np.unique(self._same_codes[docnums], return_index=True)
        return np.sort(first)

    def newest(self, docnums: np.ndarray, limit: int) -> list[int]:
        """Return the ``limit`` newest of ``docnums`` (by date, then by document number, both descending)."""
        order = np.lexsort((docnums, self.dates[docnums]))[::-1][:limit]
        return docnums[order].tolist()

    def count(self, docnums: np.ndarray) -> dict[str, list[FacetValue]]:
        """Return each facet's values with their counts among ``docnums`` (an array)."""
        out = {}
        for name in FACETS:
            codes, values = self._codes[name]
            counts = np.bincount(codes[docnums], minlength=len(values)) if len(docnums) else np.zeros(len(values), int)
            pairs = [(values[i], int(c)) for i, c in enumerate(counts) if c and values[i] != ""]
            if name == "lang":
                out[name] = sorted((FacetValue(v, c) for v, c in pairs), key=lambda f: (-f.count, f.value))
            else:
                out[name] = [FacetValue(v, c) for v, c in sorted(pairs, reverse=True)]
        return out


def _encode(values: list) -> tuple[np.ndarray, list]:
    """Return (codes, distinct values): ``values[i] == distinct[codes[i]]``."""
    distinct = sorted(set(values), key=lambda v: (v is None, "" if v is None else str(v)))
    index = {v: i for i, v in enumerate(distinct)}
    return np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values)), distinct
