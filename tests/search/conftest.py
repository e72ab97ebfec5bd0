"""Build tiny indexes of single-word documents for analysis and relevance tests."""

from datetime import UTC, datetime

import pytest

from indexer.documents import to_document
from indexer.pages import Page
from search import store
from search.service import SearchService


def page(path: str, lang: str, text: str, title: str = "") -> Page:
    return Page(
        path=path,
        folder=path.rsplit("/", 1)[0],
        lang=lang,
        lang_source="suffix",
        url="/" + path,
        title=title,
        date=datetime(2020, 1, 1, tzinfo=UTC),
        published=True,
        routable=True,
        publish_date=None,
        unpublish_date=None,
        summary=text,
        body=text,
    )


@pytest.fixture
def tiny_index(tmp_path):
    """Return a function that indexes (path, lang, text) documents and gives a SearchService."""
    count = 0

    def build(docs) -> SearchService:
        nonlocal count
        count += 1
        path = tmp_path / f"ix{count}"
        gen = store.new_generation(path)
        ix = store.create_index(gen)
        with ix.writer() as w:
            for doc_path, lang, text, *title in docs:  # (path, lang, text[, title])
                w.add_document(**to_document(page(doc_path, lang, text, *title)))
        store.write_meta(gen, {"timezone": "UTC"})
        store.write_manifest(gen)
        store.publish(path, gen)
        return SearchService(path)

    return build
