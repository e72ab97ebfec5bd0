"""Kazakh typed in Latin letters becomes candidate Cyrillic spellings, the right one near the top."""

import unicodedata

import pytest

from search.kazakh_latin import is_kazakh_latin, to_kazakh_cyrillic

# Informal ASCII: one Latin letter stands for several Kazakh ones; vowel harmony ranks.
INFORMAL = [
    ("Karagandy", "қарағанды"),
    ("Qaragandy", "қарағанды"),
    ("Shymkent", "шымкент"),
    ("oskemen", "өскемен"),
    ("qazaqstan", "қазақстан"),
    ("kazakstan", "қазақстан"),
    ("Almaty", "алматы"),
    ("Taldykorgan", "талдықорған"),
    ("Kyzylorda", "қызылорда"),
    ("Aktobe", "ақтөбе"),
    ("zhasushalar", "жасушалар"),
    ("densaulyk", "денсаулық"),
    ("bala", "бала"),
    ("auru", "ауру"),
    ("emdeu", "емдеу"),
    ("kan", "қан"),
    ("qan", "қан"),
    ("tapsyru", "тапсыру"),
    ("donor", "донор"),
    ("Zhezkazgan", "жезқазған"),
    ("Semey", "семей"),
    ("Oral", "орал"),
    ("Atyrau", "атырау"),
    ("Kokshetau", "көкшетау"),
    ("Pavlodar", "павлодар"),
    ("Ekibastuz", "екібастұз"),
    ("medisina", "медицина"),
    ("dárigerler", "дәрігерлер"),
    ("kitap", "кітап"),
    ("kun", "күн"),
    ("Turkistan", "түркістан"),
    ("Zhumys", "жұмыс"),
    ("Yesil", "есіл"),
]
# Kazakh endings typed in Latin.
INFLECTED = [
    ("Qaragandyda", "қарағандыда"),
    ("Almatyda", "алматыда"),
    ("Astanada", "астанада"),
    ("Shymkenttegi", "шымкенттегі"),
    ("oskemendegi", "өскемендегі"),
]
# The official alphabets: the word's marks settle its letters, so the spelling comes first.
OFFICIAL = [
    # 2018, acute accents: ú=ү, u=ұ, ý=у, y=ы, i=і, ı=и/й.
    ("Qaraǵandy", "қарағанды"),
    ("Óskemen", "өскемен"),
    ("Túrkistan", "түркістан"),
    ("Kókshetaý", "көкшетау"),
    ("Aqtóbe", "ақтөбе"),
    ("Baıqońyr", "байқоңыр"),
    ("Respýblıkasy", "республикасы"),
    ("Jezqazǵan", "жезқазған"),
    ("Atyraý", "атырау"),
    ("dárigerler", "дәрігерлер"),
    ("Ýnıversıtet", "университет"),
    ("jańa", "жаңа"),
    ("Suńqar", "сұңқар"),
    # 2021, umlauts: ü=ү, ū=ұ, u=у, y=ы, ı=і, ş=ш.
    ("Qarağandy", "қарағанды"),
    ("Öskemen", "өскемен"),
    ("Türkıstan", "түркістан"),
    ("Kökşetau", "көкшетау"),
    ("Aqtöbe", "ақтөбе"),
    ("Şymkent", "шымкент"),
    ("Ekıbastūz", "екібастұз"),
    ("Jezqazğan", "жезқазған"),
    # 2017, apostrophes: u'=ү, y'=ұ, s'=ш, i'=и/й.
    ("Qarag'andy", "қарағанды"),
    ("O'skemen", "өскемен"),
    ("S'ymkent", "шымкент"),
    ("Tu'rkistan", "түркістан"),
    ("Ekibasty'z", "екібастұз"),
    ("Ko'ks'etau", "көкшетау"),
    ("Respubli'kasy", "республикасы"),
    # Turkish-style typing: ı=ы, i=і.
    ("Türkistan", "түркістан"),
    ("Qarağandı", "қарағанды"),
]


@pytest.mark.parametrize(("typed", "expected"), INFORMAL + INFLECTED)
def test_informal_latin_finds_the_kazakh_word_among_the_first_two(typed, expected):
    assert expected in to_kazakh_cyrillic(typed)[:2]


@pytest.mark.parametrize(("typed", "expected"), OFFICIAL)
def test_official_alphabet_words_come_out_first(typed, expected):
    assert to_kazakh_cyrillic(typed)[0] == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Karagandy", "қарағанды"), ("oskemen", "өскемен"), ("kazakstan", "қазақстан"), ("Qaragandyda", "қарағандыда")],
)
def test_harmonic_words_come_out_first(typed, expected):
    assert to_kazakh_cyrillic(typed)[0] == expected


def test_both_readings_of_an_ambiguous_word_are_offered():
    assert {"қол", "көл"} <= set(to_kazakh_cyrillic("kol")[:3])  # hand, lake
    assert {"күн", "құн"} <= set(to_kazakh_cyrillic("kun")[:3])  # day, value


@pytest.mark.parametrize("word", [w for w, _ in INFORMAL + OFFICIAL] + ["hospital", "a", "y", "kagakagakagakagakaga"])
@pytest.mark.parametrize("limit", [1, 3, 8])
def test_candidates_are_unique_and_within_the_limit(word, limit):
    got = to_kazakh_cyrillic(word, limit)
    assert 1 <= len(got) <= limit
    assert len(set(got)) == len(got)


def test_the_default_gives_several_candidates_and_a_bigger_limit_more():
    assert len(to_kazakh_cyrillic("Karagandy")) == 8
    assert len(to_kazakh_cyrillic("Karagandy", 20)) == 20
    assert to_kazakh_cyrillic("Karagandy", 0) == ()


def test_candidates_are_lower_case_cyrillic():
    for word in ["QARAĞANDY", "Almaty", "Kókshetaý", "hospital"]:
        for candidate in to_kazakh_cyrillic(word):
            assert candidate == candidate.lower()
            assert all("\u0400" <= ch <= "\u04ff" for ch in candidate), candidate


@pytest.mark.parametrize(
    "word", ["Қарағанды", "алматы", "Almaty2020", "2020", "qazaq.", "qazaq qan", "", "-", "'", "Almatyа"]
)  # the last ends in a Cyrillic а
def test_words_that_are_not_latin_letters_give_nothing(word):
    assert to_kazakh_cyrillic(word) == ()
    assert not is_kazakh_latin(word)


def test_hyphens_are_kept_and_each_part_harmonizes_alone():
    got = to_kazakh_cyrillic("qazaq-oskemen")
    assert got[0] == "қазақ-өскемен"
    assert all(candidate.count("-") == 1 for candidate in got)
    assert to_kazakh_cyrillic("Almaty-")[0] == "алматы-"


def test_case_and_decomposed_accents_do_not_matter():
    assert to_kazakh_cyrillic("QARAǴANDY") == to_kazakh_cyrillic("qaraǵandy")
    assert to_kazakh_cyrillic(unicodedata.normalize("NFD", "Qaraǵandy")) == to_kazakh_cyrillic("Qaraǵandy")
    assert to_kazakh_cyrillic("Qarag’andy") == to_kazakh_cyrillic("Qarag'andy")  # typographic apostrophe


def test_a_capital_dotted_i_is_read_as_i():
    assert to_kazakh_cyrillic("İle")[0] == "іле"


def test_an_english_word_is_still_converted():
    assert to_kazakh_cyrillic("hospital")


def test_a_long_word_does_not_blow_up():
    word = "kagakagakagakagakaga"
    assert len(word) == 20
    got = to_kazakh_cyrillic(word, 8)
    assert 1 <= len(got) <= 8
    assert got[0] == "қағақағақағақағақаға"
    assert len(to_kazakh_cyrillic("ai" * 40, 8)) <= 8


def test_conversions_are_memoized():
    assert to_kazakh_cyrillic.cache_info().maxsize == 65536


@pytest.mark.parametrize(
    "word",
    [
        "Qaraǵandy",
        "Óskemen",
        "Kókshetaý",
        "Baıqońyr",
        "Qarağandy",
        "Şymkent",
        "ÖSKEMEN",
        "Ekıbastūz",
        "jańa",
        "Qarag'andy",
        "O'skemen",
        "Ko'ks'etau",
        "İle",
    ],
)
def test_words_with_kazakh_latin_letters_are_kazakh(word):
    assert is_kazakh_latin(word)


@pytest.mark.parametrize(
    "word",
    ["qazaqstan", "Qazaqstan", "Almaty", "Karagandy", "hospital", "don't", "it's", "Kazakhstan's", "we'll", "café"],
)
def test_plain_latin_and_english_words_are_not(word):
    assert not is_kazakh_latin(word)
