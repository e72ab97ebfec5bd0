"""Run a search: request in, :class:`SearchPage` out."""

import functools
import gc
import itertools
import os
import pickle
import struct
import threading
import time
import traceback
import weakref
import zlib
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import numpy as np
from whoosh import query as wq
from whoosh import reading as whoosh_reading

from search import datewords, fragments, hybrid, navigation, ranking, recency, relax, semantic, store, synonyms
from search import query as visitor_query
from search.analysis import LANGUAGES
from search.correct import Vocabulary, correct, transliterations
from search.doctable import DocTable
from search.errors import IndexDamaged, QueryError
from search.highlight import MAX_HIGHLIGHT_CHARS, marked_title, query_terms, snippet
from search.lists import LiveLists
from search.marks import marked_words
from search.matching import Budget, matching
from search.meaning import Meaning
from search.results import Hit, SearchPage
from search.rules import Rules
from search.schema import CROSS_TITLE_FIELD, body_field

MAX_PER_PAGE = 100
PREFER_LANG_BOOST = 3.0
OWN_LANG_FIRST_BOOST = 1000.0
MAX_PAGE = 1000
SORTS = ("relevance", "date")
MIN_YEAR, MAX_YEAR = 1000, 2999  # dates a filter may name (past 9999-12-31 a day's end cannot be computed)
COLLAPSES = ("translations",)
MAX_TAXONOMY_FILTERS = 20  # values named in one request's taxonomy filters
MAX_TAXONOMY_CHARS = 200
KNOWN_WORDS = 20_000  # words whose "does the index know it" answer each process keeps


@dataclass(frozen=True)
class SearchRequest:
    """A validated search request; invalid values raise :class:`QueryError`."""

    q: str = ""
    lang: str | None = None
    year: int | None = None
    month: str | None = None  # "YYYY-MM"
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    correct: bool = True  # fix a wrong keyboard layout or a misspelt word
    prefer_lang: str | None = None  # the visitor's interface language: ranks its pages first, filters nothing
    others: bool = False  # with lang: also pages that exist only in other languages, after lang's own
    # Taxonomy filters, (name, values) pairs: every name, any of its values (case aside).
    taxonomy: tuple[tuple[str, tuple[str, ...]], ...] = ()
    collapse: str | None = None  # "translations": one hit per story, in prefer_lang when it has one

    def __post_init__(self):
        for name in ("lang", "prefer_lang"):
            value = getattr(self, name)
            if value is not None and value not in LANGUAGES:
                raise QueryError(f"{name} must be one of {', '.join(LANGUAGES)}")
        if self.sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.year is not None and not MIN_YEAR <= self.year <= MAX_YEAR:
            raise QueryError(f"year must be between {MIN_YEAR} and {MAX_YEAR}")
        for name, day in (("from", self.date_from), ("to", self.date_to)):
            if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
                raise QueryError(f"{name} must be a date between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31")
        if self.month is not None:
            y, _, m = self.month.partition("-")
            if not (len(y) == 4 and y.isdigit() and m.isdigit() and 1 <= int(m) <= 12 and len(m) == 2):
                raise QueryError("month must be YYYY-MM, or 1-12 together with year")
            if not MIN_YEAR <= int(y) <= MAX_YEAR:
                raise QueryError(f"month must be between {MIN_YEAR}-01 and {MAX_YEAR}-12")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError("from must not be after to")
        if self.collapse is not None and self.collapse not in COLLAPSES:
            raise QueryError(f"collapse must be one of {', '.join(COLLAPSES)}")
        named = 0
        for name, values in self.taxonomy:
            if not name.isidentifier() or len(name) > 40:
                raise QueryError(f"{name[:40]!r} is not a taxonomy name: use letters, digits and _")
            for value in values:
                named += 1
                if not value.strip() or len(value) > MAX_TAXONOMY_CHARS:
                    raise QueryError(f"{name} must be a non-empty value of at most {MAX_TAXONOMY_CHARS} characters")
        if named > MAX_TAXONOMY_FILTERS:
            raise QueryError(f"at most {MAX_TAXONOMY_FILTERS} taxonomy values may be given at once")
        visitor_query.parse(self.q)  # length and term caps

    @property
    def collapsing(self) -> bool:
        """Whether a story's translations are one hit: asked for, with the visitor's language and no language filter."""
        return self.collapse == "translations" and self.prefer_lang is not None and not self.lang


def warm_up() -> None:
    """Load the dictionaries and data that the first query would otherwise wait for."""
    from search.analysis.dictionary import lemma_stems

    lemma_stems()
    visitor_query.to_whoosh(visitor_query.parse("гематология орталығы hematology"), synonyms.default())
    synonyms.default().groups_of("warm up")


class LruCache:
    """The most recently used values, up to ``size`` of them (0: none), shared by all threads."""

    def __init__(self, size: int):
        self.size = size
        self._answers: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        if not self.size:
            return None
        with self._lock:
            page = self._answers.get(key)
            if page is not None:
                self._answers.move_to_end(key)
            return page

    def put(self, key, page) -> None:
        if not self.size:
            return
        with self._lock:
            self._answers[key] = page
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)


class AnswerCache(LruCache):
    """Answers kept compressed (a page pickled, zlib level 1): about 3 KB each instead of some 30 KB
    of Python objects, in every server process; each repeat gets a copy of its own (≈ 0.15 ms)."""

    def get(self, key):
        data = super().get(key)
        return None if data is None else pickle.loads(zlib.decompress(data))

    def put(self, key, page) -> None:
        if self.size:
            super().put(key, zlib.compress(pickle.dumps(page, pickle.HIGHEST_PROTOCOL), 1))


# What reading a damaged index raises (Whoosh checks little and trusts the rest). whoosh3 names a
# bad postings block CorruptIndexError; whoosh-reloaded 2.7 raises a bare Exception("Block tag
# error …") from its codec, recognised by where it was raised.
READ_FAULTS = (EOFError, OSError, struct.error, zlib.error, pickle.UnpicklingError) + tuple(
    c for c in (getattr(whoosh_reading, "CorruptIndexError", None),) if c is not None
)
_CODEC_FILES = (os.sep + os.path.join("whoosh", "codec") + os.sep, os.sep + os.path.join("whoosh", "filedb") + os.sep)


def is_read_fault(exc: BaseException) -> bool:
    """Whether ``exc`` comes from reading damaged index files (not from a bug of ours)."""
    if isinstance(exc, READ_FAULTS):
        return True
    if type(exc) is not Exception or exc.__traceback__ is None:
        return False
    *_, last = traceback.extract_tb(exc.__traceback__)
    return any(part in last.filename for part in _CODEC_FILES)


def _reads_index(method):
    """Turn a fault in reading the index into :class:`IndexDamaged` (503, and /healthz says degraded)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            if not is_read_fault(exc):
                raise
            self.damage = f"{type(exc).__name__}: {exc}"
            self.damaged_at = time.time()
            raise IndexDamaged(
                f"the index at {self.index_dir} cannot be read ({self.damage}): "
                "it is being checked and rebuilt; run `poisk index` if nothing indexes it"
            ) from exc

    return wrapper


class SearchService:
    """Searches one index; keeps a long-lived searcher per thread and refreshes it.

    The index is opened read-only, once; each thread's searcher follows new commits
    (``refresh``) and, when a full rebuild is switched in, moves to the new generation —
    checked at most every ``refresh_interval`` seconds, never per request.
    """

    def __init__(
        self,
        index_dir: Path,
        clock=time.time,
        refresh_interval: float = 1.0,
        time_budget: float = 2.0,
        cache_size: int = 1000,
        semantic: bool = True,
        recent: recency.Recency | None = None,
        rules_file: Path | None = None,
        resolve_page=None,
        lists_folder: Path | None = None,
    ):
        self.index_dir = Path(index_dir)
        self.recency = recent or recency.Recency()
        self.cache = AnswerCache(cache_size)
        self.time_budget = time_budget
        self.clock = clock
        self.refresh_interval = refresh_interval
        self._lock = threading.Lock()
        self._generation = store.current(self.index_dir)
        self._index = store.open_index(self.index_dir)
        self._switches = 0
        self._newest = -1  # the newest commit any thread's searcher has seen (this generation)
        self._checked = time.monotonic()
        self.tz = ZoneInfo(self.meta().get("timezone") or "UTC")
        self._local = threading.local()
        # Every searcher still open (one per thread): their files are closed when this service is
        # closed or garbage-collected.
        self._open: set = set()
        self._closer = weakref.finalize(self, _close_all, self._open, self._lock)
        self._spelling_cache = LruCache(5000)
        # Whether the index knows a word (at any level): a third of a search's checks are of words
        # other searches checked (transliterations of common words), ≈ 0.3 ms a search at 100k pages.
        self._known_words = LruCache(KNOWN_WORDS)
        self._site: tuple | None = None  # (generation, the site name's words)
        self.damage: str | None = None  # the last fault in reading this index (None while none was met)
        self.damaged_at: float | None = None
        # Pages found by meaning (when the indexer has written page vectors and the model loads).
        self.meaning = Meaning(semantic, refresh_interval)
        # Editors' pins and hides (search.rules), reread when their file changes.
        self.rules = Rules(rules_file, self.tz, resolve_page or (lambda page: page.strip("/") or None))
        # Synonyms, places, entities and generic words (search.lists), reread when an editor changes them.
        self.lists = LiveLists(lists_folder)
        warm_up()

    # -- searchers -------------------------------------------------------------

    def _follow_switch(self) -> None:
        """Open the served generation if a full rebuild replaced ours (at most once per interval)."""
        now = time.monotonic()
        if now - self._checked < self.refresh_interval:
            return
        with self._lock:
            if now - self._checked < self.refresh_interval:
                return
            self._checked = now
            gen = store.current(self.index_dir)
            if gen is not None and gen != self._generation:
                try:
                    index = store.open_index(self.index_dir)
                except Exception:
                    return  # keep serving what we have; the next check tries again
                self._index, self._generation = index, gen
                self._newest = -1
                self.damage = self.damaged_at = None
                self._switches += 1

    def _searcher(self):
        self._follow_switch()
        local = self._local
        searcher = getattr(local, "searcher", None)
        now = time.monotonic()
        if searcher is None or local.epoch != self._switches:
            if searcher is not None:
                local.searcher = None
                self._close(searcher)
            searcher = self._open_searcher()
            try:
                columns = _table(searcher.reader())
            except BaseException:  # a damaged index: the next request tries again from nothing
                self._close(searcher)
                raise
            local.searcher, local.columns = searcher, columns
            local.epoch = self._switches
            local.checked = now
        elif now - local.checked >= self.refresh_interval or searcher.reader().generation() < self._newest:
            # Checked every refresh_interval, and at once when another thread has already seen a
            # newer commit: answers never go back in time from one request to the next.
            local.checked = now
            if self._index.latest_generation() != searcher.reader().generation():
                # A new searcher, not Searcher.refresh(): its reuse of segment readers can keep a
                # segment's old deletions (a deleted page stays findable) and differs across
                # Whoosh distributions. Closing the old one frees its files.
                fresh = self._open_searcher()
                self._close(searcher)
                local.searcher, local.columns = fresh, _table(fresh.reader())
                searcher = fresh
        generation = searcher.reader().generation()
        if local.epoch == self._switches and generation > self._newest:
            self._newest = generation
        return searcher, local.columns

    def _version(self, searcher) -> tuple[int, int]:
        """Return what tells the words of ``searcher`` from those of any other: the index (a rebuild
        starts Whoosh's generations again) and its commit."""
        return self._switches, searcher.reader().generation()

    def _vocabulary(self, searcher) -> Vocabulary:
        return Vocabulary(searcher.reader(), self._known_words, self._version(searcher))

    def _open_searcher(self):
        searcher = self._index.searcher()
        with self._lock:
            self._open.add(searcher)
        return searcher

    def _close(self, searcher) -> None:
        with self._lock:
            self._open.discard(searcher)
        searcher.close()

    def close(self) -> None:
        """Close every searcher's files (the service must not be used afterwards)."""
        self._closer()

    @_reads_index
    def document_count(self) -> int:
        """Return the number of documents in the index (visible or not)."""
        searcher, _ = self._searcher()
        return searcher.doc_count()

    def meta(self) -> dict:
        """Return the metadata the indexer wrote beside the served index (read afresh)."""
        return store.read_meta(self._generation)

    # -- searching -------------------------------------------------------------

    def _spellings(self, parsed, vocab, searcher) -> dict:
        """Return the query words' other spellings the index knows (cached per index version)."""
        key = (self._version(searcher), repr(parsed))
        found = self._spelling_cache.get(key)
        if found is None:
            found = transliterations(parsed, vocab)
            self._spelling_cache.put(key, found)
        return found

    def _allowed(self, table: DocTable, req: SearchRequest) -> set[int]:
        """Return the documents a visitor may see that pass the request's filters."""
        start = self._epoch(req.date_from) if req.date_from else None
        end = self._epoch(req.date_to + timedelta(days=1)) - 1 if req.date_to else None
        year = str(req.year) if req.year else None
        if req.others and req.lang:
            elsewhere = table.only_elsewhere(self.clock(), req.lang)
            langs = table.columns["lang"]
            return {
                d
                for d in table.allowed(self.clock(), None, year, req.month, start, end, req.taxonomy)
                if langs[d] == req.lang or d in elsewhere
            }
        return table.allowed(self.clock(), req.lang, year, req.month, start, end, req.taxonomy)

    @staticmethod
    def _folder_docs(searcher, folders) -> set[int]:
        """Return the documents of the page folders ``folders`` (each language's file; sub-pages not)."""
        docs = set()
        reader = searcher.reader()
        for folder in folders:
            prefix = folder.strip("/") + "/"
            for term in reader.expand_prefix("path", prefix):
                rel = term.decode("utf-8") if isinstance(term, bytes) else term
                if "/" not in rel[len(prefix) :]:
                    docs.update(searcher.document_numbers(path=rel))
        return docs

    def _pinned(self, searcher, columns, pins, filters: set[int], req) -> list[tuple[int, int]]:
        """Return the documents pinned to positions: for each pinned folder, its page in the visitor's
        language (else any of its pages) that the request's filters and visibility let through."""
        out, langs = [], columns.columns["lang"]
        wanted = req.lang or req.prefer_lang
        for folder, position in pins:
            docs = sorted(self._folder_docs(searcher, [folder]) & filters)
            if docs:
                doc = next((d for d in docs if langs[d] == wanted), docs[0])
                out.append((doc, position))
        return out

    def _epoch(self, day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=self.tz).timestamp())

    @_reads_index
    def search(self, req: SearchRequest) -> SearchPage:
        """Run ``req`` and return one page of results with facets over all hits.

        Answers are cached per index version and per stretch of time in which no page is
        scheduled to appear or disappear, so a cached answer is always the one a fresh search
        would give.
        """
        started = time.perf_counter()
        searcher, columns = self._searcher()
        key = (
            req,
            self._switches,
            searcher.reader().generation(),
            columns.period(self.clock()),
            self.meaning.version(self._generation),
            self.rules.state(self.clock()),
            self.lists.current().version,
        )
        page = self.cache.get(key)
        if page is not None:
            return replace(page, took_ms=_ms(started))
        page = self._search(req, searcher, columns, started)
        if not page.partial:
            self.cache.put(key, page)
        _settle()
        return page

    @_reads_index
    def traced(self, req: SearchRequest, lexicon=None) -> tuple[SearchPage, dict]:
        """Run ``req`` uncached (with ``lexicon``'s word lists, else those in force) and return the page and
        what each stage found and scored with (for :mod:`search.explain`)."""
        searcher, columns = self._searcher()
        trace: dict = {"now": self.clock()}
        return self._search(req, searcher, columns, time.perf_counter(), lexicon, trace), trace

    def _search(self, req: SearchRequest, searcher, columns, started: float, lexicon=None, trace=None) -> SearchPage:
        lexicon = lexicon or self.lists.current()
        parsed = visitor_query.parse(req.q)
        if req.year is None and req.month is None:
            parsed, year, month = datewords.extract(parsed)
            if year:  # «июль 2019» filters by date instead of searching the words
                req = replace(req, year=year, month=month)
        corrected = None
        parts = None
        if parsed.is_empty and not parsed.excluded:
            text_query = wq.Every()
        else:
            vocab = self._vocabulary(searcher)
            if req.correct:
                parsed, correction = correct(req.q, parsed, vocab)
                corrected = correction.text if correction else None
            parts = visitor_query.to_parts(parsed, lexicon.synonyms, self._spellings(parsed, vocab, searcher))
            if req.lang and not req.others:
                parts = _only_language(parts, req.lang)
            text_query = parts.combined()
        if text_query is None:
            return SearchPage(req.q, 0, req.page, req.per_page, _ms(started), [], _no_facets(columns), corrected)
        ranked_query = self._boosted(text_query, req)
        if trace is not None:
            trace.update(req=req, parsed=parsed, corrected=corrected, parts=parts, lexicon=lexicon)
            trace.update(text_query=text_query, ranked_query=ranked_query, searcher=searcher, columns=columns)

        filters = self._allowed(columns, req)
        by_date = req.sort == "date" or isinstance(text_query, wq.Every)
        # Editors' rules: hidden pages are not there; pinned ones (that the filters let through) take their place.
        applied = self.rules.applied(req.q, self.clock())
        pinned: list[tuple[int, int]] = []
        if applied:
            filters = filters - self._folder_docs(searcher, applied.hides)
            if not by_date:
                pinned = self._pinned(searcher, columns, applied.pins, filters, req)
                filters = filters - {d for d, _ in pinned}
        if trace is not None:
            trace.update(filters=filters, applied=applied, pinned=pinned)
        first = (req.page - 1) * req.per_page
        collapsing = req.collapsing
        # (Collapsing a story's translations into one hit: enough pages ranked for a page of stories.)
        wanted = (first + req.per_page) * (len(LANGUAGES) if collapsing else 1)
        if not filters and not pinned:  # nothing visible passes the filters (Whoosh takes an empty filter as none)
            return SearchPage(req.q, 0, req.page, req.per_page, _ms(started), [], _no_facets(columns), corrected)
        # Every hit counts for the total and the facets: found as a set of posting ids, no scores.
        # Only the page is ranked: newest first from the date column, or by BM25F computed on
        # arrays for the hits alone. Within a time budget: past it, what was found so far is
        # answered, flagged partial.
        budget = Budget(self.time_budget)
        found = matching(text_query, searcher, filters, budget) & filters  # "every page" is every allowed one
        if trace is not None:
            trace.update(found=found, budget=budget)
        hits = _sorted(found)
        distinct = hits[columns.distinct(hits)]  # copies of one text are one hit
        words: list[relax.Word] = []
        lazy_words = parts is not None and len(parts.parts) > 1

        def word_list() -> list[relax.Word]:
            if not words:
                words.extend(
                    relax.Word(
                        p.words,
                        self._weak(p, lexicon.generic),
                        matching(parts.without_excluded(p.query), searcher, filters, budget) & filters,
                    )
                    for p in parts.parts
                )
            return words

        # Fewer pages than a page of results hold every word: those lacking the least telling follow.
        relaxed = None
        if lazy_words and len(distinct) < req.per_page:
            relaxed = relax.relax(word_list(), len(filters))
            for doc in found:
                relaxed.missing.pop(doc, None)
        # A page whose title is what the visitor typed comes first, even if it lacks a generic word.
        named = (
            self._named(parts, searcher, columns, filters, budget, lexicon.generic)
            if parts is not None and not by_date
            else []
        )
        named_set = set(named)
        missing = dict(relaxed.missing) if relaxed else {}
        for doc in named:
            if doc not in found and doc not in missing:
                missing[doc] = tuple(i for i, w in enumerate(word_list()) if doc not in w.pages)
        soft = _sorted(d for d in missing if d not in named_set)
        soft_distinct = soft[columns.distinct(soft)] if len(soft) else soft
        # Pages near the query's meaning fill what words left empty (never above a page with every word),
        # unless the visitor asked for exact words ("a phrase").
        phrased = parts is not None and any(c.phrase for p in parts.parts for c in p.clauses)
        near: dict[int, float] = {}
        similar = None  # the similarity to the query of any page (when the model was asked)
        if parts is not None and not by_date and len(distinct) < min(req.per_page, hybrid.FILL_BELOW) and not phrased:
            near, similar = self._near(req, parts, searcher, columns, filters, found | named_set | missing.keys())
            for doc in near:
                missing[doc] = tuple(i for i, w in enumerate(word_list()) if doc not in w.pages)
        near_arr = _sorted(near)
        named_arr = _sorted(named_set)
        named_distinct = named_arr[columns.distinct(named_arr)] if len(named_arr) else named_arr
        rest = [
            a
            for a in (distinct[~np.isin(distinct, named_arr)] if len(named_arr) else distinct, soft_distinct, near_arr)
            if len(a)
        ]
        shown = np.concatenate([named_distinct, *rest]) if len(named_distinct) or rest else distinct
        if pinned:
            shown = np.concatenate([shown, np.array([d for d, _ in pinned], np.int64)])
        if not len(shown):
            return SearchPage(
                req.q, 0, req.page, req.per_page, _ms(started), [], _no_facets(columns), corrected, budget.partial
            )
        if collapsing:
            shown = np.unique(columns.stories(shown, req.prefer_lang, filters))
        facets = self._facets(columns, np.sort(shown), req, text_query, searcher, budget)
        if trace is not None:
            trace.update(shown=shown, named=named_set, missing=missing, near=near, words=words if parts else [])
        any_word = None
        if missing.keys() - near.keys():
            any_word = self._boosted(parts.without_excluded(wq.Or([p.query for p in parts.parts])), req)
        if by_date:
            ranked = [(d, None) for d in columns.newest(distinct, wanted)]
            if len(ranked) < wanted and len(soft_distinct):
                ranked += [(d, None) for d in columns.newest(soft_distinct, wanted - len(ranked))]
        else:
            ranked = []
            if len(named_arr):  # named pages: by score among themselves, first
                if trace is not None:
                    trace["named_query"] = any_word or ranked_query
                docs, scores = ranking.order(any_word or ranked_query, searcher, named_arr, budget)
                best = columns.distinct(docs)
                ranked = list(zip(docs[best].tolist(), scores[best].tolist()))
            taken = {int(columns.same_text[d]) for d, _ in ranked}
            if len(hits) and len(ranked) < wanted:
                scores = ranking.scores(ranked_query, searcher, hits, budget)
                scores = self._recent(columns, hits, scores, req, trace)
                ranked += self._best(columns, hits, scores, wanted - len(ranked), named_set, taken)
            if len(ranked) < wanted and (len(soft) or near):
                softly: list[tuple[int, float]] = []
                if len(soft):
                    if trace is not None:
                        trace["soft_query"] = any_word
                    docs, scores = ranking.order(any_word, searcher, soft, budget)
                    order = sorted(range(len(docs)), key=lambda i: relaxed.order[int(docs[i])])  # stable: by score
                    docs, scores = docs[order], scores[order]
                    best = columns.distinct(docs)
                    softly = list(zip(docs[best].tolist(), scores[best].tolist()))
                score_of = {**near, **dict(softly)}
                tail = [d for d, _ in softly]
                if similar is not None:  # by meaning and by the telling words held, together
                    held = hybrid.held_shares({d: missing[d] for d in [*tail, *near]}, [len(w.pages) for w in words])
                    tail = hybrid.blend(tail, near, similar(tail), held)
                ranked += [(d, score_of[d]) for d in tail][: wanted - len(ranked)]
        if pinned:  # at their positions; one past the pages ranked here waits for a later page
            pinned_docs = {d for d, _ in pinned}
            ranked = [r for r in ranked if r[0] not in pinned_docs]
            complete = len(ranked) < wanted
            for doc, position in sorted(pinned, key=lambda p: p[1]):
                if position - 1 <= len(ranked) and (position <= wanted or complete):
                    ranked.insert(position - 1, (doc, None))
                elif complete:
                    ranked.append((doc, None))
        partial = budget.partial
        terms = query_terms(text_query if not missing else wq.Or([p.query for p in parts.parts]))
        relaxed_docs = missing.keys() - near.keys()
        page = []
        if collapsing:  # each story once, in the visitor's language where it has a version
            stories = columns.stories(np.array([d for d, _ in ranked], np.int64), req.prefer_lang, filters)
            seen: set[int] = set()
            ranked = [
                (int(story), d, score)
                for story, (d, score) in zip(stories.tolist(), ranked)
                if story not in seen and not seen.add(story)
            ]
        else:
            ranked = [(d, d, score) for d, score in ranked]
        if trace is not None:
            trace["ranked"] = list(ranked)
        ranked = ranked[first : first + req.per_page]
        stored = {shown_doc: columns.page(shown_doc, searcher.stored_fields(shown_doc)) for shown_doc, _, _ in ranked}
        marks = marked_words(searcher, stored, terms, MAX_HIGHLIGHT_CHARS)
        for shown_doc, d, score in ranked:
            hit = self._hit(
                stored[shown_doc], shown_doc, score, terms, searcher, filters, columns, marks.get(shown_doc)
            )
            if d in missing:
                hit.missing = [words[i].text for i in missing[d]] or None
                hit.match = "semantic" if d in near and d not in relaxed_docs else "partial"
            if pinned and any(d == p for p, _ in pinned):
                hit.pinned = True
            page.append(hit)
        lacking = sorted({i for d in missing for i in missing[d]})
        return SearchPage(
            req.q,
            len(shown),
            req.page,
            req.per_page,
            _ms(started),
            page,
            facets,
            corrected,
            partial,
            relaxed=[words[i].text for i in lacking] or None,
        )

    def _near(self, req, parts, searcher, columns, filters, taken: set[int]):
        """Return pages near the query's meaning (document → similarity, nearest first), none of ``taken``,
        and a function giving any pages' similarity to the query (None when the model was not asked)."""
        pages = self.meaning.pages(self._generation, searcher.reader(), columns)
        if pages is None or not len(pages):
            return {}, None
        vocab = self._vocabulary(searcher)
        words = [c.text for p in parts.parts for c in p.clauses]
        anywhere = self._allowed(columns, replace(req, lang=None, others=False))  # other languages lead to translations
        found, query = self.meaning.find(
            " ".join(p.words for p in parts.parts), words, vocab.knows, pages, anywhere, columns.size
        )
        if query is None:
            return {}, None
        found = hybrid.in_language(
            found, req.lang or req.prefer_lang, columns.columns["lang"], columns.in_folder, filters
        )
        shown = {int(columns.same_text[d]) for d in taken}
        near = {d: sim for d, sim in found if d not in taken and int(columns.same_text[d]) not in shown}
        return near, functools.partial(pages.similarity, query)

    @_reads_index
    def semantic_state(self) -> dict:
        """Say whether search by meaning works: off, unavailable (no model), waiting, embedding or ready."""
        if not self.meaning.enabled:
            return {"state": "off"}
        problem = semantic.unavailable()
        if problem:
            return {"state": "unavailable", "reason": problem}
        searcher, columns = self._searcher()
        pages = self.meaning.pages(self._generation, searcher.reader(), columns)
        have = len(pages) if pages is not None else 0
        pending = max(0, len(columns.live) - have)
        state = "ready" if have and not pending else "embedding" if have else "waiting"
        return {"state": state, "pages": have, "pending": pending}

    def _site_name(self) -> navigation.SiteName:
        generation = self._generation
        if self._site is None or self._site[0] != generation:
            self._site = (generation, navigation.SiteName(self.meta().get("site_titles")))
        return self._site[1]

    def _weak(self, part: visitor_query.Part, generic: frozenset) -> bool:
        """Return whether a query part may be missing: generic words, or words of the site's own name."""
        site = self._site_name()
        return all(relax.is_generic_in(c.text, generic) or site.holds(c.text) for c in part.clauses)

    def _named(self, parts, searcher, columns: DocTable, filters, budget, generic: frozenset) -> list[int]:
        """Return the pages whose titles are what the query says (see :mod:`search.navigation`)."""
        texts = [p.words for p in parts.parts]
        telling = [p for p in parts.parts if not self._weak(p, generic)] or parts.parts
        fields = frozenset(searcher.schema.names())
        titles = frozenset(f for f in fields if f.startswith("title_")) | {CROSS_TITLE_FIELD}
        in_titles = [navigation.title_only(p.query, titles, fields) for p in telling]
        if any(q is None for q in in_titles):
            return []
        query = parts.without_excluded(in_titles[0] if len(in_titles) == 1 else wq.And(in_titles))
        candidates = matching(query, searcher, filters, budget) & filters
        if not candidates or len(candidates) > navigation.MAX_NAMED_CANDIDATES:
            return []
        telling_texts = [c.text for p in telling for c in p.clauses]
        named = []
        langs = columns.columns["lang"]
        for doc in sorted(candidates):
            if navigation.names(columns.value("title", doc), langs[doc], texts, telling_texts):
                named.append(doc)
        return named

    def _recent(self, columns: DocTable, docs: np.ndarray, scores: np.ndarray, req: SearchRequest, trace=None):
        """Return the scores of ``docs`` with relevance fading with the posts' age (see search.recency)."""
        if self.recency.off or not len(docs):
            return scores
        factors = self.recency.factors(columns.dates[docs], columns.dated[docs], self.clock())
        bonus = np.zeros(len(docs))
        if req.prefer_lang and not req.lang:  # what _boosted adds for the language is not relevance
            bonus = np.where(columns.lang_is(docs, req.prefer_lang), PREFER_LANG_BOOST, 0.0)
        elif req.others and req.lang:
            bonus = np.where(columns.lang_is(docs, req.lang), OWN_LANG_FIRST_BOOST, 0.0)
        if trace is not None:  # each page's share of relevance kept, and its language bonus
            trace["recency"] = dict(zip(docs.tolist(), zip(factors.tolist(), bonus.tolist())))
        return recency.faded(scores, factors, bonus)

    @staticmethod
    def _best(columns: DocTable, docs, scores, count: int, named: set[int], taken: set[int]) -> list[tuple[int, float]]:
        """Return the ``count`` best of ``docs`` by score, one of each set of copies, leaving out the
        ``named`` pages and the texts ``taken`` already: only as many sorted as that needs."""
        looked = 4 * count + 64
        while True:
            top, top_scores = ranking.best_first(docs, scores, looked)
            first = columns.distinct(top)  # (within the best: the same as within them all)
            top, top_scores = top[first], top_scores[first]
            fresh = [
                (d, sc)
                for d, sc, story in zip(top.tolist(), top_scores.tolist(), columns.same_text[top].tolist())
                if d not in named and story not in taken
            ][:count]
            if len(fresh) == count or looked >= len(docs):
                return fresh
            looked *= 4

    def _facets(self, columns: DocTable, shown: np.ndarray, req: SearchRequest, text_query, searcher, budget) -> dict:
        """Return the facet counts of ``shown``; a taxonomy the request filters by is counted as if it did not
        (so that its other values can be added to the choice), every other filter kept."""
        facets = columns.count(shown)
        facets.update(columns.count_taxonomies(shown))
        for name, _ in req.taxonomy:
            others = replace(req, taxonomy=tuple(t for t in req.taxonomy if t[0] != name))
            allowed = self._allowed(columns, others)
            found = allowed if isinstance(text_query, wq.Every) else matching(text_query, searcher, allowed, budget)
            docs = _sorted(set(found) & allowed)
            docs = docs[columns.distinct(docs)]
            if others.collapsing:
                docs = np.sort(np.unique(columns.stories(docs, others.prefer_lang, allowed)))
            facets.update(columns.count_taxonomies(docs, (name,)))
        return facets

    @staticmethod
    def _boosted(query: wq.Query, req: SearchRequest) -> wq.Query:
        """Return ``query`` with the ranking preferences of ``req`` (the visitor's language first)."""
        if isinstance(query, wq.Every):
            return query
        if req.prefer_lang and not req.lang:
            return wq.AndMaybe(query, wq.Term("lang", req.prefer_lang, boost=PREFER_LANG_BOOST))
        if req.others and req.lang:
            # the visitor's language first, then pages that exist only in another one
            return wq.AndMaybe(query, wq.Term("lang", req.lang, boost=OWN_LANG_FIRST_BOOST))
        return query

    @_reads_index
    def suggest(self, text: str, lang: str | None = None, limit: int = 8) -> list[str]:
        """Return completions of ``text`` from the words of visible pages (of ``lang`` when given)."""
        from search.suggest import suggest

        if lang is not None and lang not in LANGUAGES:
            raise QueryError(f"lang must be one of {', '.join(LANGUAGES)}")
        visitor_query.parse(text)  # the same caps as a search
        searcher, columns = self._searcher()
        return suggest(searcher, columns.visible_mask(self.clock(), lang), text, limit)

    @_reads_index
    def related(self, path: str, limit: int = 5) -> list[dict]:
        """Return the visible pages most like the page at ``path`` (same language, copies left out)."""
        searcher, columns = self._searcher()
        docnum = searcher.document_number(path=path)
        allowed = columns.visible(self.clock())
        if docnum is None or docnum not in allowed:
            raise QueryError(f"no visible page at {path[:200]!r}")
        fields = columns.page(docnum)
        lang = fields["lang"]
        same = columns.same_language_other_texts(docnum, allowed)
        if not same:
            return []
        keys = f"{fields['title']}\n{fields.get('body', '')}"[:20_000]
        results = searcher.more_like(docnum, body_field(lang), text=keys, top=limit * 3, numterms=12, filter=set(same))
        out, seen = [], set()
        for hit in results:
            key = int(columns.same_text[hit.docnum])
            if key in seen:
                continue
            seen.add(key)
            out.append(
                {
                    "path": hit["path"],
                    "url": hit["url"],
                    "lang": hit["lang"],
                    "title": escape(hit["title"], quote=True),
                    "date": hit.get("date_iso"),
                }
            )
            if len(out) == limit:
                break
        return out

    def _hit(self, hit: dict, docnum: int, score: float | None, terms, searcher, visible, columns, marks=None) -> Hit:
        lang = hit["lang"]
        translations, duplicates = {}, []
        visible_now = columns.visible(self.clock())
        langs = columns.columns["lang"]
        for other in columns.in_folder(docnum):
            other_lang = langs[other]
            if other != docnum and other_lang != lang and other_lang not in translations and other in visible_now:
                translations[other_lang] = columns.value("url", other)
        for other in columns.copies(docnum):
            if other != docnum and other in visible:
                duplicates.append({"path": columns.value("path", other), "url": columns.value("url", other)})
        text = snippet(hit.get("body", ""), lang, terms, hit.get("summary", ""), marks[1] if marks else None)
        return Hit(
            path=hit["path"],
            url=hit["url"],
            lang=lang,
            title=marked_title(hit["title"], lang, terms, marks[0] if marks else None),
            snippet=text,
            link=fragments.link(hit["url"], text) if terms else hit["url"],
            sections=_sub_results(hit, lang, terms) if terms else [],
            date=hit.get("date_iso"),
            score=None if score is None else round(score, 3),
            folder=hit.get("folder", ""),
            category=_split(hit.get("category")),
            tag=_split(hit.get("tag")),
            translations=dict(sorted(translations.items())),
            duplicates=duplicates,
            taxonomy=columns.taxonomy_of(docnum),
            image=_image(hit),
            section=hit.get("section") or None,
            dated=bool(columns.dated[docnum]),
        )


# Searches between two freezes of what the caches have kept. The collection before a freeze walks
# what the searches since the last one kept: at 100k realistic pages about 0.05 ms a search, so
# every 64 searches one paused 2.5-3.7 ms (in the slowest 2 %), every 16 one pauses 0.5-1.0 ms,
# the same time in all (measured with gc.callbacks over 300 first-time searches).
SETTLE_EVERY = 16
_searches = itertools.count(1)


def _settle() -> None:
    """Every SETTLE_EVERY searches: collect the young garbage, then freeze what survived.

    The caches (postings, word keys, analyses, answers) keep growing; once in the collector's
    oldest generation, a full collection walked them all and paused a search for 180 ms at
    100,000 pages. Frozen, they are out of its sight; what the searches since the last freeze
    left behind is small, and collected first, so no cyclic garbage is frozen.
    """
    if next(_searches) % SETTLE_EVERY == 0:
        gc.collect()
        gc.freeze()


def _table(reader) -> DocTable:
    """Return the document table of ``reader``, then keep the cyclic garbage collector off it.

    The table and the caches around it are millions of long-lived objects; a full collection
    walking them all paused searches for 100+ ms at 100,000 pages. So once a new table is built
    (after a commit, not per search), what became garbage is collected — old readers included,
    whose files must close — and what is left is frozen out of the collector's sight.
    """
    table = DocTable(reader)
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return table


def _close_all(searchers: set, lock) -> None:
    with lock:
        open_now = list(searchers)
        searchers.clear()
    for searcher in open_now:
        try:
            searcher.close()
        except Exception:  # closing what may already be half gone: nothing to tell anyone
            pass


def _only_language(parts: visitor_query.QueryParts, lang: str) -> visitor_query.QueryParts:
    """Return ``parts`` looking only in ``lang``'s fields (a part with nothing left matches nothing)."""
    kept = [replace(p, query=visitor_query.only_language(p.query, lang) or wq.NullQuery) for p in parts.parts]
    excluded = visitor_query.only_language(parts.excluded, lang) if parts.excluded is not None else None
    return visitor_query.QueryParts(kept, excluded)


def _sorted(docs) -> np.ndarray:
    docs = docs if isinstance(docs, (set, frozenset, dict, list)) else list(docs)
    hits = np.fromiter(docs, dtype=np.int64, count=len(docs))
    hits.sort()
    return hits


# Sub-results of a long page: at most this many of its sections.
MAX_SECTIONS = 3


def _sub_results(fields: dict, lang: str, terms) -> list[dict]:
    """Return the sections of a long page that hold query words, most marked words first: each with its
    heading, a link to the heading (and to the words, by a text fragment) and its own snippet."""
    found = []
    for n, (title, anchor, text) in enumerate(fields.get("parts") or ()):
        marked = snippet(text, lang, terms)
        count = marked.count("<mark>")
        if count:
            url = fields["url"] + ("#" + quote(anchor, safe="") if anchor else "")
            found.append((-count, n, {"title": title, "url": fragments.link(url, marked), "snippet": marked}))
    return [section for *_, section in sorted(found, key=lambda f: f[:2])[:MAX_SECTIONS]]


def _image(fields: dict) -> dict | None:
    """Return a hit's picture ({"url", "alt"}), or None when its page has none."""
    url = fields.get("image")
    return {"url": url, "alt": fields.get("image_alt") or fields.get("title", "")} if url else None


def _split(value) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _no_facets(columns: DocTable) -> dict:
    return {"year": [], "month": [], "lang": [], **{name: [] for name in columns.taxonomies}}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
