"""A chain run for indexing without its generators: the same tokens, a fraction of the work.

An index-mode run of ``tokenizer | PerWord(...) | StopFilter(...) | PerWord(...)`` passes each
token through a generator per filter, and each field of a document tokenises its text again.
:class:`IndexingChain` is that chain (it is built from the same parts and runs them unchanged
for queries and highlighting); when indexing it takes the tokenizer's words from a small cache
of recent texts and drives the filters' own steps in one loop: :class:`PerWord`'s memory of
each word's keys and :class:`StopFilter`'s test and renumbering, in the order the generators
would run, on one shared token as they share it. Chains with any other filter run as composed.
"""

import sys
from collections import Counter
from itertools import chain as _chain
from itertools import count
from operator import attrgetter

from whoosh import formats
from whoosh.analysis import StopFilter, Token
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.system import pack_uint

from search.analysis import plain
from search.analysis.filters import PerWord
from search.analysis.memory import Memory
from search.analysis.tokenizer import WordTokenizer, split_words
from search.positions import CompactPositions
from search.positions import encode as encode_positions

# How many recent (text, tokenizer) splits are kept: the fields of one document share texts.
_RECENT = 4


class _Splits:
    """The words and positions the tokenizer makes of recent texts."""

    def __init__(self):
        self._recent: dict[tuple, tuple[list[str], list[int]]] = {}

    def __call__(self, tokenizer: WordTokenizer, value: str) -> tuple[list[str], list[int]]:
        key = (value, tokenizer.join)
        words = self._recent.get(key)
        if words is None:
            words = split_words(value, tokenizer.join)
            if len(self._recent) >= _RECENT:
                self._recent.pop(next(iter(self._recent)))
            self._recent[key] = words
        return words


_splits = _Splits()
_UNSET = object()


class IndexingChain(CompositeAnalyzer):
    """A composed analyser whose index-mode runs skip the generators (same tokens, same order)."""

    def _plan(self):
        plan = getattr(self, "_steps", None)
        if plan is None:
            plan = self._steps = _compile(self.items)
        return plan

    def __getstate__(self):
        return {"items": self.items}

    def __setstate__(self, state):
        self.items = state["items"]

    def __call__(
        self,
        value,
        no_morph=False,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        plan = self._plan()
        if (
            plan is None
            or mode != "index"
            or chars
            or keeporiginal
            or start_pos
            or start_char
            or (positions and not removestops)
            or not tokenize
            or no_morph
            or not isinstance(value, str)
        ):
            return super().__call__(
                value,
                no_morph=no_morph,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pairs = _run(self, plan, _splits(self.items[0], value), mode, positions, removestops, PAIRS)
        return iter(_Replay(pairs, t))

    def keys(self, value: str) -> list[str] | None:
        """Return the keys an index-mode run makes of ``value`` (stop words kept), in order, without
        remembering its words: for callers that keep their own memory. None when the chain has no loop form."""
        plan = self._plan()
        if plan is None:
            return None
        return [
            key
            for key, _ in _run(
                self, plan, split_words(value, self.items[0].join), "index", False, False, PAIRS, remember=False
            )
        ]

    def layout(self, value: str, upto: int | None = None) -> tuple[list[str], list[int]] | None:
        """Return the tokenizer's words of ``value`` and, for each position an index-mode run gives a key,
        the number of the word it came from; None when the chain has no loop form.

        Only the filters up to the stop filter decide the positions (later ones add keys at a
        position, never a position), so a chain cut after its stop filter lays a text out as the
        whole chain does, without the costly steps (lemmas, stems, families). Given ``upto``, the
        words are analysed only as far as that position needs (the positions after it may be
        missing): a word's place depends on the words before it, never on those after it.
        """
        plan = self._plan()
        if plan is None:
            return None
        texts, places = _splits(self.items[0], value)
        if upto is None or upto < 0:
            return texts, self._owners(plan, texts, places)
        took = min(len(texts), 2 * upto + 16)  # a stop word or two for every word kept, as a start
        while True:
            owners = self._owners(plan, texts[:took], places)
            if took == len(texts) or len(owners) > upto:
                return texts, owners
            took = min(len(texts), 2 * took)

    def words(self, value: str) -> list[str]:
        """Return the tokenizer's words of ``value``, as :meth:`layout` numbers them."""
        return _splits(self.items[0], value)[0]

    def _owners(self, plan, texts: list[str], places: list[int]) -> list[int]:
        """Return, for each position the run of ``texts`` gives a key, the number of its word (see layout)."""
        if any(kind and item.renumber for kind, item in plan):
            owners = [i for i, n in enumerate(self._counts(plan, texts)) for _ in range(n)]
            if not owners:
                return []
            return [-1] * places[owners[0]] + owners  # numbered on from the first survivor's place
        made = _made(self, plan, texts, "index", True, True, True)
        owners: list[int] = []
        for i, (word, pos) in enumerate(zip(made, places)):
            if word.groups and word.keys:
                owners.extend([-1] * (pos + 1 - len(owners)))
                owners[pos] = i
        return owners

    def _counts(self, plan, texts: list[str]) -> list[int]:
        """Return how many positions each of ``texts`` takes: plain words told by :mod:`search.analysis.plain`,
        the others made by the chain (their marks change no count where a counter exists)."""
        count = self.__dict__.get("_plain", _UNSET)
        if count is _UNSET:
            count = self._plain = plain.counter(plan)
        if count is None:
            return [len(word.groups) for word in _made(self, plan, texts, "index", True, True, True)]
        counts = list(map(count, texts))
        if None in counts:
            rest = [i for i, n in enumerate(counts) if n is None]
            made = _made(self, plan, [texts[i] for i in rest], "index", True, True, True)
            for i, word in zip(rest, made):
                counts[i] = len(word.groups)
        return counts

    def collect(self, value: str, positions: bool) -> dict | None:
        """Return an index-mode run's keys with their positions (or counts), in order of first
        appearance; None when the chain has no loop form."""
        plan = self._plan()
        if plan is None:
            return None
        return _run(
            self, plan, _splits(self.items[0], value), "index", positions, True, POSITIONS if positions else COUNTS
        )


def _compile(items) -> list | None:
    """Return the chain's filters as steps, or None when some part has no loop form."""
    if type(items[0]) is not WordTokenizer:
        return None
    steps = []
    for item in items[1:]:
        if type(item) is PerWord:
            steps.append((0, item))
        elif type(item) is StopFilter:
            steps.append((1, item))
        else:
            return None
    if sum(kind for kind, _ in steps) > 1:
        return None  # one stop filter at most: its renumbering is what _run replays
    return steps


class _Word:
    """What a chain makes of one word: its keys grouped by the stop filter's survivors, and all its keys."""

    __slots__ = ("groups", "keys", "proper")

    def __init__(self, groups, proper):
        self.groups, self.proper = groups, proper
        self.keys = tuple(key for group in groups for key in group)


_GROUPS, _KEYS, _PROPER = attrgetter("groups"), attrgetter("keys"), attrgetter("proper")
_flatten = _chain.from_iterable


def _word(plan, text: str, mode: str, proper: bool, positions: bool, removestops: bool) -> _Word:
    """Run the filters on one word, as the generators run them on the shared token."""
    t = Token(positions, False, removestops=removestops, mode=mode)
    t.text, t.boost, t.stopped, t.pos = text, 1.0, False, 0
    t.proper = proper
    groups: list[list[str]] = []
    current: list[str] = []
    stops = any(kind for kind, _ in plan)
    last = len(plan)

    def step(i):
        nonlocal current
        if i == last:
            current.append(t.text)
            return
        kind, item = plan[i]
        if kind == 0:
            # (The chain remembers the word's result: the filters' own memory is not filled twice.)
            outputs = item._memory.get((t.text, mode, getattr(t, "proper", False)))
            if outputs is None:
                outputs = item._run(t)
            for text, proper_ in outputs:
                t.text = text
                t.proper = proper_
                step(i + 1)
        else:
            text = t.text
            kept = len(text) >= item.min and (item.max is None or len(text) <= item.max) and text not in item.stops
            if kept or not removestops:  # a stop word is passed on, marked, when stop words stay
                t.stopped = not kept
                # A survivor of a renumbering stop filter takes the next position.
                current = []
                groups.append(current)
                step(i + 1)

    if not stops:
        groups.append(current)
    step(0)
    made = (tuple(tuple(g) for g in groups if g or stops), getattr(t, "proper", False))
    # Many words make the same (every form of a lemma, of a family): they share one _Word, and
    # its key strings, instead of each keeping its own (a build's memories hold a million words).
    word = _same.get(made)
    if word is None:
        word = _Word(*made)
        _same.keep(made, word)
    return word


# What words made, by what they made (see _word): bounded as every memory is.
_same = Memory()


# What a run collects: (key, position) pairs in order, each key's positions, or each key's count.
PAIRS, POSITIONS, COUNTS = 0, 1, 2


def _run(chain, plan, words, mode: str, positions: bool, removestops: bool, collect: int, remember: bool = True):
    """Return the chain's keys for the tokenizer's ``words`` (words and positions), collected as ``collect`` says.

    What each new word becomes is remembered, unless ``remember`` is false (a caller with a memory of its own).
    """
    texts, places = words
    made = _made(chain, plan, texts, mode, positions, removestops, remember)
    if collect == COUNTS:
        return Counter(_flatten(map(_KEYS, made)))
    if positions and any(kind and item.renumber for kind, item in plan):
        # A renumbering stop filter gives its survivors the positions that follow the first one's.
        groups = list(_flatten(map(_GROUPS, made)))
        if not groups:
            return [] if collect == PAIRS else {}
        first = places[next(i for i, word in enumerate(made) if word.groups)]
        keys = list(_flatten(map(_KEYS, made)))
        if len(keys) == len(groups) and all(groups):  # one key a position: the usual case
            pairs = zip(keys, count(first))
        else:
            pairs = ((key, at) for at, group in enumerate(groups, first) for key in group)
    else:
        pairs = ((key, pos) for word, pos in zip(made, places) for group in word.groups for key in group)
    if collect == PAIRS:
        return list(pairs)
    out: dict[str, list[int]] = {}
    for key, at in pairs:
        found = out.get(key)
        if found is None:
            out[key] = [at]
        else:
            found.append(at)
    return out


def _made(chain, plan, texts: list[str], mode: str, positions: bool, removestops: bool, remember: bool) -> list[_Word]:
    """Return what the chain makes of each of ``texts``, from its memory where it has them.

    A word comes with the mark (``proper``) its predecessor left on the shared token: it is looked
    up by the mark it carries in. Marks that reach the next word are rare, so all words are first
    looked up as unmarked, and only a text with a marking word is walked again (none is looked
    for until the chain has made one).
    """
    memories = chain.__dict__.setdefault("_words", {})
    by_mark = memories.get((mode, removestops))
    if by_mark is None:
        by_mark = memories[(mode, removestops)] = {False: Memory()}

    def make(text: str, proper) -> _Word:
        memory = by_mark.get(proper)
        if memory is None:
            memory = by_mark[proper] = Memory()
        word = memory.get(text)
        if word is None:
            word = _word(plan, text, mode, proper, positions, removestops)
            if word.proper:
                chain._marks = True
            if remember:
                # (One string for a word in every chain's memory, not one for each field's text.)
                memory.keep(sys.intern(text), word)
        return word

    made = list(map(by_mark[False].get, texts))
    if None in made:
        at = made.index(None)
        try:
            while True:  # (found by list.index: most words are remembered)
                made[at] = make(texts[at], False)
                at = made.index(None, at + 1)
        except ValueError:
            pass
    if chain.__dict__.get("_marks") and any(map(_PROPER, made)):
        proper = False
        for i, text in enumerate(texts):
            if proper:
                made[i] = make(text, proper)
            proper = made[i].proper
    return made


class _Replay:
    """Iterate (key, position) pairs as the shared token, as the generator chain gives it."""

    __slots__ = ("_pairs", "_t")

    def __init__(self, pairs, t):
        self._pairs, self._t = pairs, t

    def __iter__(self):
        t = self._t
        positions = t.positions
        for text, pos in self._pairs:
            t.text = text
            if positions:
                t.pos = pos
            yield t


# Whoosh's formats turn an analyser's tokens into postings: a word's positions (or count) and
# weight, counted from the tokens. These take the positions or counts from an IndexingChain's
# run directly (the same numbers; every token's boost is 1) and are Whoosh's own otherwise.
# ``word_columns`` gives what ``word_values`` gives as four lists, for a writer that takes a
# document's postings at once.


def _plain(value, analyzer, kwargs) -> bool:
    return (
        isinstance(value, str)
        and isinstance(analyzer, IndexingChain)
        and kwargs.get("mode") == "index"
        and set(kwargs) <= {"mode"}
    )


class _FromChain:
    """A format's postings taken from an IndexingChain's run: ``positions`` says which it collects."""

    positions: bool

    def _counted(self, found: dict) -> tuple[list[int], list[bytes]]:
        """Return each collected key's frequency and encoded value."""
        raise NotImplementedError

    def word_columns(self, value, analyzer) -> tuple[list, list, list, list] | None:
        """Return the (words, frequencies, weights, encoded values) of ``word_values`` as four lists,
        or None when ``analyzer`` cannot run in one loop."""
        found = analyzer.collect(value, self.positions) if _plain(value, analyzer, {"mode": "index"}) else None
        if found is None:
            return None
        freqs, values = self._counted(found)
        boost = self.field_boost
        return list(found), freqs, freqs if boost == 1.0 else [float(f) * boost for f in freqs], values

    def word_values(self, value, analyzer, **kwargs):
        columns = self.word_columns(value, analyzer) if _plain(value, analyzer, kwargs) else None
        if columns is None:
            return super().word_values(value, analyzer, **kwargs)
        return list(zip(*columns))


class IndexingPositions(_FromChain, CompactPositions):
    """Whoosh's Positions format writing compact gaps (:mod:`search.positions`), fed by an
    IndexingChain's positions when indexing."""

    positions = True

    def _counted(self, found):
        return list(map(len, found.values())), list(map(encode_positions, found.values()))


class IndexingFrequency(_FromChain, formats.Frequency):
    """Whoosh's Frequency format, fed by an IndexingChain's counts when indexing."""

    positions = False

    def _counted(self, found):
        freqs = list(found.values())
        return freqs, list(map(pack_uint, freqs))


class IndexingExistence(_FromChain, formats.Existence):
    """Whoosh's Existence format (which documents hold a word, no counts), fed by an IndexingChain's run."""

    positions = False

    def _counted(self, found):
        return [1] * len(found), [b""] * len(found)
