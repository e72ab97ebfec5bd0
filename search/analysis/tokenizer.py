"""Split text into word tokens."""

from whoosh.analysis import RegexTokenizer

# A word is a run of letters and digits; an inner apostrophe (English "patient's",
# Kazakh transliterations) stays inside the word. Hyphens split words for now: each
# part is searchable on its own.
WORD_PATTERN = r"[^\W_]+(?:['\u2019][^\W_]+)*"


def word_tokenizer() -> RegexTokenizer:
    """Return the tokenizer shared by all languages."""
    return RegexTokenizer(expression=WORD_PATTERN)
