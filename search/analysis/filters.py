"""Language-neutral token filters."""

import unicodedata

from whoosh.analysis import Filter


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


class MinLengthFilter(Filter):
    """Drop tokens shorter than ``minsize`` characters (initials, stray letters)."""

    def __init__(self, minsize: int = 2):
        self.minsize = minsize

    def __eq__(self, other):
        return type(self) is type(other) and self.minsize == other.minsize

    def __call__(self, tokens):
        for t in tokens:
            if len(t.text) >= self.minsize or t.text.isdigit():
                yield t
