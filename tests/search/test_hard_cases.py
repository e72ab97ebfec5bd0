"""Every case of ../shared/linguistics/hard-cases.tsv: each must_match form, alone in a document of
doc_lang, is found by the query (by one of its words); no must_not form is found."""

import csv
from pathlib import Path

import pytest

from search.service import SearchRequest

CASES_FILE = Path(__file__).resolve().parents[3] / "shared" / "linguistics" / "hard-cases.tsv"


def load_cases():
    lines = [line for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [pytest.param(r, id=f"{r['id']}-{r['query']}") for r in rows]


def split(value):
    return [v for v in (value or "").split("|") if v]


@pytest.mark.parametrize("case", load_cases())
def test_hard_case(case, tiny_index):
    lang = case["doc_lang"]
    must, must_not = split(case["must_match"]), split(case["must_not"])
    docs = [(f"m{i}/item.{lang}.md", lang, form) for i, form in enumerate(must)]
    docs += [(f"n{i}/item.{lang}.md", lang, form) for i, form in enumerate(must_not)]
    service = tiny_index(docs)

    found: dict[str, set[str]] = {}
    words = [case["query"]] if len(case["query"].split()) == 1 else case["query"].split()
    for word in words:
        page = service.search(SearchRequest(q=word, per_page=100))
        for hit in page.results:
            found.setdefault(hit.path, set()).add(word)

    for i, form in enumerate(must):
        assert f"m{i}/item.{lang}.md" in found, f"{case['query']!r} does not find {form!r}"
    for i, form in enumerate(must_not):
        assert f"n{i}/item.{lang}.md" not in found, f"{case['query']!r} wrongly finds {form!r}"
