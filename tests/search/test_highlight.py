"""Snippets: matched words in <mark> at every level, every other character escaped."""

from search.highlight import marked_title, plain_excerpt, query_terms, snippet
from search.query import parse, to_whoosh
from search.synonyms import default


def terms(q):
    return query_terms(to_whoosh(parse(q), default()))


def test_matched_forms_are_marked_through_the_family_level():
    out = snippet("Развитие гематологической помощи и гематологии", "ru", terms("гематология"))
    assert "<mark>гематологической</mark>" in out and "<mark>гематологии</mark>" in out
    assert "<mark>помощи</mark>" not in out


def test_code_level_marks_lookalike_codes():
    assert "<mark>В12</mark>" in snippet("Дефицит витамина В12 у детей", "ru", terms("B12"))


def test_kazakh_forms_are_marked():
    out = snippet("Орталығымыздың дәрігерлері пациенттерге көмектеседі", "kk", terms("пациент"))
    assert "<mark>пациенттерге</mark>" in out


def test_hyphenated_part_is_marked():
    assert "<mark>гематологи</mark>" in snippet("Врачи-гематологи центра", "ru", terms("гематолог"))


def test_everything_else_is_escaped():
    text = 'крови <script>alert(1)</script> " onmouseover="x" & <img src=x onerror=alert(1)>'
    out = snippet(text, "ru", terms("кровь"))
    assert "<mark>крови</mark>" in out
    assert out.count("<") == out.count("<mark>") + out.count("</mark>")
    assert "&lt;script&gt;" in out and "&quot;" in out and "&amp;" in out


def test_no_match_falls_back_to_the_start():
    assert snippet("Первый абзац текста.", "ru", terms("кровь"), fallback="Краткое описание") == "Краткое описание"


def test_title_marks_and_escapes():
    assert marked_title('Центр "гематологии" <b>', "ru", terms("гематология")) == (
        "Центр &quot;<mark>гематологии</mark>&quot; &lt;b&gt;"
    )
    assert (
        marked_title('A "quoted" <b>title</b>', "en", terms("кровь")) == "A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt;"
    )


def test_plain_excerpt_cuts_at_a_word():
    out = plain_excerpt("слово " * 100, maxchars=50)
    assert out.endswith("…") and len(out) <= 52
