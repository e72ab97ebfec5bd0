"""Each filter alone, and each language's chain."""

import pytest
from whoosh.analysis import Token

from search.analysis import analyze
from search.analysis.english import EnglishSpellingFilter, us_spelling
from search.analysis.filters import MinLengthFilter, NormalizeFilter, YoFilter
from search.analysis.russian import RussianLemmaFilter, lemma


def run(filter_, *words):
    def tokens():
        for i, w in enumerate(words):
            yield Token(text=w, pos=i, startchar=0, endchar=len(w))

    return [t.text for t in filter_(tokens())]


def test_normalize_folds_case_and_composes():
    assert run(NormalizeFilter(), "ГЕМАТОЛОГИЯ", "Й") == ["гематология", "й"]  # "Й" decomposed


def test_yo_is_folded():
    assert run(YoFilter(), "учёт", "учет") == ["учет", "учет"]


def test_min_length_drops_initials_keeps_numbers():
    assert run(MinLengthFilter(2), "и", "а", "ок", "5") == ["ок", "5"]


@pytest.mark.parametrize(
    "form, key",
    [("гематологии", "гематология"), ("крови", "кровь"), ("кровью", "кровь"), ("лечения", "лечение")],
)
def test_russian_lemma(form, key):
    assert lemma(form) == key


def test_unknown_russian_words_share_a_stem():
    assert len({lemma(w) for w in ("варфарина", "варфарину", "варфарином", "варфарин")}) == 1


def test_russian_lemma_filter_leaves_latin_alone():
    assert run(RussianLemmaFilter(), "hematology", "b12") == ["hematology", "b12"]


@pytest.mark.parametrize(
    "british, american",
    [("haematology", "hematology"), ("anaemia", "anemia"), ("leukaemia", "leukemia"), ("paediatric", "pediatric"),
     ("programme", "program"), ("centre", "center"), ("organisation", "organization"), ("colour", "color")],
)
def test_british_spellings_fold(british, american):
    assert us_spelling(british) == american


def test_spelling_filter_keeps_other_words():
    assert run(EnglishSpellingFilter(), "hematology", "paint", "aerial") == ["hematology", "paint", "aerial"]


def test_english_chain_joins_inflections():
    assert analyze("en", "studies")[0] == analyze("en", "study")[0]
    assert analyze("en", "Haematological")[0] == analyze("en", "hematology")[0][: len(analyze("en", "Haematological")[0])]


def test_russian_chain_drops_stop_words_and_initials():
    assert analyze("ru", "Пивоварова И. А. и гематология") == ["пивоваров", "гематология"]


def test_offsets_point_at_the_original_words():
    text = "Развитие гематологической помощи"
    from search.analysis import analyzer_for

    # Whoosh reuses one Token object: read each while iterating.
    spans = [text[t.startchar : t.endchar] for t in analyzer_for("ru")(text, chars=True)]
    assert spans == ["Развитие", "гематологической", "помощи"]


def test_kazakh_chain_folds_case_and_drops_stop_words():
    assert analyze("kk", "Гематология орталығы және пациенттер") == ["гематология", "орталығы", "пациенттер"]
