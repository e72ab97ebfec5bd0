"""Text fragments (#:~:text=) for a hit's best snippet sentence."""

from urllib.parse import unquote

from search.fragments import best_sentence, link, plain_text, text_fragment

PREFIX = "#:~:text="


def terms(fragment):
    """Return the decoded terms of a fragment's first text directive."""
    assert fragment.startswith(PREFIX)
    return [unquote(t) for t in fragment[len(PREFIX) :].split("&")[0].split(",")]


def directives(fragment):
    assert fragment.startswith("#:~:")
    return [unquote(d) for d in fragment[len("#:~:") :].split("&")]


def test_short_sentence_is_quoted_whole():
    assert text_fragment("an example text fragment") == "#:~:text=an%20example%20text%20fragment"


def test_directive_syntax_characters_are_encoded():
    # "-", "," and "&" are the directive's own delimiters; the spec's explicit characters stay as they are.
    assert text_fragment("Hello, world - a & b") == "#:~:text=Hello%2C%20world%20%2D%20a%20%26%20b"
    assert text_fragment("COVID-19 test") == "#:~:text=COVID%2D19%20test"
    assert text_fragment("50% of x#y") == "#:~:text=50%25%20of%20x%23y"
    assert text_fragment("a!$'()*+./:;=?@_~b") == "#:~:text=a!$'()*+./:;=?@_~b"


def test_every_character_but_the_specs_explicit_ones_is_percent_encoded_as_utf8():
    from search.fragments import _encode

    explicit = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!$'()*+./:;=?@_~")
    for c in map(chr, [*range(0, 0x800), *range(0xE000, 0x10000, 7), *range(0x10000, 0x110000, 997)]):
        expected = c if c in explicit else "".join(f"%{b:02X}" for b in c.encode("utf-8"))
        assert _encode(c) == expected, repr(c)


def test_cyrillic_is_utf8_and_round_trips():
    fragment = text_fragment("Центр гематологии, ҚР Денсаулық")
    assert fragment == (
        "#:~:text=%D0%A6%D0%B5%D0%BD%D1%82%D1%80%20%D0%B3%D0%B5%D0%BC%D0%B0%D1%82%D0%BE%D0%BB%D0%BE%D0%B3%D0%B8"
        "%D0%B8%2C%20%D2%9A%D0%A0%20%D0%94%D0%B5%D0%BD%D1%81%D0%B0%D1%83%D0%BB%D1%8B%D2%9B"
    )
    assert fragment.isascii()
    assert terms(fragment) == ["Центр гематологии, ҚР Денсаулық"]


def test_long_sentence_is_start_and_end():
    sentence = "В 2024 году центр гематологии провёл более пятисот трансплантаций костного мозга детям."
    fragment = text_fragment(sentence)
    assert terms(fragment) == ["В 2024 году центр", "трансплантаций костного мозга детям"]
    assert terms(text_fragment(sentence, max_words=4)) == ["В 2024", "мозга детям"]
    assert len(terms(text_fragment(sentence, max_words=20))) == 1


def test_a_comma_inside_a_term_is_not_a_separator():
    fragment = text_fragment("Один, два, три, четыре, пять, шесть, семь, восемь, девять, десять")
    assert fragment.count(",") == 1
    assert terms(fragment) == ["Один, два, три, четыре", "семь, восемь, девять, десять"]


def test_terms_start_and_end_on_words():
    assert terms(text_fragment("«Новый центр открыт»."))[0] == "Новый центр открыт"
    assert terms(text_fragment("— (ВОЗ) заявила: …"))[0] == "ВОЗ) заявила"


def test_marks_entities_and_whitespace_are_gone():
    fragment = text_fragment("  Центр   <mark>гематологии</mark>\n &quot;Алматы&quot; &amp; Co ")
    assert terms(fragment) == ['Центр гематологии "Алматы" & Co']


def test_leftover_markdown_is_dropped():
    text = "**Жирный** _курсив_ `код` [ссылка](https://x.kz/a) ![фото](a.png) snake_case 5 * 3 [1]"
    assert plain_text(text) == "Жирный курсив код ссылка snake_case 5 * 3 [1]"
    assert plain_text("текст](https://x.kz) и [хвост") == "текст и хвост"


def test_empty_input_gives_nothing():
    assert text_fragment("") == ""
    assert text_fragment(" … — ") == ""
    assert text_fragment("<mark></mark>") == ""


SNIPPET = (
    "… орталығы. Центр <mark>гематологии</mark> открыт в 2015 году. В 2024 г. врачи центра "
    "<mark>гематологии</mark> провели 500 <mark>трансплантаций</mark> костного мозга, что стало рекордом. "
    "Пациенты из всех регио …"
)


def test_best_sentence_has_the_most_marks():
    assert best_sentence(SNIPPET) == (
        "В 2024 г. врачи центра гематологии провели 500 трансплантаций костного мозга, что стало рекордом."
    )


def test_best_sentence_ties_go_to_the_first():
    snippet = "Первое про <mark>кровь</mark>. Второе про <mark>кровь</mark>."
    assert best_sentence(snippet) == "Первое про кровь."


def test_words_cut_by_an_ellipsis_are_dropped():
    assert best_sentence("… ологии и <mark>крови</mark> центр вра …") == "и крови центр"
    # a marked word at the cut is whole (the highlighter marks whole words)
    assert best_sentence("… <mark>крови</mark> центр") == "крови центр"
    # the separator between two passages cuts too
    assert best_sentence("Один <mark>два</mark> три … четыре пять") == "Один два"


def test_unmarked_snippet_gives_nothing():
    assert best_sentence("Краткое описание новости.") == ""
    assert best_sentence("") == ""


def test_escaped_text_is_unescaped():
    snippet = "Центр &quot;<mark>Гематологии</mark>&quot; &amp; &lt;b&gt;"
    assert best_sentence(snippet) == 'Центр "Гематологии" & <b>'


def test_long_sentence_narrows_to_the_clause():
    filler = " ".join(["слово"] * 30)
    snippet = f"{filler}; здесь <mark>кровь</mark> и <mark>плазма</mark>: {filler}."
    assert best_sentence(snippet) == "здесь кровь и плазма:"


def test_abbreviations_do_not_end_sentences():
    assert best_sentence("В 2024 г. в центре <mark>крови</mark> было тихо.") == "В 2024 г. в центре крови было тихо."


def test_a_heading_run_into_the_paragraph_is_left_out():
    # the indexer's text joins "## Итоги года" and the next paragraph; a term must not span the two blocks
    snippet = "… года: ЛКБэ жұмысы В 2024 году врачи провели <mark>трансплантации</mark> костного мозга. Абзац …"
    assert best_sentence(snippet) == "В 2024 году врачи провели трансплантации костного мозга."
    assert best_sentence("Итоги <mark>года</mark> Врачи провели много") == "Итоги года"
    assert best_sentence("Врачи Центра <mark>Гематологии</mark> и ВОЗ") == "Гематологии и"


def test_link_appends_the_fragment_and_the_marked_word():
    url = "https://hemcenter.kz/ru/news/2024-01-01-record"
    out = link(url, SNIPPET)
    assert out.startswith(url + "#:~:text=")
    assert directives(out[len(url) :]) == [
        "text=В 2024 г. врачи,мозга, что стало рекордом",
        "text=гематологии",
    ]


def test_link_keeps_an_anchor_and_replaces_an_old_directive():
    out = link("https://x.kz/ru/page#итоги", "про <mark>кровь</mark>")
    assert out == (
        "https://x.kz/ru/page#итоги:~:text=%D0%BF%D1%80%D0%BE%20%D0%BA%D1%80%D0%BE%D0%B2%D1%8C"
        "&text=%D0%BA%D1%80%D0%BE%D0%B2%D1%8C"
    )
    assert link("https://x.kz/p#a:~:text=old", "<mark>new</mark>") == "https://x.kz/p#a:~:text=new"


def test_link_keeps_literal_markup_the_page_shows():
    out = link("https://x.kz/p", "Тег &lt;b&gt; и &amp;amp; <mark>кровь</mark>")
    assert directives(out[len("https://x.kz/p") :]) == ["text=Тег <b> и &amp; кровь", "text=кровь"]


def test_link_without_marks_is_the_url():
    assert link("https://x.kz/p#a", "Описание.") == "https://x.kz/p#a"
