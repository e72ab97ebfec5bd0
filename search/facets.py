"""Facet counts (year, month, language) over all the hits of a query."""

from collections import Counter
from collections.abc import Iterable

from search.results import FacetValue

FACETS = ("year", "month", "lang")


class FacetColumns:
    """Per-document facet values of one index reader, read once from its columns."""

    def __init__(self, reader):
        self._columns = {name: reader.column_reader(name) for name in FACETS}

    def count(self, docnums: Iterable[int]) -> dict[str, list[FacetValue]]:
        """Return each facet's values with their counts among ``docnums``."""
        counters = {name: Counter() for name in FACETS}
        columns = [(counters[name], self._columns[name]) for name in FACETS]
        for doc in docnums:
            for counter, column in columns:
                value = column[doc]
                if value:
                    counter[value] += 1
        return {
            "year": _ordered(counters["year"], newest_first=True),
            "month": _ordered(counters["month"], newest_first=True),
            "lang": sorted(
                (FacetValue(v, c) for v, c in counters["lang"].items()),
                key=lambda f: (-f.count, f.value),
            ),
        }


def _ordered(counter: Counter, newest_first: bool) -> list[FacetValue]:
    return [FacetValue(v, counter[v]) for v in sorted(counter, reverse=newest_first)]
