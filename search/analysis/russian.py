"""Russian: pymorphy3 lemmas, with the Snowball stem for words the dictionary does not know."""

from functools import lru_cache

from whoosh.analysis import Filter

from search.analysis.stemmers import snowball


@lru_cache(maxsize=None)
def morph():
    """Return the process-wide pymorphy3 analyser (loaded on first use)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _has_cyrillic(word: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in word)


@lru_cache(maxsize=500_000)
def lemma(word: str) -> str:
    """Return the index key of a lower-cased Russian word form.

    A dictionary word maps to its lemma. A word the dictionary does not know maps to its
    Snowball stem: pymorphy3's *predicted* lemmas split one paradigm into several
    (миелома/миелом, варфарин/варфарина), while the stem stays the same across forms.
    """
    if not _has_cyrillic(word):
        return word
    analyser = morph()
    if analyser.word_is_known(word):
        return analyser.parse(word)[0].normal_form.replace("ё", "е")
    return snowball("russian", word)


class RussianLemmaFilter(Filter):
    """Replace each Cyrillic token with its lemma (or stem, for unknown words)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = lemma(t.text)
            yield t
