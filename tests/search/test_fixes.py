"""A search that finds nothing gets a word-list line that was tried and makes it match."""

import pytest

from search.fixes import suggest
from search.service import SearchRequest, SearchService


@pytest.fixture
def service(content_index, tmp_path):
    return SearchService(content_index, semantic=False, lists_folder=tmp_path / "lists")


@pytest.mark.parametrize("query, lang", [("кардиошкола", "ru"), ("эхокг", "ru"), ("маммографиялык", "kk")])
def test_the_offered_line_applied_makes_the_query_match(service, query, lang):
    assert service.search(SearchRequest(q=query, lang=lang)).total == 0
    fix = suggest(service, query, lang)
    assert fix["list"] == "synonyms" and fix["line"].startswith(f"{query} | ") and fix["matches"] > 0
    service.lists.save("synonyms", service.lists.text("synonyms") + fix["line"] + "\n")
    assert service.search(SearchRequest(q=query, lang=lang)).total == fix["matches"]


def test_no_fix_for_a_query_that_matches_or_for_nonsense(service):
    assert suggest(service, "донор", "ru") is None
    assert suggest(service, "qwzx", None) is None
