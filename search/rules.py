"""Editors' rules: for a query, in any form of its words, pin pages to positions or hide them, within dates.

Rules are reviewed data, a TOML file (``rules.toml``), one ``[[rule]]`` table each::

    [[rule]]
    query = "донор крови"          # matched after analysis: «донора кров», "blood donors" ≠
    match = "exact"                # or "contains": the query holds these words among others
    pin = ["/news/blood-donation-appeal", { page = "/contacts", position = 3 }]
    hide = ["/news/old-appeal"]
    from = 2026-12-01              # in the site's timezone; a date, or a date and time
    until = 2026-12-31             # a date: to the end of that day; a date and time: up to it
    note = "the December campaign"

A page is named as visitors see it (its address, with or without the language prefix) or by its
folder below the pages folder; ``resolve`` (given by the caller, who knows the site) turns a name
into a folder. A pinned page still obeys visibility and the search's filters: a draft is never
pinned into view, a Russian search never pinned a Kazakh page. Pins are applied to relevance
ranking only (a search sorted by date keeps its order), hides to every search.
"""

import os
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from search.errors import QueryError

MATCHES = ("exact", "contains")
MAX_RULES = 2000
MAX_PAGES = 20  # pins or hides in one rule
RELOAD_SECONDS = 1.0


class RulesError(ValueError):
    """A rules file that cannot be used: the message names the rule and what to fix."""


@dataclass(frozen=True)
class Pin:
    page: str  # as the editor wrote it
    position: int  # 1-based
    folder: str | None  # below the pages folder (None: no such page)


@dataclass(frozen=True)
class Rule:
    number: int  # 1-based, in the file
    query: str
    match: str = "exact"
    pins: tuple[Pin, ...] = ()
    hides: tuple[tuple[str, str | None], ...] = ()  # (page as written, its folder or None)
    starts: float | None = None  # epoch seconds
    ends: float | None = None
    note: str = ""
    words: tuple[frozenset, ...] = field(default=(), compare=False)  # each query word's analysed keys

    def active(self, now: float) -> bool:
        """Return whether the rule is in force at ``now``."""
        return (self.starts is None or self.starts <= now) and (self.ends is None or now < self.ends)

    def matches(self, words: list[frozenset]) -> bool:
        """Return whether a query whose words analyse to ``words`` triggers the rule."""
        if not self.words:
            return False
        unmatched = list(words)
        for mine in self.words:
            hit = next((i for i, theirs in enumerate(unmatched) if mine & theirs), None)
            if hit is None:
                return False
            unmatched.pop(hit)
        return self.match == "contains" or not unmatched

    def to_dict(self, tz: ZoneInfo | None = None) -> dict:
        def when(epoch):
            return None if epoch is None else datetime.fromtimestamp(epoch, tz).isoformat(timespec="minutes")

        return {
            "number": self.number,
            "query": self.query,
            "match": self.match,
            "pin": [{"page": p.page, "position": p.position, "found": p.folder is not None} for p in self.pins],
            "hide": [{"page": page, "found": folder is not None} for page, folder in self.hides],
            "from": when(self.starts),
            "until": when(self.ends),
            "note": self.note,
        }


def query_words(text: str) -> list[frozenset]:
    """Return each meaningful word of ``text`` as the set of its analysed keys in every language."""
    from search.analysis import LANGUAGES, analyze
    from search.query import parse

    words = []
    clauses = [c for group in parse(text).groups for c in group]
    for word in (w for c in clauses for w in c.text.split()):
        keys = frozenset((lang, k) for lang in LANGUAGES for k in analyze(lang, word, "index"))
        if keys:
            words.append(keys)
    return words


def _epoch(value, tz: ZoneInfo, end: bool) -> float:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=tz)
    elif isinstance(value, date):
        moment = datetime.combine(value + timedelta(days=1) if end else value, dtime(), tz)
    else:
        raise TypeError
    return moment.timestamp()


def parse(text: str, tz: ZoneInfo, resolve: Callable[[str], str | None] = lambda page: page) -> list[Rule]:
    """Return the rules of a rules file's text; raise :class:`RulesError` naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"not valid TOML: {exc}") from None
    unknown = set(data) - {"rule"}
    if unknown:
        raise RulesError(f"unknown table {sorted(unknown)[0]!r}: every rule is a [[rule]] table")
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise RulesError("write each rule as a [[rule]] table")
    if len(tables) > MAX_RULES:
        raise RulesError(f"{len(tables)} rules: at most {MAX_RULES}")
    rules = []
    for number, table in enumerate(tables, 1):
        where = f"rule {number}"
        unknown = set(table) - {"query", "match", "pin", "hide", "from", "until", "note"}
        if unknown:
            raise RulesError(
                f"{where}: unknown key {sorted(unknown)[0]!r} (query, match, pin, hide, from, until, note)"
            )
        query = table.get("query")
        if not isinstance(query, str) or not query.strip() or len(query) > 256:
            raise RulesError(f"{where}: query must be the words of a search (1 to 256 characters)")
        try:
            words = tuple(query_words(query))
        except QueryError as exc:
            raise RulesError(f"{where}: {exc}") from None
        if not words:
            raise RulesError(f"{where}: the query {query!r} has no word that search reads (only stop words?)")
        match = table.get("match", "exact")
        if match not in MATCHES:
            raise RulesError(f"{where}: match must be one of {', '.join(MATCHES)}")
        pins, position = [], 0
        raw_pins = table.get("pin", [])
        raw_hides = table.get("hide", [])
        if not isinstance(raw_pins, list) or not isinstance(raw_hides, list):
            raise RulesError(f"{where}: pin and hide are lists of pages")
        if len(raw_pins) > MAX_PAGES or len(raw_hides) > MAX_PAGES:
            raise RulesError(f"{where}: at most {MAX_PAGES} pages to pin and {MAX_PAGES} to hide")
        if not raw_pins and not raw_hides:
            raise RulesError(f"{where}: give pages to pin or to hide")
        for item in raw_pins:
            if isinstance(item, str):
                page, position = item, position + 1
            elif isinstance(item, dict) and isinstance(item.get("page"), str) and set(item) <= {"page", "position"}:
                page = item["page"]
                wanted = item.get("position", position + 1)
                if not isinstance(wanted, int) or not 1 <= wanted <= 100:
                    raise RulesError(f"{where}: the position of {page!r} must be a whole number from 1 to 100")
                position = wanted
            else:
                raise RulesError(f'{where}: a pin is a page ("/news/x") or {{ page = "/news/x", position = 2 }}')
            if not page.strip():
                raise RulesError(f"{where}: a pinned page is empty")
            pins.append(Pin(page.strip(), position, resolve(page.strip())))
        hides = []
        for page in raw_hides:
            if not isinstance(page, str) or not page.strip():
                raise RulesError(f'{where}: a hidden page is its address ("/news/x") or its folder')
            hides.append((page.strip(), resolve(page.strip())))
        try:
            starts = _epoch(table["from"], tz, end=False) if "from" in table else None
            ends = _epoch(table["until"], tz, end=True) if "until" in table else None
        except TypeError:
            raise RulesError(f"{where}: from and until are dates (2026-12-31) or dates and times") from None
        if starts is not None and ends is not None and ends <= starts:
            raise RulesError(f"{where}: until must come after from")
        note = table.get("note", "")
        if not isinstance(note, str):
            raise RulesError(f"{where}: note is text")
        rules.append(Rule(number, query.strip(), match, tuple(pins), tuple(hides), starts, ends, note, words))
    return rules


@dataclass(frozen=True)
class Applied:
    """What the rules in force do to one search."""

    rules: tuple[Rule, ...] = ()
    pins: tuple[tuple[str, int], ...] = ()  # (folder, position), first rule first
    hides: frozenset[str] = frozenset()  # folders

    def __bool__(self) -> bool:
        return bool(self.pins or self.hides)


class Rules:
    """The rules of one file, reread when it changes (checked at most once a second)."""

    def __init__(self, path: Path | None, tz: ZoneInfo, resolve: Callable[[str], str | None] = lambda p: p):
        self.path = Path(path) if path else None
        self.tz = tz
        self.resolve = resolve
        self.rules: list[Rule] = []
        self.error: str | None = None  # why the file on disk is not in force (the last good rules are)
        self.version = 0
        self._stamp: tuple | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._refresh(force=True)

    def check(self) -> None:
        """Reread the file now if it changed: for the pages that show the rules, where an editor's save
        may have been handled by another server process a moment ago (searches look once a second)."""
        self._refresh(now=True)

    def _refresh(self, force: bool = False, now: bool = False) -> None:
        at = time.monotonic()
        if not force and not now and at - self._checked < RELOAD_SECONDS:
            return
        with self._lock:
            self._checked = at
            try:
                st = os.stat(self.path) if self.path else None
            except OSError:
                st = None
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino) if st else None
            if stamp == self._stamp and not force:
                return
            self._stamp = stamp
            if st is None:
                self.rules, self.error = [], None
            else:
                try:
                    self.rules = parse(self.path.read_text(encoding="utf-8"), self.tz, self.resolve)
                    self.error = None
                except (RulesError, OSError, UnicodeDecodeError) as exc:
                    self.error = f"{self.path}: {exc}"  # the rules in force stay
            self.version += 1

    def applied(self, query: str, now: float) -> Applied:
        """Return what the rules in force at ``now`` do to a search for ``query``."""
        self._refresh()
        rules = self.rules
        if not rules or not query.strip():
            return Applied()
        words = query_words(query)
        chosen = tuple(r for r in rules if r.active(now) and r.matches(words))
        pins, seen = [], set()
        for rule in chosen:
            for pin in rule.pins:
                if pin.folder is not None and pin.folder not in seen:
                    seen.add(pin.folder)
                    pins.append((pin.folder, pin.position))
        hides = frozenset(folder for rule in chosen for _, folder in rule.hides if folder is not None)
        return Applied(chosen, tuple((f, p) for f, p in pins if f not in hides), hides)

    def state(self, now: float) -> tuple:
        """Return what identifies the rules in force at ``now`` (for answer caches)."""
        self._refresh()
        return (self.version, tuple(r.number for r in self.rules if r.active(now)))


HEADER = (
    "# Editors' rules for Poisk: for a query (any form of its words) pin pages to positions or hide them.\n"
    "# Written by /admin/rules; see search/rules.py for the format.\n\n"
)


def with_rule(text: str, table: dict) -> str:
    """Return a rules file's text with ``table`` (a rule's keys) added last; raise :class:`RulesError` if unreadable."""
    import tomli_w

    try:
        data = tomllib.loads(text) if text.strip() else {}
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"the rules file is not valid TOML ({exc}): fix it by hand first") from None
    rules = data.setdefault("rule", [])
    rules.append({k: v for k, v in table.items() if v not in (None, "", [])})
    return HEADER + tomli_w.dumps(data)


def without_rule(text: str, number: int) -> str:
    """Return a rules file's text without its ``number``-th rule (1-based)."""
    import tomli_w

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"the rules file is not valid TOML ({exc}): fix it by hand first") from None
    rules = data.get("rule", [])
    if not 1 <= number <= len(rules):
        raise RulesError(f"there is no rule {number}")
    del rules[number - 1]
    return HEADER + tomli_w.dumps(data)


def write(path: Path, text: str) -> None:
    """Write a rules file atomically (readers see the old text or the new, never half)."""
    from search.store import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
