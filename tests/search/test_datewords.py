"""Date words act as date filters, in kk, ru and en."""

import pytest

from search.datewords import extract, month_of
from search.query import parse


@pytest.mark.parametrize(
    "query, rest, year, month",
    [
        ("июль 2019", [], 2019, "2019-07"),
        ("в июле 2019 года", ["в"], 2019, "2019-07"),
        ("шілде 2019", [], 2019, "2019-07"),
        ("2019 жылы шілдеде", [], 2019, "2019-07"),
        ("July 2019", [], 2019, "2019-07"),
        ("гематология 2019", ["гематология"], 2019, None),
        ("конференция мая 2022", ["конференция"], 2022, "2022-05"),
        ("июль", ["июль"], None, None),  # a month alone is a word, not a date
        ("COVID-19", ["COVID-19"], None, None),
        ("2019 2020", ["2019", "2020"], None, None),  # two years: searched as text
        ('"июль 2019"', ["июль 2019"], None, None),  # a phrase is text
    ],
)
def test_date_words(query, rest, year, month):
    parsed, y, m = extract(parse(query))
    assert [c.text for g in parsed.groups for c in g] == rest and (y, m) == (year, month)


@pytest.mark.parametrize("word, number", [("января", 1), ("мае", 5), ("қазанда", 10), ("Dec", 12), ("сентябрь", 9)])
def test_month_names(word, number):
    assert month_of(word) == number
