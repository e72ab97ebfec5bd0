"""What was meant: a wrong keyboard layout or a typo is corrected and said; a real word never is."""

import pytest


def api(client, **params):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


@pytest.mark.parametrize(
    "typed, meant",
    [("utvfnjkjubz", "гематология"), ("irjkf utvjcnfpf", "школа гемостаза"), ("cbvgjpbev", "симпозиум")],
)
def test_query_on_the_latin_layout_is_converted(client, typed, meant):
    data = api(client, q=typed, lang="ru")
    assert data["corrected"] == meant
    assert data["query"] == typed and data["total"] > 0


def test_english_typed_on_the_russian_layout_is_converted(client):
    data = api(client, q="ащкгь", lang="en")  # "forum"
    assert data["corrected"] == "forum" and data["total"] > 0


def test_correction_can_be_refused(client):
    data = api(client, q="utvfnjkjubz", lang="ru", correct="0")
    assert data["corrected"] is None and data["total"] == 0


@pytest.mark.parametrize(
    "typo, meant", [("гематалогия", "гематология"), ("hemotology", "hematology"), ("трансплантацыя", "трансплантация")]
)
def test_a_typo_is_corrected_to_an_indexed_word(client, typo, meant):
    data = api(client, q=typo)
    assert data["corrected"] == meant and data["total"] > 0


@pytest.mark.parametrize("word", ["гематология", "Hematology", "орталығы", "forum", "ХМЛ", "B12", "Костанай"])
def test_a_word_that_exists_is_never_corrected(client, word):
    assert api(client, q=word)["corrected"] is None


@pytest.mark.parametrize("nonsense", ["фывапролдж", "qwxzvbnmk", "ккккккк", "zzqqxxj"])
def test_nonsense_finds_nothing(client, nonsense):
    data = api(client, q=nonsense)
    assert data["total"] == 0 and data["results"] == []


def test_transliterated_name_finds_the_page(client):
    data = api(client, q="Pivovarova", lang="ru")
    assert data["total"] > 0 and data["corrected"] is None
    assert any("Пивоваров" in h["snippet"] for h in data["results"])


def test_page_says_what_was_searched_and_offers_the_original(client):
    html = client.get("/search?q=utvfnjkjubz&lang=ru").get_data(as_text=True)
    assert "Показаны результаты по запросу «гематология»" in html
    assert "correct=0" in html and "Искать «utvfnjkjubz»" in html
    html = client.get("/search?q=utvfnjkjubz&lang=en").get_data(as_text=True)
    assert "Showing results for “гематология”" in html


def test_interface_language_boosts_but_never_filters(client):
    plain = api(client, q="Silk Road")
    preferred = api(client, q="Silk Road", prefer_lang="en")
    assert preferred["total"] == plain["total"]
    assert {f["value"] for f in preferred["facets"]["lang"]} == {"kk", "ru", "en"}
    assert preferred["results"][0]["lang"] == "en"
    assert api(client, q="Silk Road", prefer_lang="kk")["results"][0]["lang"] == "kk"


def test_pages_lacking_a_generic_word_follow_and_say_so(client):
    data = api(client, q="информация донорство", lang="ru")
    assert data["total"] > 0 and data["relaxed"] == ["информация"]
    assert [h["missing"] for h in data["results"]][-1] == ["информация"]
    html = client.get("/search?q=информация+донорство&lang=ru").get_data(as_text=True)
    assert "Показаны страницы без слова «информация»" in html and "Нет слова:" in html
    html = client.get("/search?q=information+vaccination&lang=en").get_data(as_text=True)
    assert "Also showing pages without “information”" in html and "Missing:" in html


def test_a_query_whose_telling_words_match_nothing_still_answers_nothing(client):
    data = api(client, q="новости флибертиджиббет", lang="ru")
    assert data["total"] == 0 and data["relaxed"] is None


@pytest.mark.parametrize("typed", ["Almatyda fılıaly", "Almatyda filialy", "Almatyda fi'li'aly"])
def test_kazakh_typed_in_latin_letters_is_searched_in_cyrillic_and_said(client, typed):
    data = api(client, q=typed, lang="kk")
    assert data["corrected"] == "алматыда филиалы"
    assert any("филиал" in h["title"].lower() for h in data["results"])


@pytest.mark.parametrize("word", ["vaccination", "Almaty", "donor"])
def test_a_latin_word_the_archive_has_is_never_read_as_kazakh(client, word):
    assert api(client, q=word)["corrected"] is None
