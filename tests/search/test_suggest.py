"""Completions: the commonest visible words with the typed prefix, over every segment of the index."""

from whoosh import index

from indexer.documents import to_document
from search import store
from tests.search.conftest import page


def _add(service, *docs) -> None:
    """Add documents in a new segment (as a saved edit does) and let the service see them at once."""
    ix = index.open_dir(str(store.current(service.index_dir)))
    with ix.writer() as w:
        for path, text in docs:
            w.add_document(**to_document(page(path, "ru", text)))
    service.refresh_interval = 0


def test_completions_count_a_word_in_every_segment(tiny_index):
    # «гематолог» is commoner in the first segment, «гематология» over the whole index.
    service = tiny_index(
        [
            ("02.news/a/item.ru.md", "ru", "гематолог"),
            ("02.news/b/item.ru.md", "ru", "гематолог"),
            ("02.news/c/item.ru.md", "ru", "гематология"),
        ]
    )
    assert service.suggest("гемат")[:2] == ["гематолог", "гематология"]
    _add(service, ("02.news/d/item.ru.md", "гематология"), ("02.news/e/item.ru.md", "гематология"))
    assert service.suggest("гемат")[:2] == ["гематология", "гематолог"]


def test_a_newly_saved_word_is_completed_after_the_prefix_was_asked(tiny_index):
    service = tiny_index([("02.news/a/item.ru.md", "ru", "гематолог")])
    assert service.suggest("гемат") == ["гематолог"]
    _add(service, ("02.news/b/item.ru.md", "гематома"))
    assert service.suggest("гемат") == ["гематома", "гематолог"]  # as common: the shorter first


def test_completions_in_one_language_come_from_its_pages(tiny_index):
    service = tiny_index(
        [
            ("02.news/a/item.ru.md", "ru", "гематолог"),
            ("02.news/a/item.kk.md", "kk", "гематологиялық гематологиялық"),
            ("02.news/b/item.kk.md", "kk", "гематологиялық"),
        ]
    )
    assert service.suggest("гемат") == ["гематологиялық", "гематолог"]
    assert service.suggest("гемат", "ru") == ["гематолог"]
    assert service.suggest("гемат", "kk") == ["гематологиялық"]
