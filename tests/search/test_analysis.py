"""Each filter alone, and each level's chain."""

import pytest
from whoosh.analysis import Token

from search.analysis import analyze, analyze_positions, analyzer_for, kazakh, russian
from search.analysis.code import CodeFilter, code_key, letter_prefix
from search.analysis.english import EnglishSpellingFilter, PossessiveFilter, english_key, strip_possessive, us_spelling
from search.analysis.filters import HomoglyphFilter, MinLengthFilter, NormalizeFilter, YoFilter, repair_homoglyphs
from search.analysis.kazakh import KazakhFamilyFilter, KazakhStemFilter
from search.analysis.russian import RussianFamilyFilter, RussianLemmaFilter, family, lemma
from search.analysis.tokenizer import WordTokenizer, dehyphenate


def run(filter_, *words, mode="index"):
    def tokens():
        for i, w in enumerate(words):
            yield Token(text=w, pos=i, startchar=0, endchar=len(w), mode=mode)

    return [t.text for t in filter_(tokens())]


# -- tokenizer -----------------------------------------------------------------


def test_tokenizer_keeps_hyphenated_word_whole_and_in_parts():
    tokens = [(t.text, t.pos) for t in WordTokenizer()("врачи-гематологи", positions=True)]
    assert tokens == [("врачигематологи", 0), ("врачи", 0), ("гематологи", 1)]


def test_tokenizer_query_mode_gives_parts_only():
    assert [t.text for t in WordTokenizer()("Усть-Каменогорск", mode="query")] == ["Усть", "Каменогорск"]


def test_tokenizer_drops_kazakh_case_suffix_parts():
    assert [t.text for t in WordTokenizer()("ЖШС-нің және ЖШС-мен")] == ["ЖШС", "және", "ЖШС"]


def test_tokenizer_offsets_point_at_each_part():
    text = "онко-гематология"
    spans = [text[t.startchar : t.endchar] for t in WordTokenizer()(text, chars=True)]
    assert spans == ["онко-гематология", "онко", "гематология"]


def test_dehyphenate():
    assert dehyphenate("онко-гематология и COVID‑19") == "онкогематология и COVID19"


# -- language-neutral filters --------------------------------------------------------


def test_normalize_folds_case_and_composes():
    assert run(NormalizeFilter(), "ГЕМАТОЛОГИЯ", "Й") == ["гематология", "й"]  # "Й" decomposed


def test_yo_is_folded():
    assert run(YoFilter(), "учёт", "учет") == ["учет", "учет"]


def test_min_length_drops_initials_keeps_numbers():
    assert run(MinLengthFilter(2), "и", "а", "ок", "5") == ["ок", "5"]


@pytest.mark.parametrize(
    "mixed, repaired",
    [("Есiмбекова", "Есімбекова"), ("cчитать", "считать"), ("сenter", "center"), ("hematology", "hematology")],
)
def test_homoglyphs_are_repaired_to_the_main_script(mixed, repaired):
    assert repair_homoglyphs(mixed) == repaired
    assert run(HomoglyphFilter(), mixed) == [repaired]


# -- code level -----------------------------------------------------------------------


def test_code_filter_keeps_only_codes_when_indexing():
    assert run(CodeFilter(), "ХМЛ", "лечение", "B12", "2019", "Forum") == ["хмл", "b12", "2019"]


def test_code_filter_takes_every_query_word():
    assert run(CodeFilter(), "хмл", "лечение", mode="query") == ["хмл", "лечение"]


def test_code_keys_fold_cyrillic_lookalikes_in_short_codes():
    assert code_key("В12") == code_key("B12") == "b12"
    assert code_key("ВОЗ") == "воз"  # an abbreviation without digits stays Cyrillic


def test_code_letter_prefix():
    assert letter_prefix("abl1") == "abl" and letter_prefix("b12") is None and letter_prefix("2019") is None
    assert analyze(None, "BCR-ABL1", level="code") == ["bcrabl1", "bcrabl", "bcr", "abl1", "abl"]


# -- Russian --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form, key",
    [
        ("гематологии", "гематология"),
        ("крови", "кровь"),
        ("кровью", "кровь"),
        ("лечения", "лечение"),
        ("учёта", "учет"),
    ],
)
def test_russian_lemma(form, key):
    assert lemma(form) == key


def test_unknown_russian_words_share_a_stem():
    assert len({lemma(w) for w in ("варфарина", "варфарину", "варфарином", "варфарин")}) == 1


def test_russian_lemma_filter_gives_latin_words_their_english_key():
    assert run(RussianLemmaFilter(), "hematology", "гематологии") == ["hematolog", "гематология"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("гематология", "гематологической"),
        ("наука", "научных"),
        ("медицина", "медицинской"),
        ("кровь", "кровяные"),
        ("кость", "костного"),
        ("Казахстан", "казахстанских"),
        ("клиника", "клинический"),
        ("онкогематология", "онкогематологических"),
    ],
)
def test_russian_family_joins_noun_and_adjective(a, b):
    assert family(a.lower()) == family(b.lower())


@pytest.mark.parametrize(
    "a, b",
    [
        ("часть", "частный"),
        ("наличие", "наличный"),
        ("кровь", "кровать"),
        ("наука", "научиться"),
        ("пивоварова", "пивовар"),
        ("медицина", "медик"),
        ("гематология", "гемостаз"),
    ],
)
def test_russian_family_keeps_apart(a, b):
    assert family(a) != family(b)


def test_family_block_list_is_reviewed_data():
    assert "част" in russian.family_blocklist() and "налич" in russian.family_blocklist()


def test_russian_family_filter_drops_latin_words():
    assert run(RussianFamilyFilter(), "hematology", "научной") == ["наук"]


# -- Kazakh ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forms",
    [
        ["гематология", "гематологияны", "гематологиясы", "гематологияға"],
        ["пациент", "пациенттерге", "пациенттердің", "пациентке"],
        ["мектеп", "мектебі", "мектебінің", "мектепке"],
        ["орталық", "орталығы", "орталығының", "орталыққа"],
        ["дәрігер", "дәрігерлер", "дәрігерлеріне"],
        ["ем", "емі", "емге"],
        ["жас", "жасы", "жасында"],
        ["қан", "қанның", "қандағы"],
        ["ауру", "аурулары", "ауруларды"],
    ],
)
def test_kazakh_forms_share_a_stem(forms):
    assert len({kazakh.stem(f) for f in forms}) == 1, {f: kazakh.stem(f) for f in forms}


@pytest.mark.parametrize(
    "a, b",
    [
        ("орталық", "орта"),
        ("орталық", "ортада"),
        ("дәрігер", "дәрі"),
        ("ем", "емес"),
        ("жас", "жасуша"),
        ("қан", "қана"),
        ("қан", "қандай"),
        ("ауру", "аурухана"),
    ],
)
def test_kazakh_harmony_keeps_apart(a, b):
    assert kazakh.stem(a) != kazakh.stem(b)


def test_kazakh_family_strips_derivation_but_not_blocked_stems():
    assert kazakh.family("гематологиялық") == kazakh.family("гематологиясы")
    assert kazakh.family("орталық") != kazakh.family("орта")


def test_kazakh_filters():
    assert run(KazakhStemFilter(), "мектепке", "Forum".lower()) == ["мектеп", "forum"]
    # an ambiguous 3rd-person ending keeps both readings at one position
    assert run(KazakhStemFilter(), "мәжілісінде") == ["мәжілі", "мәжіліс"]
    assert run(KazakhFamilyFilter(), "гематологиялық", "forum") == ["гематолог"]


def test_kazakh_family_joins_russian_loans_to_their_derivatives():
    assert kazakh.family("нефрологиялық") == kazakh.family("нефрологтар") == kazakh.family("нефролог")


# -- English --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "british, american",
    [
        ("haematology", "hematology"),
        ("anaemia", "anemia"),
        ("leukaemia", "leukemia"),
        ("paediatric", "pediatric"),
        ("programme", "program"),
        ("centre", "center"),
        ("organisation", "organization"),
        ("colour", "color"),
    ],
)
def test_british_spellings_fold(british, american):
    assert us_spelling(british) == american


def test_spelling_filter_keeps_other_words():
    assert run(EnglishSpellingFilter(), "hematology", "paint", "aerial", "advise") == [
        "hematology",
        "paint",
        "aerial",
        "advise",
    ]


@pytest.mark.parametrize("a, b", [("study", "studies"), ("hematology", "haematologists"), ("leukaemia", "leukemias")])
def test_english_keys_join(a, b):
    assert english_key(us_spelling(a)) == english_key(us_spelling(b))


def test_english_keys_keep_apart():
    assert english_key("student") != english_key("study")
    assert english_key("leukocytes") != english_key("leukemia")


# English possessives (the archive's own: Patient’s, Center’s, hematologist’s, patients’, doctors’)


@pytest.mark.parametrize(
    "word, bare",
    [
        ("Patient’s", "Patient"),
        ("Patient's", "Patient"),
        ("hematologist’s", "hematologist"),
        ("WHO’s", "WHO"),
        ("CML's", "CML"),
        ("children's", "children"),
        ("Ospanova's", "Ospanova"),
        ("O'Brien", "O'Brien"),
        ("rock'n'roll", "rock'n'roll"),
        ("is", "is"),
        ("Оспанова's", "Оспанова's"),
    ],
)
def test_possessives_are_stripped_from_latin_words(word, bare):
    assert strip_possessive(word) == bare


def test_possessive_filter():
    assert run(PossessiveFilter(), "Center’s", "children's", "it") == ["Center", "children", "it"]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@pytest.mark.parametrize(
    "text, plain",
    [
        ("the Patient’s rights", "the Patient rights"),
        ("the Center's doctors", "the Center doctors"),
        ("patients’ families", "patients families"),
        ("doctors’ advice", "doctors advice"),
        ("children's hematologist’s", "children hematologist"),
    ],
)
def test_possessives_have_the_words_keys_at_index_and_query_time(lang, text, plain):
    assert analyze(lang, text) == analyze(lang, plain)
    assert analyze_positions(lang, text) == analyze_positions(lang, plain)


def test_possessive_abbreviations_have_the_abbreviations_code():
    assert analyze(None, "CML’s", level="code") == analyze(None, "CML", level="code") == ["cml"]
    assert analyze_positions(None, "WHO’s", level="code") == analyze_positions(None, "WHO", level="code")


# -- Kazakh morphology of loanwords (the archive's класс/кластар, конгреске/конгресіне, процесінде ...)


@pytest.mark.parametrize(
    "forms",
    [
        ["класс", "кластар", "класы"],
        ["конгресс", "конгреске", "конгресіне", "конгресі"],
        ["процесс", "процесінде", "процесі", "процесінің", "процесті", "процестерге", "процестерді"],
        ["прогресс", "прогресі"],
        ["грамм", "грамы"],
    ],
)
def test_kazakh_loans_get_back_their_doubled_consonant(forms):
    assert {kazakh.stems(f) for f in forms} == {(forms[0],)}
    assert len({kazakh.family(f) for f in forms}) == 1
    assert {k for f in forms for keys in analyze_positions("kk", f) for k in keys} == {forms[0]}


@pytest.mark.parametrize(
    "word, key",
    [
        ("программа", "программа"),
        ("программасы", "программа"),
        ("басы", "бас"),
        ("тасы", "тас"),
        ("протоколы", "протокол"),
    ],
)
def test_stems_that_are_words_get_no_doubled_consonant(word, key):
    assert kazakh.stem(word) == key
    assert kazakh.restored("бас") is None and kazakh.restored("программ") is None


@pytest.mark.parametrize(
    "noun, adjectives",
    [
        ("донор", ["донорлық", "донорлы", "доноры"]),
        ("вакцина", ["вакциналық", "вакциналар"]),
        ("гематология", ["гематологиялық", "гематологиясы"]),
        ("молекула", ["молекулалық", "молекулалы"]),
        ("доза", ["дозалы", "дозасы", "дозадағы"]),
        ("жасуша", ["жасушалық", "жасушаларының"]),
    ],
)
def test_kazakh_adjectives_of_loans_join_their_nouns_at_the_family_level(noun, adjectives):
    assert {kazakh.family(a) for a in adjectives} == {kazakh.family(noun)}
    assert {k for a in adjectives for k in analyze("kk", a, level="family")} == {kazakh.family(noun)}


def test_a_loan_noun_in_л_with_a_possessive_is_no_adjective():
    assert kazakh.family("протоколы") == kazakh.family("протокол") == "протокол"  # not «протоко» + -лы
    assert kazakh.family("ауылы") == "ауыл"


@pytest.mark.parametrize(
    "form, stem",
    [
        ("дәрігерлеріміздің", "дәрігер"),
        ("дәрігерлеріне", "дәрігер"),
        ("жасушаларының", "жасуша"),
        ("жасушаларынан", "жасуша"),
        ("конференцияларында", "конференция"),
        ("конференциясында", "конференция"),
    ],
)
def test_stacked_plural_possessive_and_case_endings_strip_at_once(form, stem):
    assert kazakh.stem(form) == stem
    assert analyze_positions("kk", form)[0][0] == stem


# -- chains ---------------------------------------------------------------------------


def test_russian_chain_drops_stop_words_and_initials():
    assert analyze("ru", "Пивоварова И. А. и гематология") == ["пивоваров", "гематология"]


def test_offsets_point_at_the_original_words():
    text = "Развитие гематологической помощи"
    # Whoosh reuses one Token object: read each while iterating.
    spans = [text[t.startchar : t.endchar] for t in analyzer_for("ru")(text, chars=True)]
    assert spans == ["Развитие", "гематологической", "помощи"]


def test_kazakh_chain():
    assert analyze("kk", "Гематология орталыққа және пациенттерге") == ["гематология", "орталық", "пациент"]


def test_russian_ambiguous_forms_keep_their_readings():
    assert analyze_positions("ru", "частного") == [["частное", "частный"]]
    assert analyze_positions("ru", "стали") == [["стать"]]  # сталь is too unlikely a reading


def test_query_positions_group_alternatives():
    assert analyze_positions(None, "BCR-ABL1", level="code") == [["bcr"], ["abl1"]]
    assert analyze_positions("ru", "костного мозга") == [["костный"], ["мозг"]]


def test_an_abbreviation_that_spells_a_stop_word_keeps_its_code_key():
    # WHO (the World Health Organization) and ALL (a leukaemia) are abbreviations, "who" and "all" stop words.
    assert analyze(None, "WHO 2022 classification of ALL", "index", "code") == ["=who", "2022", "=all"]
    assert analyze_positions(None, "WHO’s", "code") == [["=who"]]
    assert analyze_positions(None, "who", "code") == []  # typed in lower case: the stop word
