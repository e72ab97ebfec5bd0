"""Snippets and titles with the matched words in ``<mark>``, everything else HTML-escaped.

A word counts as matched when any level's analyser turns it into a key the query looked for
in that level's field — so «гематологической» is marked for the query «гематология» through
the family level, and «В12» for «B12» through the code level.
"""

from functools import lru_cache
from html import escape

from whoosh import highlight

from search.analysis import FAMILY_LANGUAGES, analyzer_for
from search.analysis.tokenizer import PART
from search.schema import CODE_FIELD, CROSS_FIELD, body_field, family_field, title_field

SNIPPET_CHARS = 180
SNIPPETS = 2
ELLIPSIS = "…"
MAX_HIGHLIGHT_CHARS = 20_000  # longer bodies are looked at only this far


class MarkFormatter(highlight.Formatter):
    """Wrap matched words in ``<mark>`` and escape all other text, quotes included."""

    between = f" {ELLIPSIS} "

    def _text(self, text: str) -> str:
        return escape(text, quote=True)

    def format_token(self, text, token, replace=False):
        return "<mark>" + escape(highlight.get_text(text, token, replace), quote=True) + "</mark>"

    def format(self, fragments, replace=False):
        fragments = list(fragments)
        if not fragments:
            return ""
        parts = [" ".join(self.format_fragment(f, replace=replace).split()) for f in fragments]
        out = self.between.join(parts)
        if fragments[0].startchar > 0:
            out = ELLIPSIS + " " + out
        if fragments[-1].endchar < len(fragments[-1].text):
            out = out + " " + ELLIPSIS
        return out


_formatter = MarkFormatter()


def query_terms(query) -> dict[str, set[str]]:
    """Return the keys a Whoosh query looks for, by field."""
    terms: dict[str, set[str]] = {}
    for field, text in query.iter_all_terms(phrases=True):
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        terms.setdefault(field, set()).add(text)
    return terms


@lru_cache(maxsize=200_000)
def word_keys(word: str, lang: str | None, level: str) -> frozenset[str]:
    """Return the keys a level's analyser gives one word as written (cached: texts repeat their words)."""
    return frozenset(t.text for t in analyzer_for(lang, level)(word, mode="index", removestops=False))


def _levels(lang: str, text_field: str, terms: dict[str, set[str]]):
    """Yield (lang, level, keys) for each level with keys to look for in a document of ``lang``."""
    if terms.get(text_field):
        yield lang, "exact", terms[text_field]
    if lang in FAMILY_LANGUAGES and terms.get(family_field(lang)):
        yield lang, "family", terms[family_field(lang)]
    if terms.get(CODE_FIELD):
        yield None, "code", terms[CODE_FIELD]
    if terms.get(CROSS_FIELD):
        yield None, "cross", terms[CROSS_FIELD]


class _Word:
    """A word's place in a text, as Whoosh's fragmenter and formatter read it (lighter than a Token)."""

    __slots__ = ("text", "startchar", "endchar", "matched", "boost", "pos")

    def __init__(self, text, start, end, matched):
        self.text, self.startchar, self.endchar, self.matched, self.boost, self.pos = text, start, end, matched, 1.0, 0

    def copy(self):
        return self


def _tokens(text: str, lang: str, text_field: str, terms: dict[str, set[str]], memo: dict | None = None):
    """Return the words of ``text``, marked when any level turns them into a key the query sought.

    Each word (each part of a hyphenated one) is analysed alone, through the very chains that
    indexed it, and the answers are cached: one pass over the text, whatever the number of levels.
    """
    levels = list(_levels(lang, text_field, terms))
    memo = {} if memo is None else memo
    out = []
    for m in PART.finditer(text):
        word = m.group(0)
        matched = memo.get(word)
        if matched is None:
            matched = memo[word] = any(
                not keys.isdisjoint(word_keys(word, key_lang, level)) for key_lang, level, keys in levels
            )
        out.append(_Word(word, m.start(), m.end(), matched))
    return out


def _mark(text: str, tokens: list, fragmenter, top: int) -> str:
    if not any(t.matched for t in tokens):
        return ""
    fragments = fragmenter.fragment_tokens(text, tokens)
    best = highlight.top_fragments(fragments, top, highlight.BasicFragmentScorer(), highlight.FIRST)
    return _formatter.format(best)


def plain_excerpt(text: str, maxchars: int = SNIPPET_CHARS * SNIPPETS) -> str:
    """Return the start of ``text``, cut at a word boundary and escaped."""
    text = " ".join(text.split())
    if len(text) <= maxchars:
        return escape(text, quote=True)
    cut = text.rfind(" ", 0, maxchars)
    return escape(text[: cut if cut > maxchars // 2 else maxchars], quote=True) + " " + ELLIPSIS


def snippet(text: str, lang: str, terms: dict[str, set[str]], fallback: str = "", memo: dict | None = None) -> str:
    """Return safe HTML: the best passages of a body for the query, with matched words marked."""
    text = text[:MAX_HIGHLIGHT_CHARS]
    tokens = _tokens(text, lang, body_field(lang), terms, memo)
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70, charlimit=None)
    marked = _mark(text, tokens, fragmenter, SNIPPETS)
    return marked or plain_excerpt(fallback or text)


def marked_title(title: str, lang: str, terms: dict[str, set[str]]) -> str:
    """Return a title as safe HTML with matched words marked."""
    matches = [t for t in _tokens(title, lang, title_field(lang), terms) if t.matched]
    if not matches:
        return escape(title, quote=True)
    fragment = highlight.Fragment(title, matches, 0, len(title))
    return " ".join(_formatter.format_fragment(fragment).split())
