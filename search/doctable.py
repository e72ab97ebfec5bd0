"""Per-document values of one index reader, kept in memory: facet columns and visibility.

Read once when a searcher opens (from Whoosh columns, not stored fields), they let a query's
filters and facet counts be plain set and array work instead of extra index queries. The set of
visible documents is cached until the next moment a page is scheduled to appear or disappear.
"""

import bisect
import functools
import threading
from collections.abc import Iterator

import numpy as np

from search.results import FacetValue
from search.schema import taxonomy_pairs

FACETS = ("year", "month", "lang")
# A page's values kept once, as columns: its stored document (a pickled dict, compressed) leaves them
# out, and DocTable.page / page_fields put them back (a fifth of the stored documents' size). A page's
# folder is not kept at all: it is read from its path (folder_of).
COLUMN_FIELDS = (
    "path",
    "same_text",
    "lang",
    "url",
    "title",
    "date",
    "year",
    "month",
    "visible_from",
    "visible_until",
)
# Filtered sets of documents kept (each as large as the pages it lets through; made again in milliseconds).
MAX_FILTERS = 32
# The taxonomies every answer has a facet for (Grav's own); others when the site's pages carry them.
TAXONOMIES = ("category", "tag")
# A taxonomy facet's values in an answer, most frequent first.
MAX_TAXONOMY_VALUES = 100

# A request's taxonomy filter: (name, values) pairs; a page passes when, for every name, it carries
# one of the values (compared case-insensitively).
TaxonomyFilter = tuple[tuple[str, tuple[str, ...]], ...]


class DocTable:
    """Facet values, dates and visibility windows of every document of one reader.

    Kept compact (a table per reader, in every serving process): facet values as lists sharing
    one string per distinct value, the rest as numpy arrays. The sets it returns are shared
    between queries: Whoosh only reads them (it takes a ``set``, not a ``frozenset``, as a
    filter); nothing may change them.
    """

    def __init__(self, reader):
        self.size = size = reader.doc_count_all()
        self._reader = reader
        self._readers: dict[str, object] = {}  # the column readers of value(), opened on first use
        parts = [_segment_columns(sub) for sub, _ in _leaves(reader)]
        # Values as codes (an index into the sorted distinct values), for counting, filtering
        # and collapsing many documents at once; each segment's are read once (see _segment_columns).
        self._codes = {name: _merge_codes([part[name] for part in parts]) for name in FACETS}
        self._code_of = {name: {v: i for i, v in enumerate(values)} for name, (_, values) in self._codes.items()}
        # Facet values by document (a value per code, not a list as long as the index).
        self.columns = {name: Column(codes, values) for name, (codes, values) in self._codes.items()}
        self.dates, self._from, self._until = (
            np.concatenate([part[name] for part in parts]) if parts else np.zeros(0, np.int64)
            for name in ("date", "visible_from", "visible_until")
        )
        self._live = np.ones(size, dtype=bool)
        for sub, offset in _leaves(reader):
            if sub.has_deletions():
                deleted = getattr(sub, "deleted_docs_set", None)  # a segment reader's (cached) set
                if not isinstance(deleted, (set, frozenset)):
                    deleted = [d for d in range(sub.doc_count_all()) if sub.is_deleted(d)]
                self._live[offset + np.fromiter(deleted, np.int64, len(deleted))] = False
        self._boundaries = np.unique(np.concatenate((self._from, self._until))).tolist()
        self._visible: set[int] | None = None
        self._visible_mask = np.zeros(size, dtype=bool)
        self._interval = (0, -1)
        self._filtered: dict[tuple, set[int]] = {}
        # Copies of one text share a code, as do the translations of one page folder.
        self.same_text, same_text_order = _equal_codes([part["same_text"] for part in parts])
        self.folder, folder_order = _equal_codes([part["folder"] for part in parts])
        self._orders = {"same_text": same_text_order, "folder": folder_order}
        # Which texts more than one document holds (deleted ones counted): most have no copy.
        self._copied = np.bincount(self.same_text) > 1
        self._grouped: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._stories: dict[str, tuple[set[int], np.ndarray]] = {}  # language → (the set it was made for, pages)
        # 1 for the pages whose header dates them (posts).
        self.dated = np.concatenate([part["dated"] for part in parts]) if parts else np.zeros(0, bool)
        self._taxonomy(parts)

    def _taxonomy(self, parts: list) -> None:
        """Read the taxonomy pairs: one (document, pair code) row per value a page carries."""
        docs, keys, offset = [], [], 0
        for part in parts:
            local, pair_keys = part["taxonomy"]
            docs.append(local + offset)
            keys += pair_keys
            offset += len(part["date"])
        self._pair_docs = np.concatenate(docs) if docs else np.zeros(0, np.int64)
        codes: dict[tuple[str, str], int] = {}  # (name, folded value) → code
        self.pairs: list[tuple[str, str]] = []  # code → (name, the value as first written)
        pair_codes = []
        for name, value in keys:
            key = (name, value.casefold())
            code = codes.get(key)
            if code is None:
                code = codes[key] = len(self.pairs)
                self.pairs.append((name, value))
            pair_codes.append(code)
        self._pair_codes = np.array(pair_codes, np.int64)
        self._pair_code_of = codes
        self.taxonomies = tuple(dict.fromkeys([*TAXONOMIES, *(name for name, _ in self.pairs)]))

    @functools.cached_property
    def live(self) -> frozenset[int]:
        """The documents not deleted (made on first use)."""
        return frozenset(np.flatnonzero(self._live).tolist())

    def visible(self, now: float) -> set[int]:
        """Return the documents a visitor may see at epoch second ``now``."""
        now = int(now)
        lo, hi = self._interval
        if self._visible is None or not lo <= now < hi:
            self._visible_mask = self._live & (self._from <= now) & (now < self._until)
            self._visible = set(np.flatnonzero(self._visible_mask).tolist())
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

    def _is(self, name: str, value) -> np.ndarray:
        """Return which documents have ``value`` in facet column ``name``."""
        codes, _values = self._codes[name]
        code = self._code_of[name].get(value)
        return codes == code if code is not None else np.zeros(self.size, dtype=bool)

    def allowed(
        self, now: float, lang=None, year=None, month=None, start=None, end=None, taxonomy: TaxonomyFilter = ()
    ) -> set[int]:
        """Return the visible documents that pass the request's filters (cached per filter)."""
        base = self.visible(now)
        key = (lang, year, month, start, end, taxonomy)
        if key == (None, None, None, None, None, ()):
            return base
        found = self._filtered.get(key)
        if found is None:
            mask = self._visible_mask.copy()
            for name, value in (("lang", lang), ("year", year), ("month", month)):
                if value is not None:
                    mask &= self._is(name, value)
            for name, values in taxonomy:
                mask &= self._carries(name, values)
            if start is not None:
                mask &= self.dates >= start
            if end is not None:
                mask &= self.dates <= end
            found = set(np.flatnonzero(mask).tolist())
            if len(self._filtered) >= MAX_FILTERS:
                self._filtered.clear()
            self._filtered[key] = found
        return found

    def visible_mask(self, now: float, lang=None) -> np.ndarray:
        """Return which documents a visitor may see at ``now`` (in ``lang`` when given), as a boolean array."""
        self.visible(now)
        return self._visible_mask if lang is None else self._visible_mask & self._is("lang", lang)

    def _carries(self, name: str, values: tuple[str, ...]) -> np.ndarray:
        """Return which documents carry one of ``values`` of taxonomy ``name``."""
        codes = [c for v in values if (c := self._pair_code_of.get((name, v.casefold()))) is not None]
        mask = np.zeros(self.size, dtype=bool)
        if codes:
            mask[self._pair_docs[np.isin(self._pair_codes, codes)]] = True
        return mask

    def count_taxonomies(self, docnums: np.ndarray, names=None) -> dict[str, list[FacetValue]]:
        """Return each taxonomy's values (of ``names``, all when None) with their counts among ``docnums``."""
        names = self.taxonomies if names is None else names
        among = np.zeros(self.size, dtype=bool)
        among[docnums] = True
        counts = np.bincount(self._pair_codes[among[self._pair_docs]], minlength=len(self.pairs)).tolist()
        out: dict[str, list[FacetValue]] = {name: [] for name in names}
        for code, count in enumerate(counts):
            name, value = self.pairs[code]
            if count and name in out:
                out[name].append(FacetValue(value, count))
        for values in out.values():
            values.sort(key=lambda f: (-f.count, f.value.casefold()))
            del values[MAX_TAXONOMY_VALUES:]
        return out

    def taxonomy_of(self, docnum: int) -> dict[str, list[str]]:
        """Return the taxonomy values ``docnum`` carries, by name."""
        # (the rows are in document order: a hit's are found by bisection, not by a pass over all of them)
        lo, hi = np.searchsorted(self._pair_docs, [docnum, docnum + 1])
        out: dict[str, list[str]] = {}
        for code in self._pair_codes[lo:hi].tolist():
            name, value = self.pairs[code]
            out.setdefault(name, []).append(value)
        return out

    def lang_is(self, docnums: np.ndarray, lang: str) -> np.ndarray:
        """Return which of ``docnums`` are pages in ``lang``."""
        codes, _ = self._codes["lang"]
        code = self._code_of["lang"].get(lang)
        return codes[docnums] == code if code is not None else np.zeros(len(docnums), dtype=bool)

    def stories(self, docnums: np.ndarray, lang: str, among: set[int]) -> np.ndarray:
        """Return for each of ``docnums`` the page of its folder (its story) in ``lang`` when that page is
        one of ``among``, else the document itself."""
        if not len(docnums):
            return docnums
        # Each folder's page in ``lang`` among ``among``: made once per filtered set (the sets are kept and
        # shared between queries, so the widget's every search does not walk every document again).
        made = self._stories.get(lang)
        if made is None or made[0] is not among:
            own = np.fromiter(among, np.int64, len(among))
            own = own[self.lang_is(own, lang)]
            by_folder = np.full(int(self.folder.max()) + 1 if len(self.folder) else 0, -1, np.int64)
            by_folder[self.folder[own]] = own
            made = self._stories[lang] = (among, by_folder)
        found = made[1][self.folder[docnums]]
        return np.where(found >= 0, found, docnums)

    def only_elsewhere(self, now: float, lang: str) -> set[int]:
        """Return the visible pages in other languages whose folder has no visible page in ``lang``."""
        self.visible(now)  # also clears the cache when visibility changed
        key = ("only-elsewhere", lang)
        found = self._filtered.get(key)
        if found is None:
            visible, own = self._visible_mask, self._is("lang", lang)
            covered = np.isin(self.folder, self.folder[visible & own])
            found = set(np.flatnonzero(visible & ~own & ~covered).tolist())
            self._filtered[key] = found
        return found

    def same_language_other_texts(self, docnum: int, among: set[int]) -> set[int]:
        """Return the documents of ``among`` in ``docnum``'s language whose text is not the same as its."""
        docs = np.fromiter(among, np.int64, len(among))
        langs = self._codes["lang"][0]
        keep = (langs[docs] == langs[docnum]) & (self.same_text[docs] != self.same_text[docnum])
        return set(docs[keep].tolist())

    def in_folder(self, docnum: int) -> list[int]:
        """Return the documents (deleted ones left out) in the page folder of ``docnum``: its translations."""
        return self._group("folder", docnum)

    def copies(self, docnum: int) -> list[int]:
        """Return the documents (deleted ones left out) whose text is the same as ``docnum``'s."""
        return self._group("same_text", docnum)

    def page(self, docnum: int, stored: dict | None = None) -> dict:
        """Return the fields of ``docnum``: its stored document (``stored`` when already read) with
        the values kept as columns (:data:`COLUMN_FIELDS`)."""
        fields = dict(self._reader.stored_fields(docnum) if stored is None else stored)
        for name in ("year", "month", "lang"):
            fields[name] = self.columns[name][docnum]
        fields["date"] = int(self.dates[docnum])
        fields["visible_from"] = int(self._from[docnum])
        fields["visible_until"] = int(self._until[docnum])
        for name in ("path", "same_text", "url", "title"):
            fields[name] = self.value(name, docnum)
        fields["folder"] = folder_of(fields["path"])
        return fields

    def value(self, name: str, docnum: int) -> str:
        """Return a text column's value (``path``, ``url``, ``title``, …) of ``docnum``.

        A translation's or a copy's link, or a candidate's title, costs a column read, not its whole
        stored document (its text included, unpickled): a tenth of a first-time search at 100,000 pages.
        """
        column = self._readers.get(name)
        if column is None:
            column = self._readers[name] = self._reader.column_reader(name)
        return column[docnum]

    def _group(self, name: str, docnum: int) -> list[int]:
        order, codes = self._sorted(name)
        code = getattr(self, name)[docnum]
        return order[np.searchsorted(codes, code, "left") : np.searchsorted(codes, code, "right")].tolist()

    def _sorted(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the live documents ordered by code of ``name`` (by number within a code), and their codes."""
        found = self._grouped.get(name)
        if found is None:
            order = self._orders[name]  # every document, in that order (from _equal_codes)
            order = order[self._live[order]]
            found = self._grouped[name] = (order, getattr(self, name)[order])
        return found

    def distinct(self, docnums: np.ndarray) -> np.ndarray:
        """Return the positions in ``docnums`` of the first of each set of copies of one text (in order)."""
        if not len(docnums):
            return np.zeros(0, dtype=np.int64)
        codes = self.same_text[docnums]
        copied = self._copied[codes]
        if not copied.any():
            return np.arange(len(docnums))
        # Only the documents whose text has copies are sorted out (a common word's hits: a fifth of the archive).
        some = np.flatnonzero(copied)
        _, first = np.unique(codes[some], return_index=True)
        keep = ~copied
        keep[some[first]] = True
        return np.flatnonzero(keep)

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


class Column:
    """A facet's value of every document, kept as each document's code into the distinct values."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: np.ndarray, values: list):
        self.codes, self.values = codes, values

    def __getitem__(self, docnum: int):
        return self.values[self.codes[docnum]]

    def __len__(self) -> int:
        return len(self.codes)


def _leaves(reader) -> list:
    """Return the (segment reader, first document) pairs of ``reader`` (itself when it has one segment)."""
    return reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]


# The column values of each segment, read once: segments never change once written, and after a
# commit a searcher reads only the new ones (the whole table at 100,000 pages took a second).
# Facet values are each document's code into the segment's distinct values; the copy and folder
# keys, nearly one per document, as each document's hash of its key (8 bytes, not the key).
_segments: dict = {}
_segments_lock = threading.Lock()


def _segment_columns(sub) -> dict:
    segment = sub.segment() if hasattr(sub, "segment") else None
    key = None if segment is None else (segment.segment_id(), sub.doc_count_all())
    with _segments_lock:
        found = _segments.get(key) if key else None
    if found is not None:
        return found
    size = sub.doc_count_all()
    found: dict = {name: _encode(list(sub.column_reader(name))) for name in FACETS}
    found["same_text"] = _hashes(sub.column_reader("same_text"), size)
    found["folder"] = _hashes(map(folder_of, sub.column_reader("path")), size)
    found["taxonomy"] = _pairs(sub, size)
    found["dated"] = (
        np.fromiter(sub.column_reader("dated"), np.int64, size).astype(bool)
        if "dated" in sub.schema and sub.has_column("dated")
        else np.zeros(size, bool)
    )
    found.update(
        {
            name: np.fromiter(sub.column_reader(name), np.int64, size)
            for name in ("date", "visible_from", "visible_until")
        }
    )
    if key:
        with _segments_lock:
            if len(_segments) >= 64:
                _segments.clear()
            _segments[key] = found
    return found


def _pairs(sub, size: int) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Return a segment's taxonomy rows: (each pair's document, the (name, value) pairs)."""
    if "taxonomy" not in sub.schema or not sub.has_column("taxonomy"):
        return np.zeros(0, np.int64), []
    docs, pairs, parsed = [], [], {}
    for doc, value in enumerate(sub.column_reader("taxonomy")):
        if value:
            found = parsed.get(value)
            if found is None:
                found = parsed[value] = taxonomy_pairs(value)
            docs += [doc] * len(found)
            pairs += found
    return np.array(docs, np.int64), pairs


def _hashes(values, size: int) -> np.ndarray:
    """Return each value's hash: equal values have equal hashes (and unequal ones, at a million
    documents, a chance of about one in 40 million of any two sharing one: 64-bit hashes)."""
    return np.fromiter((hash(v or "") for v in values), np.int64, size)


def _equal_codes(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Return one code per document of the segments' ``_hashes``, from 0 up, equal codes for equal
    values; and the documents ordered by code (by number within a code).

    A sort of integers, not of the values themselves: at a million pages the copy and folder keys
    as strings took 0.6 s of the first search after every save, and sorting again to group the
    documents by code another 0.15 s."""
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    hashes = np.concatenate(parts)
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    starts = np.empty(len(ordered), bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    codes = np.empty(len(hashes), np.int64)
    codes[order] = np.cumsum(starts) - 1
    return codes, order


def _merge_codes(parts: list[tuple[np.ndarray, list]]) -> tuple[np.ndarray, list]:
    """Return (codes, distinct values) of the segments' ``_encode`` parts put one after another."""
    distinct = _sorted_values({v for _, values in parts for v in values})
    index = {v: i for i, v in enumerate(distinct)}
    codes = [np.array([index[v] for v in values], np.int64)[local] for local, values in parts]
    return (np.concatenate(codes) if codes else np.zeros(0, np.int64)), distinct


def _sorted_values(values) -> list:
    return sorted(values, key=lambda v: (v is None, "" if v is None else str(v)))


def _encode(values: list) -> tuple[np.ndarray, list]:
    """Return (codes, distinct values): ``values[i] == distinct[codes[i]]``."""
    distinct = _sorted_values(set(values))
    index = {v: i for i, v in enumerate(distinct)}
    return np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values)), distinct


def folder_of(path: str) -> str:
    """Return the page folder of page file ``path`` (relative to the pages folder; "." at its top)."""
    return path.rpartition("/")[0] or "."


def page_fields(reader, docnum: int) -> dict:
    """Return the fields of ``docnum``: its stored document with the values kept as columns."""
    fields = reader.stored_fields(docnum)
    # The document's own segment's columns: a reader over all of them reads each segment's offsets.
    leaves = _leaves(reader)
    sub, offset = leaves[bisect.bisect_right([start for _, start in leaves], docnum) - 1]
    for name in COLUMN_FIELDS:
        if sub.has_column(name):
            fields[name] = sub.column_reader(name)[docnum - offset]
    fields["folder"] = folder_of(fields["path"])
    return fields


def iter_pages(reader, names: tuple[str, ...] = COLUMN_FIELDS) -> Iterator[tuple[int, dict]]:
    """Yield (number, fields) of each live document: its stored document with the values kept as
    columns (those of ``names``; the path and the folder always). The columns are read a segment at a
    time: a million pages' values are never in memory at once."""
    names = ("path", *(n for n in names if n != "path"))
    for sub, offset in _leaves(reader):
        columns = [(name, list(sub.column_reader(name))) for name in names if sub.has_column(name)]
        for docnum, stored in sub.iter_docs():
            for name, values in columns:
                stored[name] = values[docnum]
            stored["folder"] = folder_of(stored["path"])
            yield offset + docnum, stored


def find_page(searcher, path: str) -> dict | None:
    """Return the fields of the live document of page file ``path``, or None."""
    docnum = searcher.document_number(path=path)
    return None if docnum is None else page_fields(searcher.reader(), docnum)


def documents_by_path(reader) -> dict[str, int]:
    """Return each live document's number by its page path (read from the path column)."""
    found: dict[str, int] = {}
    for sub, offset in _leaves(reader):
        deleted = sub.is_deleted if sub.has_deletions() else None
        for i, path in enumerate(sub.column_reader("path")):
            if deleted is None or not deleted(i):
                found[path] = offset + i
    return found
