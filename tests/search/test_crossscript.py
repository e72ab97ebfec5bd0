"""The cross-script level's keys, and the cheap test of a word's letters that rules most words out."""

import search.marks as marks
from search.analysis.crossscript import START, cross_key, key_start
from search.analysis.tokenizer import PART
from search.highlight import word_keys
from search.service import SearchRequest
from tests.search.test_indexing_chain import TRICKY, _corpus_texts


def test_international_words_meet_across_scripts():
    assert cross_key("гематология")[2:] == cross_key("hematology")[2:]
    assert cross_key("трансплантации")[2:] == cross_key("transplantation")[2:]
    assert cross_key("кровь") is None  # too few consonants to tell


def test_a_words_letters_tell_how_its_key_starts_on_every_word_of_the_real_archive():
    words = {w for text in TRICKY + _corpus_texts(340) for w in PART.findall(text)}
    words |= {w.upper() for w in words} | {"cчитать", "Есiмбекова", "В12", "ХМЛ-ға", "Ёлкин"}
    keyed = told = 0
    for word in sorted(words):
        keys = word_keys(word, None, "cross")
        start = key_start(word)
        if not keys:
            continue
        keyed += 1
        if start is not None and len(start) == START:
            told += 1
            assert all(k[2 : 2 + START] == start for k in keys), (word, start, keys)
    assert told > 0.9 * keyed > 1000


def test_a_latin_word_is_marked_in_a_russian_page_without_analysing_its_other_words(tiny_index, monkeypatch):
    filler = " ".join(f"Сотрудники клиники обсуждали протоколы лечения номер {i}." for i in range(40))
    text = f"Отделение гематологии приняло новых пациентов. {filler} Гематологическая служба расширена."
    service = tiny_index([("02.news/r/item.ru.md", "ru", text)])
    analysed = []
    real = marks.word_keys

    def counting(word, lang, level):
        analysed.append(word)
        return real(word, lang, level)

    monkeypatch.setattr(marks, "word_keys", counting)
    page = service.search(SearchRequest(q="hematology", lang="ru"))
    assert page.total == 1 and "<mark>гематологии</mark>" in page.results[0].snippet
    assert analysed and all(w.lower().startswith(("гем", "гэм")) for w in analysed), analysed
