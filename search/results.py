"""What a search returns; ``to_dict()`` is the JSON contract of ``/api/search``."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count}  # dataclasses.asdict deep-copies: 20x slower


@dataclass
class Hit:
    path: str  # source file relative to the pages folder
    url: str
    lang: str
    title: str  # safe HTML: only <mark> is markup
    snippet: str  # safe HTML: only <mark> is markup
    date: str | None  # ISO 8601 in the site's timezone
    score: float | None
    folder: str = ""
    category: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    translations: dict[str, str] = field(default_factory=dict)  # language → URL of the same page
    duplicates: list[dict] = field(default_factory=list)  # other addresses of the same text
    missing: list[str] | None = None  # the query words this page lacks (soft matching); None: it has all
    match: str = "all"  # all: every query word; partial: some of them; semantic: found by meaning
    taxonomy: dict[str, list[str]] = field(default_factory=dict)  # every taxonomy's values, by name
    image: dict | None = None  # {"url", "alt"}: the page's picture, as the site serves it
    section: str | None = None  # the title of the site's section the page sits in
    link: str = ""  # url, with a text fragment that scrolls to the snippet's words
    sections: list[dict] = field(default_factory=list)  # matching parts of a long page: title, url, snippet
    dated: bool = True  # its header gives its date (else it is dated by its file: a section page)
    pinned: bool = False  # an editor's rule put it at its position (search.rules)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "url": self.url,
            "lang": self.lang,
            "title": self.title,
            "snippet": self.snippet,
            "date": self.date,
            "score": self.score,
            "category": self.category,
            "tag": self.tag,
            "translations": self.translations,
            "duplicates": self.duplicates,
            "missing": self.missing,
            "match": self.match,
            "taxonomy": self.taxonomy,
            "image": self.image,
            "section": self.section,
            "link": self.link or self.url,
            "sections": self.sections,
            "dated": self.dated,
            "pinned": self.pinned,
        }


@dataclass
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    results: list[Hit]
    facets: dict[str, list[FacetValue]]
    corrected: str | None = None  # the query searched instead of the one typed
    partial: bool = False  # the time budget ran out: the hits found so far
    relaxed: list[str] | None = None  # query words some hits lack (they follow the hits with every word)

    @property
    def pages(self) -> int:
        """Return the number of result pages."""
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "took_ms": self.took_ms,
            "results": [h.to_dict() for h in self.results],
            "facets": {name: [v.to_dict() for v in values] for name, values in self.facets.items()},
            "corrected": self.corrected,
            "partial": self.partial,
            "relaxed": self.relaxed,
        }
