"""The visitor query syntax: words, "phrases", -exclusion, OR; nothing else is syntax."""

import pytest
from whoosh import query as wq

from search.errors import QueryError
from search.query import MAX_QUERY_CHARS, MAX_TERMS, Clause, parse, to_whoosh


def test_words_are_all_required():
    parsed = parse("костный мозг")
    assert parsed.groups == [[Clause("костный")], [Clause("мозг")]]
    assert isinstance(to_whoosh(parsed), wq.And)


def test_quoted_phrase_is_one_clause():
    parsed = parse('"Silk Road" forum')
    assert parsed.groups == [[Clause("Silk Road", phrase=True)], [Clause("forum")]]


def test_unclosed_quote_still_makes_a_phrase():
    assert parse('"Silk Road').groups == [[Clause("Silk Road", phrase=True)]]


def test_minus_excludes():
    parsed = parse("кровь -кровать")
    assert parsed.groups == [[Clause("кровь")]]
    assert parsed.excluded == [Clause("кровать")]
    assert isinstance(to_whoosh(parsed), wq.AndNot)


def test_or_joins_alternatives():
    parsed = parse("лейкоз OR лимфома миелома")
    assert parsed.groups == [[Clause("лейкоз"), Clause("лимфома")], [Clause("миелома")]]


def test_leading_or_is_ignored():
    assert parse("OR лейкоз").groups == [[Clause("лейкоз")]]


@pytest.mark.parametrize(
    "text", ["a*", "*", "*:*", "body:[a TO z]", "id:*", "published:false", "/re.*x/", "word~4", "((((a"]
)
def test_engine_syntax_is_plain_text(text):
    q = to_whoosh(parse(text))
    if q is None:
        return  # nothing but punctuation or stop words: nothing to search
    kinds = {type(x) for x in q.leaves()}
    assert kinds <= {wq.Term, wq.Phrase}, kinds
    fields = {x.fieldname for x in q.leaves()}
    assert all(f.startswith(("title_", "body_", "family_")) or f in ("code", "cross", "cross_title") for f in fields), (
        fields
    )


def test_too_long_query_is_refused():
    with pytest.raises(QueryError, match="too long"):
        parse("а" * (MAX_QUERY_CHARS + 1))


def test_too_many_terms_are_refused():
    with pytest.raises(QueryError, match="too many"):
        parse(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))


def walk(q):
    yield q
    for child in q.children():
        yield from walk(child)


def test_only_punctuation_leaves_nothing_to_search():
    assert to_whoosh(parse("!!! ... ---")) is None


def test_stop_words_of_any_language_are_not_searched():
    assert to_whoosh(parse("и в на")) is None
    q = to_whoosh(parse("minister of health"))
    assert not any(getattr(x, "text", None) == "of" for x in walk(q))


def test_hyphenated_word_is_searched_as_adjacent_parts_and_joined():
    q = to_whoosh(parse("Усть-Каменогорск"))
    phrases = [x for x in walk(q) if isinstance(x, wq.Phrase)]
    assert any(x.fieldname == "body_ru" and x.words == ["уст", "каменогорск"] for x in phrases)
    assert any(isinstance(x, wq.Term) and x.fieldname == "body_ru" and x.text == "устькаменогорск" for x in walk(q))


def test_synonyms_add_alternatives():
    from search.synonyms import default

    q = to_whoosh(parse("ХМЛ"), synonyms=default())
    assert any(isinstance(x, wq.Term) and x.text == "cml" for x in walk(q))
