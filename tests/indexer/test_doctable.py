"""The per-document table of a reader over several segments: copies, translations and facets
found across segments, deleted pages left out (what a save after a full build leaves)."""

import numpy as np
import pytest
from grav_testkit import page_text

from search.doctable import DocTable
from search.store import open_index


@pytest.fixture
def table_of():
    """Open a site's index and make its table (closed after the test)."""
    readers = []

    def make(grav):
        reader = open_index(grav.index_dir).reader()
        readers.append(reader)
        return reader, DocTable(reader)

    yield make
    for reader in readers:
        reader.close()


def _paths(table, docs):
    return sorted(table.value("path", d) for d in docs)


def test_copies_translations_and_facets_are_found_across_segments(grav, table_of):
    grav.write("02.news/01.first/item.en.md", page_text("title: First\ndate: '01-02-2023 10:00'", "Platelets.\n"))
    grav.write("02.news/01.first/item.ru.md", page_text("title: Первый\ndate: '01-02-2023 10:00'", "Тромбоциты.\n"))
    grav.write("02.news/02.second/item.en.md", page_text("title: Second\ndate: '05-06-2024 10:00'", "Anemia.\n"))
    grav.reindex()
    # Saved one at a time: each save is a segment of its own.
    grav.write("02.news/01.first/item.kk.md", page_text("title: Бірінші\ndate: '01-02-2023 10:00'", "Тромбоциттер.\n"))
    grav.reindex()
    grav.write("02.news/03.copy/item.en.md", page_text("title: First\ndate: '07-08-2025 10:00'", "Platelets.\n"))
    grav.reindex()
    reader, table = table_of(grav)
    assert len(reader.leaf_readers()) >= 2
    docs = {table.value("path", d): d for d in range(table.size) if table._live[d]}
    first_en = docs["02.news/01.first/item.en.md"]

    assert _paths(table, table.in_folder(first_en)) == [
        "02.news/01.first/item.en.md",
        "02.news/01.first/item.kk.md",
        "02.news/01.first/item.ru.md",
    ]
    assert _paths(table, table.copies(first_en)) == [
        "02.news/01.first/item.en.md",
        "02.news/03.copy/item.en.md",
    ]
    assert table.copies(docs["02.news/02.second/item.en.md"]) == [docs["02.news/02.second/item.en.md"]]
    live = np.flatnonzero(table._live)
    counts = table.count(live)
    assert {f.value: f.count for f in counts["lang"]} == {"en": 3, "ru": 1, "kk": 1}
    assert {f.value: f.count for f in counts["year"]} == {"2023": 3, "2024": 1, "2025": 1}
    assert table.columns["lang"][docs["02.news/01.first/item.kk.md"]] == "kk"
    # The two copies collapse to the first of them; the other pages stay.
    assert len(table.distinct(live)) == 4


def test_an_edited_page_leaves_its_old_copy_and_folder(grav, table_of):
    grav.write("02.news/01.first/item.en.md", page_text("title: First", "Platelets.\n"))
    grav.write("02.news/02.twin/item.en.md", page_text("title: First", "Platelets.\n"))
    grav.reindex()
    grav.write("02.news/02.twin/item.en.md", page_text("title: Twin", "Now a text of its own.\n"))
    grav.reindex()
    _reader, table = table_of(grav)
    docs = {table.value("path", d): d for d in range(table.size) if table._live[d]}
    first, twin = docs["02.news/01.first/item.en.md"], docs["02.news/02.twin/item.en.md"]
    assert table.copies(first) == [first]
    assert table.copies(twin) == [twin]
    assert table.in_folder(twin) == [twin]
