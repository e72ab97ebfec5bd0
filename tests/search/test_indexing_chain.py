"""Indexing runs a chain without its generators: the tokens must be exactly the composed chain's."""

import pytest
from whoosh.analysis import Filter, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer

from indexer.frontmatter_yaml import split_page
from search.analysis.chains import _FACTORIES, analyzer_for
from search.analysis.filters import MinLengthFilter, NormalizeFilter, PerWord, ProperNameFilter
from search.analysis.indexing import IndexingChain
from search.analysis.tokenizer import WordTokenizer, split_words
from tests.conftest import CORPUS

TRICKY = [
    "врачи-гематологи BCR-ABL1 ЖШС-нің COVID-19-ға онко-гематология",
    "Қарағанды — медицина – 2019 ж. the patient's O'Brien rock'n'roll",
    "А. И. Иванов, т.е. и т.д.; B12, ХМЛ и В12 (кириллица) Есiмбекова cчитать",
    "--- - – — -x x- a-b-c-d ү-і ",
    "",
    "ёлка Ёж ЁЛКА ІІ ii 12-13 13–14 ½ ² x²",
    "Врачи из Семей и Орал приехали в Семей; Орал Семей ОРАЛ орал",  # listed place names: marked as proper
]


def _corpus_texts(limit: int = 120) -> list[str]:
    texts = []
    for path in sorted((CORPUS / "user" / "pages").rglob("*.md"))[:limit]:
        header, body = split_page(path.read_text(encoding="utf-8", errors="replace"))
        texts.append(f"{header.get('title', '')}\n{body}")
    assert len(texts) == limit, "the real archive is read from ../shared"
    return texts


def _tokens(analyzer, text, **options):
    return [(t.text, t.pos if options.get("positions") else None, t.boost) for t in analyzer(text, **options)]


@pytest.mark.parametrize("key", sorted(_FACTORIES, key=str))
def test_an_indexing_run_gives_the_composed_chains_tokens(key):
    composed = _FACTORIES[key]()
    assert type(composed) is CompositeAnalyzer
    fast = IndexingChain(*composed.items)
    assert fast._plan() is not None  # every chain of ours has the loop form
    for text in TRICKY + _corpus_texts():
        for options in (
            {"positions": True, "boosts": True},
            {"boosts": True},
            {"positions": True},
            {"removestops": False},
        ):
            assert _tokens(fast, text, mode="index", **options) == _tokens(composed, text, mode="index", **options)


@pytest.mark.parametrize("key", sorted(_FACTORIES, key=str))
def test_collected_positions_and_counts_are_the_composed_chains(key):
    composed = _FACTORIES[key]()
    fast = IndexingChain(*composed.items)
    for text in TRICKY + _corpus_texts():
        positions, counts = {}, {}
        for t in composed(text, mode="index", positions=True):
            positions.setdefault(t.text, []).append(t.pos)
        for t in composed(text, mode="index"):
            counts[t.text] = counts.get(t.text, 0) + 1
        assert fast.collect(text, True) == positions
        assert fast.collect(text, False) == counts


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "query", "positions": True},
        {"mode": "index", "chars": True, "positions": True},
        {"mode": "index", "removestops": False, "positions": True},
    ],
)
def test_other_runs_are_the_composed_chain(options):
    composed = _FACTORIES[("exact", "ru")]()
    fast = IndexingChain(*composed.items)
    for text in TRICKY:
        got = [(t.text, t.pos, getattr(t, "startchar", None), t.stopped) for t in fast(text, **options)]
        want = [(t.text, t.pos, getattr(t, "startchar", None), t.stopped) for t in composed(text, **options)]
        assert got == want


def test_the_analysers_in_use_are_indexing_chains():
    assert all(isinstance(analyzer_for(lang, level), IndexingChain) for level, lang in _FACTORIES)


def test_a_chain_with_another_kind_of_filter_runs_as_composed():
    chain = IndexingChain(WordTokenizer(), NormalizeFilter(), PerWord(MinLengthFilter(2)))
    assert chain._plan() is None
    assert [t.text for t in chain("Ab c Dd", mode="index")] == ["ab", "dd"]


class _MarkedUpper(Filter):
    """Upper-cases a word that arrives marked as a proper name (the mark a previous word left)."""

    def __call__(self, tokens):
        for t in tokens:
            if getattr(t, "proper", False):
                t.text = t.text.upper()
            yield t


def test_the_proper_name_mark_a_word_leaves_reaches_the_next_word_as_in_the_composed_chain():
    parts = (WordTokenizer(), PerWord(_MarkedUpper()), PerWord(ProperNameFilter(frozenset({"орал"}))))
    fast, composed = IndexingChain(*parts), CompositeAnalyzer(*parts)
    text = "из Орал приехали в Орал врачи орал"
    want = [t.text for t in composed(text, mode="index")]
    assert want == ["из", "Орал", "ПРИЕХАЛИ", "в", "Орал", "ВРАЧИ", "орал"]
    for _ in range(2):  # the second time from the chain's memory
        assert [t.text for t in fast(text, mode="index")] == want
        assert fast.collect(text, False) == {word: want.count(word) for word in want}


def test_a_stop_filter_that_renumbers_gives_the_next_positions():
    parts = (WordTokenizer(), PerWord(NormalizeFilter()), StopFilter(stoplist={"и", "the"}, minsize=1))
    fast, composed = IndexingChain(*parts), CompositeAnalyzer(*parts)
    text = "кошка и собака the end и"
    assert _tokens(fast, text, mode="index", positions=True) == _tokens(composed, text, mode="index", positions=True)
    assert [p for _, p, _ in _tokens(fast, text, mode="index", positions=True)] == [0, 1, 2]


@pytest.mark.parametrize("join", [True, False])
def test_split_words_is_what_the_tokenizer_yields(join):
    tokenizer = WordTokenizer(join)
    for text in TRICKY + _corpus_texts(60):
        words, positions = split_words(text, join)
        assert list(zip(words, positions, strict=True)) == [
            (t.text, t.pos) for t in tokenizer(text, positions=True, mode="index")
        ]


@pytest.mark.parametrize("lang, level", [("ru", "exact"), ("kk", "exact"), ("en", "exact"), (None, "code")])
def test_a_texts_layout_as_far_as_a_position_is_the_whole_layouts_start(lang, level):
    from search.analysis.chains import layout_chain

    chain = layout_chain(lang, level)
    for text in TRICKY + _corpus_texts(40):
        texts, owners = chain.layout(text)
        assert texts == chain.words(text)
        for upto in sorted({0, 1, 5, len(owners) // 3, len(owners) - 1, len(owners) + 7}):
            part_texts, part = chain.layout(text, upto)
            assert part_texts == texts
            assert part[: upto + 1] == owners[: upto + 1]
            assert len(part) > upto or part == owners  # as far as asked, or the whole text


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_plain_words_positions_are_told_as_the_chain_makes_them(lang):
    from search.analysis import plain
    from search.analysis.chains import STOP_WORDS, layout_chain
    from search.analysis.indexing import _word

    chain = layout_chain(lang)
    plan = chain._plan()
    count = plain.counter(plan)
    words = {w for text in TRICKY + _corpus_texts(340) for w in chain.words(text)}
    words |= {w.lower() for w in words} | set(STOP_WORDS) | {"ёлка", "ёж", "і", "ii", "a", "x", "қ", "ә"}
    told = 0
    for word in sorted(words):
        n = count(word)
        if n is None:
            continue
        told += 1
        for mark in (False, True, "Aa", "AA"):
            assert n == len(_word(plan, word, "index", mark, True, True).groups), (word, mark)
    assert told > 0.6 * len(words)  # most words are plain: the counter is what a layout runs on


def test_chains_with_other_filters_have_no_plain_counter():
    from search.analysis import plain
    from search.analysis.chains import analyzer_for, layout_chain

    assert plain.counter(layout_chain(None, "code")._plan()) is None
    assert plain.counter(analyzer_for("ru")._plan()) is None  # lemmas after the stop filter
