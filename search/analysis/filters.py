"""Language-neutral token filters."""

import unicodedata

from whoosh.analysis import Filter, Token

from search.analysis.memory import Memory

# Letters that look alike in Latin and Cyrillic. A word written mostly in one script
# with a stray letter of the other (Есiмбекова with a Latin i, cчитать with a Latin c)
# is repaired to its main script.
LATIN_TO_CYRILLIC = dict(zip("aceopxyiAaBCEHKMOPTXYI", "асеорхуіАаВСЕНКМОРТХУІ"))
CYRILLIC_TO_LATIN = dict(zip("асеорхуіјАВСЕНКМОРТХУІ", "aceopxyijABCEHKMOPTXYI"))


def _script(ch: str) -> str | None:
    if "a" <= ch.lower() <= "z":
        return "latin"
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    return None


def repair_homoglyphs(word: str) -> str:
    """Return ``word`` with look-alike letters of its minority script turned into its main script."""
    latin = cyrillic = 0
    for ch in word:
        s = _script(ch)
        if s == "latin":
            latin += 1
        elif s == "cyrillic":
            cyrillic += 1
    if not latin or not cyrillic:
        return word
    table = LATIN_TO_CYRILLIC if cyrillic >= latin else CYRILLIC_TO_LATIN
    return "".join(table.get(ch, ch) for ch in word)


class HomoglyphFilter(Filter):
    """Repair words that mix Latin and Cyrillic look-alike letters."""

    def __call__(self, tokens):
        for t in tokens:
            if not t.text.isascii():
                t.text = repair_homoglyphs(t.text)
            yield t


class NormalizeFilter(Filter):
    """Fold case and bring text to Unicode NFC (so composed and decomposed letters match)."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if not text.isascii():
                text = unicodedata.normalize("NFC", text)
            t.text = text.casefold()
            yield t


class YoFilter(Filter):
    """Fold Russian «ё» to «е»: writers use either for the same word."""

    def __call__(self, tokens):
        for t in tokens:
            if "ё" in t.text:
                t.text = t.text.replace("ё", "е")
            yield t


class RussianLettersFilter(Filter):
    """Fold «ё» to «е» and the Kazakh «і» to «и» in Russian words (Есімбекова, Есимбекова, Есiмбекова are one name)."""

    _TABLE = str.maketrans("ёі", "еи")

    def __call__(self, tokens):
        for t in tokens:
            t.text = t.text.translate(self._TABLE)
            yield t


# How a word was written, as its ``proper`` mark says when ``ProperNameFilter(capitals=True)``
# marked it (False: lower case; True: a key to keep as it is, such as a listed place name).
CAPITAL = "Aa"  # Capitalised: a name, or the first word of a sentence
UPPER = "AA"  # ALL CAPITALS: a heading or an abbreviation


class ProperNameFilter(Filter):
    """Mark capitalised words that are listed place names, so later filters keep them as written.

    With ``capitals``, other words are marked by how they are written (``CAPITAL``, ``UPPER``,
    else False), for filters that read names (:class:`search.analysis.names.PersonNameFilter`).
    """

    capitals = False

    def __init__(self, names: frozenset[str] = frozenset(), capitals: bool = False):
        self.names = names
        self.capitals = capitals

    def __eq__(self, other):
        return type(self) is type(other) and self.names == other.names and self.capitals == other.capitals

    def __call__(self, tokens):
        names, capitals = self.names, self.capitals
        for t in tokens:
            text = t.text
            mark = False
            if text[:1].isupper():
                if text.isupper():
                    mark = UPPER if capitals else False
                elif text.casefold() in names:
                    mark = True
                elif capitals:
                    mark = CAPITAL
            t.proper = mark
            yield t


class MinLengthFilter(Filter):
    """Drop tokens shorter than ``minsize`` characters (initials, stray letters); keep numbers."""

    def __init__(self, minsize: int = 2):
        self.minsize = minsize

    def __eq__(self, other):
        return type(self) is type(other) and self.minsize == other.minsize

    def __call__(self, tokens):
        for t in tokens:
            if len(t.text) >= self.minsize or t.text.isdigit():
                yield t


def is_latin_word(word: str) -> bool:
    """Return whether ``word`` is written in Latin letters (digits allowed)."""
    return word.isascii() and any(ch.isalpha() for ch in word)


def has_cyrillic(word: str) -> bool:
    """Return whether ``word`` holds a Cyrillic letter."""
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


class WordKeysFilter(Filter):
    """Replace each word with its keys in one language: several at one position for an ambiguous
    form. Latin words get their English key; marked place names stay as written."""

    def keys(self, word: str) -> tuple[str, ...]:
        raise NotImplementedError

    def __call__(self, tokens):
        from search.analysis.english import english_key

        for t in tokens:
            text = t.text
            if is_latin_word(text):
                t.text = english_key(text)
                yield t
            elif getattr(t, "proper", False) is True:
                yield t
            else:
                for key in self.keys(text):
                    t.text = key
                    yield t


def _copy(token: Token) -> Token:
    """Return a copy of ``token`` with the same attributes (``Token.copy`` runs ``__init__`` again: 3× slower)."""
    copied = Token.__new__(Token)
    copied.__dict__.update(token.__dict__)
    return copied


class PerWord(Filter):
    """Run ``filters`` on each token alone and remember what they made of each word.

    Texts repeat their words, so a chain's per-word work (folding, lemmas, stems, keys) is done
    once per distinct word instead of once per occurrence. The filters must judge a word by
    itself — its text, the analysis mode and its ``proper`` mark — never by its neighbours or
    its position; positions pass through untouched. The memory is bounded (``limit`` words, and
    at most the process's word memory: :mod:`search.analysis.memory`; then it starts afresh)
    and is not part of the pickled schema.
    """

    def __init__(self, *filters: Filter, limit: int = 200_000):
        self.filters = filters
        self.limit = limit
        self._memory: dict[tuple, tuple] = Memory(limit)

    def __eq__(self, other):
        return type(self) is type(other) and self.filters == other.filters

    def __getstate__(self):
        return {"filters": self.filters, "limit": self.limit}

    def __setstate__(self, state):
        self.filters, self.limit, self._memory = state["filters"], state["limit"], Memory(state["limit"])

    def _run(self, token) -> tuple[tuple[str, bool], ...]:
        stream = iter([_copy(token)])
        for f in self.filters:
            stream = f(stream)
        return tuple((t.text, getattr(t, "proper", False)) for t in stream)

    def __call__(self, tokens):
        memory = self._memory
        for t in tokens:
            key = (t.text, t.mode, getattr(t, "proper", False))
            out = memory.get(key)
            if out is None:
                out = self._run(t)
                memory.keep(key, out)
            for text, proper in out:
                t.text = text
                t.proper = proper
                yield t
