"""Snippets and titles with the matched words in ``<mark>``, everything else HTML-escaped.

A word counts as matched when any level's analyser turns it into a key the query looked for
in that level's field — so «гематологической» is marked for the query «гематология» through
the family level, and «В12» for «B12» through the code level.
"""

import threading
from html import escape
from itertools import chain

from whoosh import highlight

from search.analysis import FAMILY_LANGUAGES, LANGUAGES, analyzer_for, memory
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


def word_keys(word: str, lang: str | None, level: str) -> frozenset[str]:
    """Return the keys a level's analyser gives one word as written (the Lexicon remembers them)."""
    analyzer = analyzer_for(lang, level)
    keys = analyzer.keys(word) if hasattr(analyzer, "keys") else None
    if keys is None:
        keys = [t.text for t in analyzer(word, mode="index", removestops=False)]
    return frozenset(keys)


def _wanted(lang: str, text_field: str, terms: dict[str, set[str]]) -> frozenset[tuple[str, str]]:
    """Return the (level, key) pairs a query looks for in a ``text_field`` of a document in ``lang``."""
    wanted = {("exact", k) for k in terms.get(text_field, ())}
    if lang in FAMILY_LANGUAGES:
        wanted.update(("family", k) for k in terms.get(family_field(lang), ()))
    wanted.update(("code", k) for k in terms.get(CODE_FIELD, ()))
    wanted.update(("cross", k) for k in terms.get(CROSS_FIELD, ()))
    return frozenset(wanted)


class Lexicon:
    """Every level's keys of each word seen so far in one language, and the words behind each key.

    Texts repeat their words, so each word is analysed once (until ``limit`` words are known —
    by default the process's word memory, :mod:`search.analysis.memory`; the chains below do
    not remember these words a second time — when it starts afresh); a query's matched words
    are then the words behind its keys that the text holds: set work, whatever the text's
    length or the number of levels.
    """

    def __init__(self, lang: str, limit: int | None = None):
        self.lang = lang
        self.limit = limit
        self.levels = (
            [(lang, "exact")]
            + ([(lang, "family")] if lang in FAMILY_LANGUAGES else [])
            + [(None, "code"), (None, "cross")]
        )
        self._known: set[str] = set()
        # The words behind each (level, key): a tuple, as most keys have one or two words.
        self._words: dict[tuple[str, str], tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def matched(self, words: set[str], wanted: frozenset) -> set[str]:
        """Return the members of ``words`` that some level turns into a (level, key) in ``wanted``."""
        with self._lock:
            new = words.difference(self._known)
            if len(self._known) + len(new) > (self.limit or memory.words()):
                self._known.clear()
                self._words.clear()
                new = words
            for word in new:
                self._known.add(word)
                for pair in {(level, k) for key_lang, level in self.levels for k in word_keys(word, key_lang, level)}:
                    self._words[pair] = self._words.get(pair, ()) + (word,)
            behind = [self._words[pair] for pair in wanted if pair in self._words]
            return words.intersection(chain.from_iterable(behind))


_lexicons = {lang: Lexicon(lang) for lang in LANGUAGES}


def _judge(words: set[str], lang: str, text_field: str, terms: dict[str, set[str]]) -> set[str]:
    """Return which of ``words`` some level turns into a key the query sought in ``text_field``.

    Each word (each part of a hyphenated one) is analysed alone, through the very chains that
    indexed it, so a word is marked exactly when the index matched it.
    """
    wanted = _wanted(lang, text_field, terms)
    if not wanted or lang not in _lexicons:
        return set()
    return _lexicons[lang].matched(words, wanted)


class _Word:
    """A word's place in a text, as Whoosh's fragmenter and formatter read it (lighter than a Token)."""

    __slots__ = ("boost", "endchar", "matched", "pos", "startchar", "text")

    def __init__(self, text, start, end, matched):
        self.text, self.startchar, self.endchar, self.matched, self.boost, self.pos = text, start, end, matched, 1.0, 0

    def copy(self):
        return self


def _tokens(
    text: str,
    lang: str,
    text_field: str,
    terms: dict[str, set[str]],
    start: int = 0,
    end: int | None = None,
    matched: set[str] | None = None,
):
    """Return the words of ``text[start:end]``, marked when any level turns them into a key the query
    sought (or, given ``matched``, when they are among those words)."""
    end = len(text) if end is None else end
    spans = [(m.group(0), m.start(), m.end()) for m in PART.finditer(text, start, end)]
    if matched is None:
        matched = _judge({w for w, _, _ in spans}, lang, text_field, terms)
    return [_Word(w, s, e, w in matched) for w, s, e in spans]


def _windows(text: str, matched: set[str], count: int) -> list[tuple[int, int]]:
    """Return up to ``count`` stretches of ``text`` (start, end) around its best clusters of matched words.

    A cluster is the matched words within one snippet's length; clusters with more different
    matched words come first, then the earlier. Only these stretches are then cut into snippets,
    so a long body costs one scan, not a token object per word.
    """
    hits = [(m.start(), m.group(0)) for m in PART.finditer(text) if m.group(0) in matched]
    scored = []
    j = 0
    for i, (start, _) in enumerate(hits):
        while hits[j][0] < start - SNIPPET_CHARS:
            j += 1
        window = hits[j : i + 1]
        scored.append((-len({w.lower() for _, w in window}), -len(window), hits[j][0], start))
    scored.sort()
    chosen: list[tuple[int, int]] = []
    for _, _, first, last in scored:
        lo, hi = max(0, first - 2 * SNIPPET_CHARS), min(len(text), last + 3 * SNIPPET_CHARS)
        if all(hi <= a or lo >= b for a, b in chosen):
            chosen.append((lo, hi))
            if len(chosen) == count:
                break
    return sorted(chosen)


def _mark(text: str, stretches: list[list], fragmenter, top: int) -> str:
    """Return the ``top`` best fragments of the token lists in ``stretches``, formatted."""
    fragments = [
        f for tokens in stretches if any(t.matched for t in tokens) for f in fragmenter.fragment_tokens(text, tokens)
    ]
    if not fragments:
        return ""
    best = highlight.top_fragments(fragments, top, highlight.BasicFragmentScorer(), highlight.FIRST)
    return _formatter.format(best)


def plain_excerpt(text: str, maxchars: int = SNIPPET_CHARS * SNIPPETS) -> str:
    """Return the start of ``text``, cut at a word boundary and escaped."""
    text = " ".join(text.split())
    if len(text) <= maxchars:
        return escape(text, quote=True)
    cut = text.rfind(" ", 0, maxchars)
    return escape(text[: cut if cut > maxchars // 2 else maxchars], quote=True) + " " + ELLIPSIS


def snippet(
    text: str, lang: str, terms: dict[str, set[str]], fallback: str = "", matched: set[str] | None = None
) -> str:
    """Return safe HTML: the best passages of a body for the query, with matched words marked.

    ``matched``, when given, are the words to mark (as :mod:`search.marks` reads them from the
    index); otherwise each word is analysed to tell.
    """
    text = text[:MAX_HIGHLIGHT_CHARS]
    if matched is None:
        matched = _judge(set(PART.findall(text)), lang, body_field(lang), terms)
    if not matched:
        return plain_excerpt(fallback or text)
    stretches = []
    for start, end in _windows(text, matched, SNIPPETS):
        # Cut at a space so that no word is split at a stretch's edge.
        start = text.rfind(" ", 0, start) + 1 if start else 0
        cut = text.find(" ", end)
        stretches.append(_tokens(text, lang, body_field(lang), terms, start, len(text) if cut < 0 else cut, matched))
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70, charlimit=None)
    marked = _mark(text, stretches, fragmenter, SNIPPETS)
    return marked or plain_excerpt(fallback or text)


def marked_title(title: str, lang: str, terms: dict[str, set[str]], matched: set[str] | None = None) -> str:
    """Return a title as safe HTML with matched words marked (``matched``: as for :func:`snippet`)."""
    matches = [t for t in _tokens(title, lang, title_field(lang), terms, matched=matched) if t.matched]
    if not matches:
        return escape(title, quote=True)
    fragment = highlight.Fragment(title, matches, 0, len(title))
    return " ".join(_formatter.format_fragment(fragment).split())
