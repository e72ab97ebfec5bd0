"""Names that mean the same across languages, read from reviewed data at query time.

Three files, one format (a group a line, members separated by " | "): abbreviations and the terms
they stand for (``synonyms.txt``), places of Kazakhstan in every official spelling
(``places.tsv``, a table turned into groups) and organisations, events and programmes named in
kk, ru and en (``entities.txt``). Abbreviations match as written; places and entities match in
any inflection, one word or several (в Шымкенте, Шымкенттегі → Шымкент = Чимкент = Shymkent).
Editing a file needs no reindex: groups are searched at query time.
"""

from functools import cache
from pathlib import Path

from whoosh.lang.stopwords import stoplists

DATA = Path(__file__).parent / "data"
DEFAULT_FILE = DATA / "synonyms.txt"
PLACES_FILE = DATA / "places.tsv"
ENTITIES_FILE = DATA / "entities.txt"
_ENGLISH_STOP = frozenset(stoplists["en"])


def _norm(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").casefold().split())


class Synonyms:
    """Groups of equivalent terms; ``expand(word)`` returns a word's other members."""

    def __init__(self, groups: list[list[str]], inflected: list[list[str]] = ()):
        """``groups`` match as written (one word) or in any inflection (several); ``inflected`` always in any."""
        self._groups: dict[str, list[list[str]]] = {}
        self._exact_case: set[str] = set()
        self._by_signature: dict[tuple, list[list[str]]] | None = None
        self._inflected_words: set[str] = set()  # one-word members matched in any inflection
        for group in inflected:
            for member in group:
                if " " not in _norm(member):
                    self._inflected_words.add(_norm(member))
        for group in [*groups, *inflected]:
            for member in group:
                key = _norm(member)
                self._groups.setdefault(key, []).append(group)
                if key in _ENGLISH_STOP:  # ALL (leukemia) is not the word "all"
                    self._exact_case.add(member)

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE) -> "Synonyms":
        """Read groups from a file: one group a line, members separated by ' | ', '#' comments."""
        return cls(read_groups(path))

    def _signatures(self) -> dict[tuple, list[list[str]]]:
        """Return groups by the exact-level keys of their several-word members, in each language."""
        if self._by_signature is None:
            from search.analysis import LANGUAGES, analyze_positions

            table: dict[tuple, list[list[str]]] = {}
            for key, groups in self._groups.items():
                if " " not in key and key not in self._inflected_words:
                    continue
                for lang in LANGUAGES:
                    signature = (lang, *(keys[0] for keys in analyze_positions(lang, key)))
                    if len(signature) > 2 or (len(signature) == 2 and key in self._inflected_words):
                        table.setdefault(signature, []).extend(g for g in groups if g not in table.get(signature, []))
            self._by_signature = table
        return self._by_signature

    def groups_of(self, text: str) -> list[list[str]]:
        """Return the groups ``text`` is a member of: as written, or (for several words) in any inflection."""
        key = _norm(text)
        groups = list(self._groups.get(key, []))
        if " " in key or self._inflected_words:
            from search.analysis import LANGUAGES, analyze_positions

            for lang in LANGUAGES:
                signature = (lang, *(keys[0] for keys in analyze_positions(lang, key)))
                for group in self._signatures().get(signature, []):
                    if group not in groups:
                        groups.append(group)
        return groups

    def expand(self, text: str) -> list[str]:
        """Return the other members of every group ``text`` belongs to."""
        key = _norm(text)
        out: list[str] = []
        for group in self.groups_of(text):
            if any(_norm(m) == key and m in self._exact_case and m != text.strip() for m in group):
                continue
            for member in group:
                if _norm(member) != key and member not in out:
                    out.append(member)
        return out


def read_groups(path: Path) -> list[list[str]]:
    """Return the groups of a file: one group a line, members separated by ' | ', '#' comments."""
    groups = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append([m.strip() for m in line.split("|") if m.strip()])
    return groups


PLACE_COLUMNS = ("kind", "ru", "kk", "en", "latin", "other")


def read_places(path: Path = PLACES_FILE) -> list[list[str]]:
    """Return the gazetteer's places as groups of names (every column but the kind; ' | ' separates several)."""
    groups, header = [], None
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.rstrip("\n").split("\t")
        if header is None:
            header = tuple(c.strip() for c in cells)
            if header != PLACE_COLUMNS:
                raise ValueError(f"{path}:{number}: the header must be {' '.join(PLACE_COLUMNS)}")
            continue
        if len(cells) != len(PLACE_COLUMNS):
            raise ValueError(f"{path}:{number}: {len(cells)} columns, {len(PLACE_COLUMNS)} expected")
        names: list[str] = []
        for cell in cells[1:]:
            for name in cell.split("|"):
                if name.strip() and name.strip() not in names:
                    names.append(name.strip())
        if len(names) > 1:
            groups.append(names)
    return groups


@cache
def default() -> Synonyms:
    """Return the synonyms, places and entities shipped with Poisk."""
    inflected = []
    if PLACES_FILE.is_file():
        inflected += read_places(PLACES_FILE)
    if ENTITIES_FILE.is_file():
        inflected += read_groups(ENTITIES_FILE)
    return Synonyms(read_groups(DEFAULT_FILE), inflected)
