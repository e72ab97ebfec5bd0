"""Editors' rules as data: what a rules file may say, which queries trigger a rule, when it is in force."""

from datetime import datetime

import pytest

from search.rules import RulesError, parse, query_words
from tests.conftest import ALMATY


def one(text: str):
    return parse(text, ALMATY)[0]


def test_a_rule_is_triggered_by_any_form_of_its_words_in_any_order():
    rule = one('[[rule]]\nquery = "донор крови"\npin = ["/news/a"]')
    for query in ("донор крови", "доноров кровь", "Крови донора", "донору крови"):
        assert rule.matches(query_words(query)), query
    for query in ("донор", "кровь", "донор крови сдать", "кардиология"):
        assert not rule.matches(query_words(query)), query


def test_contains_rules_fire_on_longer_queries_too():
    rule = one('[[rule]]\nquery = "донор"\nmatch = "contains"\nhide = ["/about"]')
    assert rule.matches(query_words("где стать донором крови"))
    assert not rule.matches(query_words("кровь"))


def test_kazakh_and_english_forms_trigger_too():
    assert one('[[rule]]\nquery = "донор"\npin = ["/a"]').matches(query_words("донорлар"))
    assert one('[[rule]]\nquery = "blood donor"\npin = ["/a"]').matches(query_words("blood donors"))


def test_dates_are_the_sites_timezone_and_until_a_date_includes_that_day():
    rule = one('[[rule]]\nquery = "рентген снимок"\npin = ["/a"]\nfrom = 2026-12-01\nuntil = 2026-12-31')
    assert not rule.active(datetime(2026, 11, 30, 23, 59, tzinfo=ALMATY).timestamp())
    assert rule.active(datetime(2026, 12, 1, 0, 0, tzinfo=ALMATY).timestamp())
    assert rule.active(datetime(2026, 12, 31, 23, 59, tzinfo=ALMATY).timestamp())
    assert not rule.active(datetime(2027, 1, 1, 0, 0, tzinfo=ALMATY).timestamp())


def test_until_a_date_and_time_ends_at_that_minute():
    rule = one('[[rule]]\nquery = "рентген"\npin = ["/a"]\nuntil = 2026-12-06T15:30:00')
    assert rule.active(datetime(2026, 12, 6, 15, 29, tzinfo=ALMATY).timestamp())
    assert not rule.active(datetime(2026, 12, 6, 15, 30, tzinfo=ALMATY).timestamp())


def test_pins_take_positions_in_order_or_as_given():
    rule = one('[[rule]]\nquery = "рентген"\npin = ["/a", "/b", { page = "/c", position = 7 }]')
    assert [(p.page, p.position) for p in rule.pins] == [("/a", 1), ("/b", 2), ("/c", 7)]


def test_pages_are_resolved_by_the_callers_resolver_and_unknown_ones_are_kept_as_not_found():
    rule = parse('[[rule]]\nquery = "рентген"\npin = ["/a", "/nope"]', ALMATY, {"/a": "01.a"}.get)[0]
    assert [p.folder for p in rule.pins] == ["01.a", None]
    assert rule.to_dict(ALMATY)["pin"][1] == {"page": "/nope", "position": 2, "found": False}


@pytest.mark.parametrize(
    "text, says",
    [
        ("[[rule]\nquery = 1", "not valid TOML"),
        ('[[rule]]\nquery = ""\npin = ["/a"]', "rule 1: query"),
        ('[[rule]]\nquery = "и"\npin = ["/a"]', "no word"),
        ('[[rule]]\nquery = "рентген"', "give pages to pin or to hide"),
        ('[[rule]]\nquery = "рентген"\npin = ["/a"]\nmatch = "fuzzy"', "match must be"),
        ('[[rule]]\nquery = "рентген"\npin = [{ page = "/a", position = 0 }]', "position"),
        ('[[rule]]\nquery = "рентген"\npin = ["/a"]\nuntil = "tomorrow"', "dates"),
        ('[[rule]]\nquery = "рентген"\npin = ["/a"]\nfrom = 2026-12-02\nuntil = 2026-12-01', "after from"),
        ('[[rule]]\nquery = "рентген"\npin = ["/a"]\ncolour = "red"', "unknown key 'colour'"),
        ('[[rule]]\nquery = "рентген"\npin = ["/a"]\n[[rule]]\nquery = "снимок"', "rule 2"),
        ("[rules]\nx = 1", "unknown table"),
        ('[[rule]]\nquery = "' + "слово " * 40 + '"\npin = ["/a"]', "rule 1: too many words"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_rule_and_the_fix(text, says):
    with pytest.raises(RulesError, match=says):
        parse(text, ALMATY)
