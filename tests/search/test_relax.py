"""Soft matching: pages lacking the least telling words of a query follow the pages holding all of them,
marked with what they lack; a page lacking every telling word never shows."""

import pytest

from search.relax import Word, is_generic, relax
from search.service import SearchRequest


@pytest.mark.parametrize("word", ["новости", "новостях", "информацию", "жаңалықтар", "ақпарат", "news", "information"])
def test_generic_words_are_known_in_any_form(word):
    assert is_generic(word)


@pytest.mark.parametrize("word", ["донорство", "Шымкент", "клиника", "vaccination", "қан", "центр"])
def test_words_that_name_a_subject_are_not_generic(word):
    assert not is_generic(word)


def test_a_generic_word_may_be_missing_but_a_telling_one_is_needed():
    words = [Word("новости", True, {1, 2}), Word("донорство", False, {2, 3, 4})]
    found = relax(words, searched=100)
    assert found.missing == {3: (0,), 4: (0,)}  # 2 holds both; 1 holds only the generic word
    assert found.words(words) == ["новости"]


def test_pages_must_hold_half_the_telling_words_and_lacking_fewer_ranks_first():
    words = [
        Word("a", False, {1, 2, 3}),
        Word("b", False, {1, 2}),
        Word("c", False, {1, 3, 4}),
        Word("news", True, {1, 2}),
    ]
    found = relax(words, searched=100)
    assert set(found.missing) == {2, 3}  # 4 holds one telling word of three
    assert found.missing[3] == (1, 3) and found.order[2] < found.order[3]  # 2 lacks c; 3 lacks b and news


def test_words_most_pages_hold_may_be_missing_like_generic_ones():
    common = set(range(50))
    words = [Word("гематология", False, common), Word("годовщина", False, {7, 60})]
    found = relax(words, searched=100)
    assert set(found.missing) == {60}  # only the rare word is required


def test_a_query_of_generic_words_only_is_never_relaxed():
    assert relax([Word("news", True, {1}), Word("information", True, {2})], searched=10).missing == {}


TINY = [
    ("02.news/both/item.ru.md", "ru", "Новости: день донора прошёл в Алматы."),
    ("02.news/donor/item.ru.md", "ru", "Донорство крови спасает жизни. Приходите сдавать кровь."),
    ("02.news/news/item.ru.md", "ru", "Новости отделения: новый график работы."),
    ("02.news/donor-kk/item.kk.md", "kk", "Донорлар күні өтті."),
] + [(f"02.news/f{i}/item.ru.md", "ru", f"Отделение {i} работает по графику.") for i in range(8)]


def test_pages_with_every_word_come_first_then_pages_lacking_a_generic_word(tiny_index):
    page = tiny_index(TINY).search(SearchRequest(q="новости донора", lang="ru"))
    assert [h.path.split("/")[1] for h in page.results] == ["both", "donor"]
    assert [h.missing for h in page.results] == [None, ["новости"]]
    assert page.relaxed == ["новости"] and page.total == 2  # the page with only «новости» is not shown


def test_a_query_whose_telling_word_matches_nothing_answers_nothing(tiny_index):
    page = tiny_index(TINY).search(SearchRequest(q="новости флибертиджиббет"))
    assert page.total == 0 and page.results == [] and page.relaxed is None


def test_enough_pages_with_every_word_means_no_relaxation(tiny_index):
    docs = [(f"02.news/d{i}/item.en.md", "en", f"Blood donor news from centre {i}.") for i in range(12)]
    docs += [("02.news/other/item.en.md", "en", "A blood donor came.")]
    page = tiny_index(docs).search(SearchRequest(q="donor news"))
    assert page.total == 12 and page.relaxed is None and all(h.missing is None for h in page.results)


def test_excluded_words_still_exclude_relaxed_pages(tiny_index):
    page = tiny_index(TINY).search(SearchRequest(q="новости донора -Алматы", lang="ru"))
    assert [h.path.split("/")[1] for h in page.results] == ["donor"]
