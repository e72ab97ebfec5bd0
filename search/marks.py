"""Which words of a hit the index matched, read from the positions of the keys the query sought.

Marking a hit's words by analysing each of them (:class:`search.highlight.Lexicon`) costs a
lemma or a family key for every word not seen before: at a news archive's vocabulary, most of a
first-time search. The index already knows the answer: each key the query sought is stored with
its positions in every page. A text laid out as its indexing chain lays it out (words folded, stop
words skipped; no lemmas: :func:`search.analysis.chains.layout_chain`) tells which word holds
each position, so the marked words are read, not worked out — the very words the index matched.

Cross-script keys are kept without positions: where a hit holds one, only the words of the
script the key belongs to are analysed (in a Russian page, its few Latin words).
"""

from bisect import bisect_right
from collections import defaultdict

from search.analysis import FAMILY_LANGUAGES, LANGUAGES
from search.analysis.chains import layout_chain
from search.analysis.crossscript import MIN_CONSONANTS, START, key_start
from search.analysis.filters import has_cyrillic, is_latin_word
from search.analysis.tokenizer import PART
from search.highlight import word_keys
from search.postings import positions_in, term_bytes
from search.schema import CODE_FIELD, CROSS_FIELD, CROSS_TITLE_FIELD, body_field, family_field, title_field

# The marked words of one hit: (in its title, in its body).
Marks = tuple[set[str], set[str]]


def _fields(lang: str) -> list[str]:
    """Return the fields with positions that hold a page's title or body."""
    names = [title_field(lang), body_field(lang), CODE_FIELD]
    if lang in FAMILY_LANGUAGES:
        names.append(family_field(lang))
    return names


def marked_words(searcher, hits: dict[int, dict], terms: dict[str, set[str]], max_chars: int) -> dict[int, Marks]:
    """Return the words the index matched in each hit's title and body (the first ``max_chars`` of it).

    ``hits`` maps a document number to its stored fields; a hit in a language without fields of
    its own is left out (its words are then analysed).
    """
    reader = searcher.reader()
    leaves = reader.leaf_readers()
    starts = [offset for _, offset in leaves]
    schema = searcher.schema
    cross = terms.get(CROSS_FIELD, set())
    by_segment: dict[int, list[int]] = defaultdict(list)
    for doc in sorted(hits):
        if hits[doc].get("lang") in LANGUAGES:
            by_segment[bisect_right(starts, doc) - 1].append(doc)
    # Each sought key's positions in each hit, read segment by segment, the hits in order.
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    for segment, docs in by_segment.items():
        leaf, offset = leaves[segment]
        wanted = {f for d in docs for f in _fields(hits[d]["lang"])}
        if cross:
            wanted |= {CROSS_FIELD, CROSS_TITLE_FIELD}
        for fieldname in wanted:
            local = [d - offset for d in docs if fieldname in _fields(hits[d]["lang"]) or fieldname in _CROSS]
            keys = cross if fieldname in _CROSS else terms.get(fieldname, ())
            for text in keys:
                held = positions_in(
                    leaf, fieldname, term_bytes(schema, fieldname, text), local, positions=fieldname not in _CROSS
                )
                for doc, positions in held.items():
                    found[(doc + offset, fieldname)].extend(positions or [-1])
    out: dict[int, Marks] = {}
    for docs in by_segment.values():
        for doc in docs:
            stored = hits[doc]
            lang = stored["lang"]
            title, body = stored.get("title") or "", (stored.get("body") or "")[:max_chars]
            in_title: set[str] = set()
            in_body: set[str] = set()
            _read(layout_chain(lang), title, found.get((doc, title_field(lang)), ()), in_title)
            _read(layout_chain(lang), body, found.get((doc, body_field(lang)), ()), in_body)
            both = f"{title}\n{body}"
            _split(layout_chain(None, "code"), both, title, found.get((doc, CODE_FIELD), ()), in_title, in_body)
            if lang in FAMILY_LANGUAGES:
                _split(layout_chain(lang), both, title, found.get((doc, family_field(lang)), ()), in_title, in_body)
            if (doc, CROSS_TITLE_FIELD) in found:
                in_title |= _cross(title, cross)
            if (doc, CROSS_FIELD) in found:
                in_body |= _cross(body, cross)
            out[doc] = (in_title, in_body)
    return out


_CROSS = (CROSS_FIELD, CROSS_TITLE_FIELD)


def _read(chain, text: str, positions, into: set[str]) -> None:
    """Add the words of ``text`` at ``positions`` (as ``chain`` numbers them) to ``into``."""
    if not positions:
        return
    texts, owners = chain.layout(text, max(positions))
    for pos in positions:
        if pos < len(owners) and owners[pos] >= 0:
            into.add(texts[owners[pos]])


def _split(chain, both: str, title: str, positions, in_title: set[str], in_body: set[str]) -> None:
    """As :func:`_read` for a field holding the title, a line break and the body: each word to its part."""
    if not positions:
        return
    texts, owners = chain.layout(both, max(positions))
    in_title_words = len(chain.words(title))
    for pos in positions:
        if pos < len(owners) and owners[pos] >= 0:
            i = owners[pos]
            (in_title if i < in_title_words else in_body).add(texts[i])


def _cross(text: str, keys: set[str]) -> set[str]:
    """Return the words of ``text`` whose cross-script key is among ``keys``, analysing only the
    words of the scripts those keys belong to ("L:" Latin, "C:" Cyrillic), long enough to have one
    and whose own letters start as one of the keys does (:func:`key_start`: a Russian page holds
    thousands of words, a Latin query word's key a few of them)."""
    latin, cyrillic = any(k.startswith("L:") for k in keys), any(k.startswith("C:") for k in keys)
    starts = {k[2 : 2 + START] for k in keys}
    out = set()
    for word in set(PART.findall(text)):
        if len(word) < MIN_CONSONANTS:
            continue
        if not ((latin and is_latin_word(word)) or (cyrillic and has_cyrillic(word))):
            continue
        start = key_start(word)
        if start is not None and len(start) == START and start not in starts:
            continue
        if word_keys(word, None, "cross") & keys:
            out.add(word)
    return out
