"""Snippets and titles with the matched words in ``<mark>``, everything else HTML-escaped.

A word counts as matched when any level's analyser turns it into a key the query looked for
in that level's field — so «гематологической» is marked for the query «гематология» through
the family level, and «В12» for «B12» through the code level.
"""

from collections.abc import Iterable
from html import escape

from whoosh import highlight

from search.analysis import FAMILY_LANGUAGES, analyzer_for
from search.analysis.tokenizer import word_tokenizer
from search.schema import CODE_FIELD, CROSS_FIELD, body_field, family_field, title_field

SNIPPET_CHARS = 180
SNIPPETS = 2
ELLIPSIS = "…"
MAX_HIGHLIGHT_CHARS = 50_000  # longer bodies are looked at only this far


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


def _levels(lang: str, text_field: str, terms: dict[str, set[str]]):
    """Yield (analyser, keys) for each level with keys to look for in a document of ``lang``."""
    if terms.get(text_field):
        yield analyzer_for(lang, "exact"), terms[text_field]
    if lang in FAMILY_LANGUAGES and terms.get(family_field(lang)):
        yield analyzer_for(lang, "family"), terms[family_field(lang)]
    if terms.get(CODE_FIELD):
        yield analyzer_for(None, "code"), terms[CODE_FIELD]
    if terms.get(CROSS_FIELD):
        yield analyzer_for(None, "cross"), terms[CROSS_FIELD]


def matched_spans(text: str, lang: str, text_field: str, terms: dict[str, set[str]]) -> list[tuple[int, int]]:
    """Return the (start, end) character spans of ``text`` that the query matched."""
    spans = []
    for analyzer, keys in _levels(lang, text_field, terms):
        for t in analyzer(text, chars=True, mode="index", removestops=False):
            if t.text in keys:
                spans.append((t.startchar, t.endchar))
    return spans


def _tokens(text: str, spans: Iterable[tuple[int, int]]):
    """Yield the words of ``text`` as tokens, marked when a matched span covers them."""
    spans = sorted(set(spans))
    i = 0
    for t in word_tokenizer()(text, chars=True, mode="query"):
        while i < len(spans) and spans[i][1] <= t.startchar:
            i += 1
        t.matched = any(s <= t.startchar and t.endchar <= e for s, e in spans[i : i + 8])
        t.boost = 1.0
        yield t


def _mark(text: str, spans, fragmenter, top: int) -> str:
    if not spans:
        return ""
    fragments = fragmenter.fragment_tokens(text, _tokens(text, spans))
    best = highlight.top_fragments(fragments, top, highlight.BasicFragmentScorer(), highlight.FIRST)
    return _formatter.format(best)


def plain_excerpt(text: str, maxchars: int = SNIPPET_CHARS * SNIPPETS) -> str:
    """Return the start of ``text``, cut at a word boundary and escaped."""
    text = " ".join(text.split())
    if len(text) <= maxchars:
        return escape(text, quote=True)
    cut = text.rfind(" ", 0, maxchars)
    return escape(text[: cut if cut > maxchars // 2 else maxchars], quote=True) + " " + ELLIPSIS


def snippet(text: str, lang: str, terms: dict[str, set[str]], fallback: str = "") -> str:
    """Return safe HTML: the best passages of a body for the query, with matched words marked."""
    text = text[:MAX_HIGHLIGHT_CHARS]
    spans = matched_spans(text, lang, body_field(lang), terms)
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70, charlimit=None)
    marked = _mark(text, spans, fragmenter, SNIPPETS)
    return marked or plain_excerpt(fallback or text)


def marked_title(title: str, lang: str, terms: dict[str, set[str]]) -> str:
    """Return a title as safe HTML with matched words marked."""
    spans = matched_spans(title, lang, title_field(lang), terms)
    if not spans:
        return escape(title, quote=True)
    fragment = highlight.Fragment(title, [t.copy() for t in _tokens(title, spans) if t.matched], 0, len(title))
    return " ".join(_formatter.format_fragment(fragment).split())
