"""Person names in every case, gender and language: one name key (search.analysis.names).

The names are the archive's own (../shared/corpus/hemcenter-kz): Пивоварова, Пивоваровой and
Пивоварованың; Горбачева, Горбачевой, Горбачеваның; Клодзинский, Клодзинским, Клодзинскиймен;
Владимирович, Владимировича, Владимировичке, Владимировичтің; Кемайкин, Кемайкиным, Кемайкиннің.
"""

import pytest
from whoosh.analysis import Token

from search.analysis import analyze, analyze_positions
from search.analysis.filters import CAPITAL, UPPER, ProperNameFilter
from search.analysis.names import DistinctFilter, PersonNameFilter, name_reading, pattern_key
from search.service import SearchRequest

# Forms of one name as the archive writes them in Russian and Kazakh text (and the examples).
NAMES = {
    "пивоваров": ["Пивоварова", "Пивоваровой", "Пивоварованың"],
    "горбачев": ["Горбачева", "Горбачевой", "Горбачеваның"],
    "афанасев": ["Афанасьев", "Афанасьева", "Афанасьевтің"],
    "клодзинский": ["Клодзинский", "Клодзинским", "Клодзинскиймен"],
    "кемайкин": ["Кемайкин", "Кемайкина", "Кемайкиным", "Кемайкиннің"],
    "ахмедяров": ["Ахмедьярова", "Ахмедьяровой", "Ахмедьярованың"],
    "искаков": ["Искакова", "Искаковой", "Искақова"],
    "есимбеков": ["Есімбекова", "Есимбекова", "Есiмбекова"],
    "владимирович": [
        "Владимирович",
        "Владимировича",
        "Владимировичем",
        "Владимировичу",
        "Владимировичке",
        "Владимировичпен",
        "Владимировичтің",
        "Владимировна",
    ],
    "василевич": ["Васильевна", "Васильевну", "Васильевнаны"],
    "оспанов": ["Оспанов", "Оспанова", "Оспановой", "Оспановаға", "Оспановтың"],
    "омаров": ["Омаров", "Омаровым", "Омаровтың"],
    "петров": ["Петров", "Петрову", "Петровпен"],
    "ержанович": ["Ержанович", "Ержановича", "Ержановичке"],
    "ахметов": ["Ахметова", "Ахметовадан"],
}


def _keys(lang, word, level="exact", mode="index"):
    if mode == "query":
        return {k for keys in analyze_positions(lang, word, level) for k in keys}
    return set(analyze(lang, word, level=level))


# -- the key of one form ---------------------------------------------------------


@pytest.mark.parametrize(
    "form, key",
    [
        ("пивоваровой", "пивоваров"),
        ("горбачевой", "горбачев"),
        ("клодзинским", "клодзинский"),
        ("владимировича", "владимирович"),
        ("васильевну", "василевич"),
        ("кемайкиным", "кемайкин"),
        ("жүсіпова", "жусипов"),
        ("альназарова", "алназаров"),
        ("ержановна", "ержанович"),
    ],
)
def test_surname_and_patronymic_patterns_give_the_masculine_base(form, key):
    assert pattern_key(form) == key


@pytest.mark.parametrize("word", ["ова", "ивин", "емін", "қанын", "гематология", "каменогорске"])
def test_words_without_a_name_pattern_have_no_pattern_key(word):
    assert pattern_key(word) is None  # too short, a Kazakh ending (-ін, -ын), or no pattern at all


@pytest.mark.parametrize(
    "form, key",
    [
        ("пивоварованың", "пивоваров"),
        ("горбачеваның", "горбачев"),
        ("афанасьевтің", "афанасев"),
        ("клодзинскиймен", "клодзинский"),
        ("владимировичтің", "владимирович"),
        ("кемайкиннің", "кемайкин"),
        ("васильевнаны", "василевич"),
        ("омаровтың", "омаров"),
        ("оспановаға", "оспанов"),
        ("петровпен", "петров"),
        ("ержановичке", "ержанович"),
        ("ахметовадан", "ахметов"),
    ],
)
def test_names_are_read_under_kazakh_endings(form, key):
    assert name_reading(form)[0] == key


@pytest.mark.parametrize(
    "word", ["методов", "медицина", "аспирин", "машины", "анализов", "медицинская", "тенге", "алматыда"]
)
def test_common_words_are_not_names(word):
    assert name_reading(word) is None


def test_the_dictionary_vouches_for_surnames_it_reads_mostly_as_names():
    assert name_reading("омаров") == ("омаров", True)  # the plural of the first name Омар, or lobsters'
    assert name_reading("петрова") == ("петров", True)
    assert name_reading("клодзинским") == ("клодзинский", False)  # unknown, and not predicted to be a name
    assert name_reading("котов") == ("котов", False)  # mostly cats'


# -- the filters alone ---------------------------------------------------------------


def _marked(*words, mode="index"):
    for i, (text, mark) in enumerate(words):
        t = Token(text=text, pos=i, mode=mode)
        t.proper = mark
        yield t


def test_proper_name_filter_marks_how_words_are_written():
    tokens = [Token(text=w, pos=i) for i, w in enumerate(["Омаров", "омаров", "ОМАРОВ", "Семей"])]
    marks = [t.proper for t in ProperNameFilter(frozenset({"семей"}), capitals=True)(iter(tokens))]
    assert marks == [CAPITAL, False, UPPER, True]
    tokens = [Token(text=w, pos=i) for i, w in enumerate(["Омаров", "Семей"])]
    assert [t.proper for t in ProperNameFilter(frozenset({"семей"}))(iter(tokens))] == [False, True]


@pytest.mark.parametrize(
    "word, mark, mode, out",
    [
        ("омаров", CAPITAL, "index", [("омаров", True)]),  # vouched: the name alone
        ("омаров", False, "index", [("омаров", False)]),  # lower case when indexing: the common word alone
        ("омаров", False, "query", [("омаров", False), ("омаров", True)]),  # a query word: both readings
        ("оспановой", CAPITAL, "index", [("оспановой", False), ("оспанов", True)]),  # unknown: both
        ("оспановой", UPPER, "index", [("оспановой", False), ("оспанов", True)]),
        ("медицина", CAPITAL, "index", [("медицина", False)]),
        ("семей", True, "index", [("семей", True)]),  # a listed place stays as it is
    ],
)
def test_person_name_filter_reads_names_by_how_they_are_written(word, mark, mode, out):
    assert [(t.text, t.proper) for t in PersonNameFilter()(_marked((word, mark), mode=mode))] == out


def test_distinct_filter_drops_repeated_readings():
    assert [t.text for t in DistinctFilter()(_marked(("петров", False), ("петров", True), ("петр", False)))] == [
        "петров",
        "петр",
    ]


# -- the chains: every form of a name, one key in both languages ------------------------


@pytest.mark.parametrize("key", sorted(NAMES))
@pytest.mark.parametrize("level", ["exact", "family"])
def test_every_form_of_a_name_has_its_key_in_russian_and_kazakh(key, level):
    for form in NAMES[key]:
        for lang in ("ru", "kk"):
            for mode in ("index", "query"):
                assert key in _keys(lang, form, level, mode), (form, lang, mode, _keys(lang, form, level, mode))


def test_a_capitalised_name_is_a_name_and_a_lower_case_word_the_common_word():
    assert analyze("ru", "Омаров") == ["омаров"]  # not «омар», the lobster
    assert analyze("ru", "омаров") == ["омар"]  # in a menu
    assert analyze_positions("ru", "омаров") == [["омар", "омаров"]]  # typed by a visitor: either
    assert analyze("ru", "Петрову") == analyze("ru", "Петров") == ["петров"]


def test_names_do_not_merge_ordinary_words():
    assert not _keys("ru", "Сорокин") & _keys("ru", "сорока")
    assert analyze("ru", "Иванов") == ["иванов"]
    assert analyze("ru", "Методов") == ["метод"] and analyze("ru", "Медицина") == ["медицина"]
    assert analyze("kk", "Медицина") == ["медицина"]


def test_a_first_name_adds_its_key_and_keeps_the_kazakh_word():
    assert analyze("kk", "Адам") == ["ада", "адам"]  # Adam, or «адам» (a person)
    assert "марат" in _keys("kk", "Марата")


# -- the index: a name in one language's cases finds it in the other's pages -------------


def test_a_russian_case_finds_kazakh_and_russian_pages(tiny_index):
    service = tiny_index(
        [
            ("ru1/item.ru.md", "ru", "Председатель Правления Пивоварова И. А. выступила"),
            ("kk1/item.kk.md", "kk", "Басқарма төрағасы Пивоварованың баяндамасы"),
            ("kk2/item.kk.md", "kk", "Басқарма төрағасы Пивоварова И. А."),
            ("ru2/item.ru.md", "ru", "Пивоварня открылась в городе"),
        ]
    )
    for query in ("Пивоваровой", "пивоваровой", "Пивоварованың", "Пивоварову"):
        found = {hit.path for hit in service.search(SearchRequest(q=query)).results}
        assert found == {"ru1/item.ru.md", "kk1/item.kk.md", "kk2/item.kk.md"}, query


def test_a_kazakh_case_finds_the_russian_page_and_a_lobster_stays_a_lobster(tiny_index):
    service = tiny_index(
        [
            ("ru1/item.ru.md", "ru", "Доклад с Омаровым обсудили врачи"),
            ("ru2/item.ru.md", "ru", "В меню было много омаров"),
            ("kk1/item.kk.md", "kk", "Клодзинскиймен кездесу өтті"),
            ("ru3/item.ru.md", "ru", "Медицинский директор Клодзинский А. А."),
        ]
    )

    def found(query):
        return {hit.path for hit in service.search(SearchRequest(q=query)).results}

    assert found("Омаровтың") == {"ru1/item.ru.md"}
    assert found("омар") == {"ru2/item.ru.md"}
    assert found("Клодзинского") == {"kk1/item.kk.md", "ru3/item.ru.md"}
    assert found("Владимировичке") == set()
