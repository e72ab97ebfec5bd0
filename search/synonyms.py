"""Abbreviation synonyms across languages, read from reviewed data at query time."""

from functools import lru_cache
from pathlib import Path

from whoosh.lang.stopwords import stoplists

DEFAULT_FILE = Path(__file__).parent / "data" / "synonyms.txt"
_ENGLISH_STOP = frozenset(stoplists["en"])


def _norm(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").casefold().split())


class Synonyms:
    """Groups of equivalent terms; ``expand(word)`` returns a word's other members."""

    def __init__(self, groups: list[list[str]]):
        self._groups: dict[str, list[list[str]]] = {}
        self._exact_case: set[str] = set()
        self._by_signature: dict[tuple, list[list[str]]] | None = None
        for group in groups:
            for member in group:
                key = _norm(member)
                self._groups.setdefault(key, []).append(group)
                if key in _ENGLISH_STOP:  # ALL (leukemia) is not the word "all"
                    self._exact_case.add(member)

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE) -> "Synonyms":
        """Read groups from a file: one group a line, members separated by ' | ', '#' comments."""
        groups = []
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                groups.append([m.strip() for m in line.split("|") if m.strip()])
        return cls(groups)

    def _signatures(self) -> dict[tuple, list[list[str]]]:
        """Return groups by the exact-level keys of their several-word members, in each language."""
        if self._by_signature is None:
            from search.analysis import LANGUAGES, analyze_positions

            table: dict[tuple, list[list[str]]] = {}
            for key, groups in self._groups.items():
                if " " not in key:
                    continue
                for lang in LANGUAGES:
                    signature = (lang, *(keys[0] for keys in analyze_positions(lang, key)))
                    if len(signature) > 2:
                        table.setdefault(signature, []).extend(g for g in groups if g not in table.get(signature, []))
            self._by_signature = table
        return self._by_signature

    def groups_of(self, text: str) -> list[list[str]]:
        """Return the groups ``text`` is a member of: as written, or (for several words) in any inflection."""
        key = _norm(text)
        groups = list(self._groups.get(key, []))
        if " " in key:
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


@lru_cache(maxsize=None)
def default() -> Synonyms:
    """Return the synonyms shipped with Poisk."""
    return Synonyms.load()
