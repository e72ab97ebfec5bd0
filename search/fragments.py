"""Links that land on the words: a hit's URL with a text fragment (``#:~:text=``) for its best snippet sentence.

A text fragment (WICG Scroll-To-Text Fragment, https://wicg.github.io/scroll-to-text-fragment/) makes the browser
scroll to and highlight the first passage of the rendered page that matches — case-insensitively, starting and
ending on word boundaries, each term within one block of text. Browsers without support ignore it. A term is
short on purpose: the snippet comes from the indexer's plain text, so a long exact quote would break on a line
break, a footnote or an inline image the page shows differently; a long sentence becomes ``textStart,textEnd``.
"""

import html
import re
from urllib.parse import quote

from search.highlight import ELLIPSIS

MAX_WORDS = 8  # a longer sentence becomes its first and last MAX_WORDS // 2 words
LONG_SENTENCE = 30  # a longer sentence is narrowed to its clause with the most matched words

# The spec's TextDirectiveExplicitChar (letters, digits and !$'()*+./:;=?@_~) stay as they are; everything else is
# percent-encoded, "-", "," and "&" included, as they are the directive's own syntax.
_QUOTE_SAFE = "!$'()*+/:;=?@"  # quote() keeps letters, digits and "_.-~" besides these
_MARK = re.compile(r"(</?mark>)")
_WORD_OR_ELLIPSIS = re.compile(rf"{ELLIPSIS}|[^\s{ELLIPSIS}]+")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")  # an image shows no text
_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_LINK_TAIL = re.compile(r"\]\([^)\s]*\)")
_EMPHASIS_EDGE = re.compile(r"(?:(?<=\s)|^)[*_]+(?=\S)|(?<=\S)[*_]+(?=\s|$)")
_HASHES = re.compile(r"(?:(?<=\s)|^)#{1,6}(?=\s|$)")
_SENTENCE_END = re.compile(r"[.!?]+[\"'»”’)\]]*$")  # a word that may end a sentence
_CLAUSE_END = re.compile(r"[;:]$")  # a word that ends a clause (as does a dash between words)
_DASHES = frozenset("—–")


def _encode(term: str) -> str:
    """Percent-encode a term as the spec asks (UTF-8, upper-case hex), spaces as %20."""
    # Of what quote() keeps, only "-" must be encoded.
    return quote(term, safe=_QUOTE_SAFE).replace("-", "%2D")


def _unbalanced_brackets(text: str) -> str:
    """Drop ``[`` and ``]`` left over from link syntax; keep balanced ones like ``[1]``."""
    if "[" not in text and "]" not in text:
        return text
    keep, stack = [True] * len(text), []
    for i, c in enumerate(text):
        if c == "[":
            stack.append(i)
        elif c == "]":
            if stack:
                stack.pop()
            else:
                keep[i] = False
    for i in stack:
        keep[i] = False
    return "".join(c for c, k in zip(text, keep) if k)


def plain_text(text: str) -> str:
    """Return what a browser would show of a text that may hold tags, entities or leftover markdown, on one line."""
    return _without_markdown(html.unescape(_TAG.sub("", text)))


def _without_markdown(text: str) -> str:
    """Return a plain text without leftover markdown punctuation, on one line."""
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _LINK_TAIL.sub("", text)
    text = _unbalanced_brackets(text)
    text = text.replace("`", "").replace("**", "").replace("__", "").replace("~~", "")
    text = " ".join(text.split())
    text = _EMPHASIS_EDGE.sub("", text)
    text = _HASHES.sub("", text)
    return " ".join(text.split())


def _trim(words: list[str]) -> str:
    """Join words into a term that starts and ends on a letter or digit (punctuation at the edges dropped)."""
    term = " ".join(words)
    start = next((i for i, c in enumerate(term) if c.isalnum()), len(term))
    end = next((i + 1 for i in range(len(term) - 1, -1, -1) if term[i].isalnum()), 0)
    return term[start:end]


def text_fragment(sentence: str, max_words: int = MAX_WORDS) -> str:
    """Return ``#:~:text=…`` that scrolls to ``sentence`` on the page, or "" when it holds no word.

    Up to ``max_words`` words are quoted whole; a longer sentence becomes ``textStart,textEnd``: its first and
    last ``max_words // 2`` words, which still match when the page breaks or marks up the middle differently.
    """
    return _fragment(plain_text(sentence), max_words)


def _fragment(text: str, max_words: int = MAX_WORDS) -> str:
    """Return the text fragment of a plain text (see :func:`text_fragment`)."""
    words = text.split()
    while words and not _trim(words[:1]):
        words.pop(0)
    while words and not _trim(words[-1:]):
        words.pop()
    if not words:
        return ""
    edge = max(1, max_words // 2)
    if len(words) <= max(max_words, 2 * edge):
        return "#:~:text=" + _encode(_trim(words))
    return "#:~:text=" + _encode(_trim(words[:edge])) + "," + _encode(_trim(words[-edge:]))


# --- the sentence of a snippet to land on -------------------------------------------------------------------------


def _pieces(snippet_html: str) -> list[list[tuple[str, bool]]]:
    """Return a snippet's stretches between ellipses as lists of (word, marked)."""
    text, spans, inside, at = [], [], False, 0  # spans: where the plain text is marked
    for part in _MARK.split(snippet_html):
        if part in ("<mark>", "</mark>"):
            inside = part == "<mark>"
            continue
        part = html.unescape(_TAG.sub("", part))
        text.append(part)
        if inside and part:
            spans.append((at, at + len(part)))
        at += len(part)
    plain = "".join(text)
    marked = _marked_words(plain, spans)
    stretches: list[list[tuple[str, bool]]] = [[]]
    for word in marked:
        if word[0] == ELLIPSIS:
            stretches.append([])
        else:
            stretches[-1].append(word)
    cut_before = [i > 0 for i in range(len(stretches))]
    cut_after = [i < len(stretches) - 1 for i in range(len(stretches))]
    out = []
    for words, before, after in zip(stretches, cut_before, cut_after):
        # At an ellipsis the snippet was cut: the word there may be part of one; a marked word is whole.
        if before and words and not words[0][1]:
            words = words[1:]
        if after and words and not words[-1][1]:
            words = words[:-1]
        if words:
            out.append(words)
    return out


def _marked_words(plain: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Return the words and ellipses of ``plain`` in order, each word marked when a span overlaps it."""
    out, j = [], 0
    for m in _WORD_OR_ELLIPSIS.finditer(plain):
        start, end = m.span()
        while j < len(spans) and spans[j][1] <= start:
            j += 1
        out.append((m.group(0), j < len(spans) and spans[j][0] < end))
    return out


def _sentences(words: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """Return ``words`` cut into sentences: after ``.``, ``!`` or ``?`` when the next word does not start lower-case.

    So «2024 г. в центре» stays one sentence; initials may still cut one, which only makes it shorter.
    """
    runs: list[list[tuple[str, bool]]] = [[]]
    for i, (word, mark) in enumerate(words):
        runs[-1].append((word, mark))
        if _SENTENCE_END.search(word) and i + 1 < len(words) and not words[i + 1][0][0].islower():
            runs.append([])
    return [r for r in runs if r]


def _clauses(words: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """Return ``words`` cut into clauses: after ``;`` or ``:``, and around a dash standing between words."""
    runs: list[list[tuple[str, bool]]] = [[]]
    for word, mark in words:
        if word in _DASHES:
            runs.append([])
            continue
        runs[-1].append((word, mark))
        if _CLAUSE_END.search(word):
            runs.append([])
    return [r for r in runs if r]


def _score(words: list[tuple[str, bool]]) -> tuple[int, int]:
    """Return how many words are marked, and how many different ones."""
    return sum(m for _, m in words), len({w.lower() for w, m in words if m})


def _best(runs: list[list[tuple[str, bool]]]) -> list[tuple[str, bool]]:
    """Return the run with the most marked words (then the most different ones, then the first)."""
    return max(enumerate(runs), key=lambda ir: (*_score(ir[1]), -ir[0]))[1]


def _within_block(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Return the stretch of a sentence around its marks that likely stands in one block of the page.

    The indexer's text runs a heading or list item into the next paragraph and the snippet loses the line
    break, so «…ЛКБэ жұмысы В 2024 году…» may join two blocks — which no text fragment term may span. Such a
    join shows as a word ending in a letter or digit followed by a capitalised one: the stretch starts after
    the last of them before the first mark and ends at the first after the last mark. A proper noun cuts too;
    that only shortens the stretch, which still holds every mark.
    """
    marked = [i for i, (_, m) in enumerate(words) if m]
    if not marked:
        return words
    joins = [i for i in range(len(words) - 1) if words[i][0][-1].isalnum() and words[i + 1][0][0].isupper()]
    start = max((i + 1 for i in joins if i < marked[0]), default=0)
    end = min((i + 1 for i in joins if i >= marked[-1]), default=len(words))
    return words[start:end]


def _best_words(snippet_html: str) -> list[tuple[str, bool]]:
    """Return the words of the sentence (or clause) of a snippet to land on, marked or not; [] when none is."""
    sentences = [s for stretch in _pieces(snippet_html) for s in _sentences(stretch)]
    if not sentences:
        return []
    best = _best(sentences)
    if _score(best)[0] == 0:
        return []
    if len(best) > LONG_SENTENCE:
        clause = _best(_clauses(best))
        if _score(clause)[0]:
            best = clause
    return _within_block(best)


def best_sentence(snippet_html: str) -> str:
    """Return, as plain text, the sentence (or clause, when long) of a snippet with the most marked words.

    ``snippet_html`` is :func:`search.highlight.snippet`'s safe HTML. Words cut off by its ellipses are left out,
    and so is a part that seems to come from another block of the page (see :func:`_within_block`); "" when
    nothing is marked, since an unmarked snippet may be a summary the page does not show as such.
    """
    return " ".join(w for w, _ in _best_words(snippet_html))


def link(url: str, snippet_html: str) -> str:
    """Return ``url`` with a text fragment for the best sentence of a snippet (``#anchor:~:text=…`` keeps an anchor).

    A second directive, the first marked word alone, lands on the words when the sentence does not match as
    the page renders it; browsers scroll to the first directive that matches.
    """
    words = _best_words(snippet_html)
    # The words are plain text already: a literal "<b>" or "&amp;" in it is text the page shows.
    fragment = _fragment(_without_markdown(" ".join(w for w, _ in words)))
    if not fragment:
        return url
    fallback = _fragment(_without_markdown(next(w for w, m in words if m)))
    if fallback and fallback != fragment:
        fragment += "&" + fallback[len("#:~:") :]
    base, _, anchor = url.partition("#")
    anchor = anchor.split(":~:", 1)[0]
    return f"{base}#{anchor}{fragment[1:]}"
