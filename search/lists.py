"""Word lists editors change while search runs: synonyms, places, entities and generic words.

Each list ships with Poisk (``search/data/``); a file of the same name in the lists folder (the
``LISTS`` setting) replaces it. These lists are read at query time, so a change needs no
reindex: every server process rereads a changed file within a second. A new text is validated
first — a bad line is refused with its number, and the list in force stays.

The lists that shape indexing (the family block-lists, the proper names read as places) are
not live: they are shown with :data:`INDEXING_LISTS` and changed by a developer with a rebuild.
"""

import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search import relax, synonyms
from search.store import write_atomic
from search.synonyms import PLACE_COLUMNS, Synonyms

RELOAD_SECONDS = 1.0
MAX_BYTES = 2 * 1024 * 1024
MAX_MEMBER_CHARS = 120


class ListError(ValueError):
    """A list's text that cannot be used; ``line`` is the 1-based line at fault (0: the whole text)."""

    def __init__(self, name: str, line: int, message: str):
        self.name, self.line = name, line
        super().__init__(f"{name}, line {line}: {message}" if line else f"{name}: {message}")


@dataclass(frozen=True)
class ListKind:
    name: str
    file: str  # its file name, in search/data/ and in the lists folder
    format: str  # groups | places | words
    help: str

    @property
    def shipped(self) -> Path:
        return synonyms.DATA / self.file


LISTS: dict[str, ListKind] = {
    kind.name: kind
    for kind in (
        ListKind(
            "synonyms",
            "synonyms.txt",
            "groups",
            "Abbreviations and the terms they stand for: one group a line, members separated by ' | '. "
            "A one-word member matches as written.",
        ),
        ListKind(
            "places",
            "places.tsv",
            "places",
            "Places in every official spelling: a header line (kind ru kk en latin other), then one place a line, "
            "columns separated by tabs, several names in a cell by ' | '. Matched in any inflection.",
        ),
        ListKind(
            "entities",
            "entities.txt",
            "groups",
            "Organisations, events and programmes named in kk, ru and en: one group a line, members separated "
            "by ' | '. Matched in any inflection.",
        ),
        ListKind(
            "generic",
            "generic.txt",
            "words",
            "Generic (stop) words: pages lacking only these may follow the pages holding every word. One word a line.",
        ),
    )
}
INDEXING_LISTS = ("ru_family_blocklist", "kk_family_blocklist", "ru_proper_names")


def validate(name: str, text: str) -> list:
    """Return what a list's text holds (groups, or words); raise :class:`ListError` at the first bad line."""
    kind = LISTS[name]
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ListError(name, 0, f"the list is larger than {MAX_BYTES // 1024 // 1024} MB")
    if "\x00" in text:
        raise ListError(name, text[: text.index("\x00")].count("\n") + 1, "a NUL character")
    entries: list = []
    header_seen = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if kind.format == "words":
            if len(line.split()) != 1:
                raise ListError(name, number, f"one word a line, not {line[:60]!r}")
            if not any(ch.isalpha() for ch in line) or len(line) > MAX_MEMBER_CHARS:
                raise ListError(name, number, f"{line[:60]!r} is not a word")
            entries.append(line)
        elif kind.format == "groups":
            members = [m.strip() for m in line.split("|")]
            if any(not m for m in members):
                raise ListError(name, number, "an empty member: separate members by ' | ', with no '|' at an end")
            if len(members) < 2:
                raise ListError(name, number, "a group needs two members or more, separated by ' | '")
            for member in members:
                if len(member) > MAX_MEMBER_CHARS or not any(ch.isalnum() for ch in member):
                    raise ListError(name, number, f"{member[:60]!r} is not a name or a term")
            entries.append(members)
        else:  # places
            cells = raw.rstrip("\r\n").split("\t")
            if not header_seen:
                if tuple(c.strip() for c in cells) != PLACE_COLUMNS:
                    raise ListError(name, number, f"the header must be {' '.join(PLACE_COLUMNS)}, separated by tabs")
                header_seen = True
                continue
            if len(cells) != len(PLACE_COLUMNS):
                raise ListError(
                    name, number, f"{len(cells)} columns, {len(PLACE_COLUMNS)} expected (separated by tabs)"
                )
            names = [n.strip() for cell in cells[1:] for n in cell.split("|") if n.strip()]
            if len(names) < 2:
                raise ListError(name, number, "a place needs two names or more")
            entries.append(names)
    if kind.format == "places" and not header_seen and entries == []:
        return []
    return entries


@dataclass(frozen=True)
class Lexicon:
    """The lists in force: what search reads them as."""

    synonyms: Synonyms
    generic: frozenset  # (language, key) pairs of the generic words
    version: int


@lru_cache(maxsize=8)
def _generic_keys(words: tuple[str, ...]) -> frozenset:
    from search.analysis import LANGUAGES, analyze

    return frozenset((lang, k) for word in words for lang in LANGUAGES for k in analyze(lang, word, "index"))


class LiveLists:
    """The word lists of one service: shipped ones, replaced by the lists folder's files, reread on change."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else None
        self.errors: dict[str, str] = {}  # list → why the file on disk is not in force
        self._stamp: tuple | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._version = 0
        self._lexicon: Lexicon | None = None

    def path(self, name: str) -> Path:
        """Return the file the list ``name`` is read from: the lists folder's, else the shipped one."""
        kind = LISTS[name]
        if self.folder is not None and (self.folder / kind.file).is_file():
            return self.folder / kind.file
        return kind.shipped

    def text(self, name: str) -> str:
        """Return the text of the list ``name`` as it is in force."""
        return self.path(name).read_text(encoding="utf-8")

    def _stamps(self) -> tuple:
        if self.folder is None:
            return ()
        out = []
        for kind in LISTS.values():
            try:
                st = os.stat(self.folder / kind.file)
                out.append((kind.name, st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                out.append((kind.name, None))
        return tuple(out)

    def current(self) -> Lexicon:
        """Return the lists in force, rereading changed files (checked at most once a second)."""
        now = time.monotonic()
        if self._lexicon is not None and now - self._checked < RELOAD_SECONDS:
            return self._lexicon
        with self._lock:
            self._checked = now
            stamp = self._stamps()
            if self._lexicon is None or stamp != self._stamp:
                self._stamp = stamp
                self._lexicon = self._load(self._lexicon)
        return self._lexicon

    def _read(self, name: str, previous: list | None) -> list:
        path = self.path(name)
        try:
            entries = validate(name, path.read_text(encoding="utf-8"))
            self.errors.pop(name, None)
            return entries
        except (ListError, OSError, UnicodeDecodeError) as exc:
            self.errors[name] = f"{path}: {exc}"
            if previous is not None:
                return previous  # the list in force stays
            return validate(name, LISTS[name].shipped.read_text(encoding="utf-8"))

    def _load(self, old: Lexicon | None) -> Lexicon:
        keep = getattr(self, "_entries", {})
        entries = {name: self._read(name, keep.get(name)) for name in LISTS}
        self._entries = entries
        self._version += 1
        inflected = entries["places"] + entries["entities"]
        return Lexicon(
            Synonyms(entries["synonyms"], inflected),
            _generic_keys(tuple(entries["generic"])),
            self._version,
        )

    def save(self, name: str, text: str) -> None:
        """Validate ``text`` and make it the list ``name`` (written atomically); raise :class:`ListError`."""
        if self.folder is None:
            raise ListError(name, 0, "no lists folder is set: set POISK_LISTS")
        validate(name, text)
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / LISTS[name].file, text if text.endswith("\n") else text + "\n")
        self._checked = float("-inf")  # this process sees it at once

    def trial(self, name: str, text: str) -> Lexicon:
        """Return the lists as they would be with ``text`` as the list ``name`` (validated; nothing is written)."""
        self.current()
        entries = dict(self._entries)
        entries[name] = validate(name, text)
        return Lexicon(
            Synonyms(entries["synonyms"], entries["places"] + entries["entities"]),
            _generic_keys(tuple(entries["generic"])),
            -1,
        )


def is_generic(text: str, generic: frozenset) -> bool:
    """Return whether a query word is a generic word in some language, in any of its forms."""
    return relax.is_generic_in(text, generic)
