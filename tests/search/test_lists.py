"""Live word lists: validated with the bad line's number, reread on change, the last good list kept."""

import time

import pytest

from search.lists import LISTS, ListError, LiveLists, validate


@pytest.mark.parametrize(
    "name, text, line, says",
    [
        ("synonyms", "# c\nЭКГ | электрокардиограмма\nодинокий\n", 3, "two members"),
        ("synonyms", "a | b\n| c\n", 2, "empty member"),
        ("entities", "Минздрав | Ministry of Health |\n", 1, "empty member"),
        ("synonyms", "ok | fine\n--- | ***\n", 2, "not a name"),
        ("generic", "новости\nкак дела\n", 2, "one word a line"),
        ("generic", "новости\n123\n", 2, "not a word"),
        ("places", "kind\tru\tkk\ten\tlatin\tother\ncity\tАстана\tАстана\n", 2, "3 columns"),
        ("places", "kind ru kk en latin other\n", 1, "header"),
    ],
)
def test_a_bad_line_is_refused_with_its_number(name, text, line, says):
    with pytest.raises(ListError, match=says) as caught:
        validate(name, text)
    assert caught.value.line == line and f"line {line}" in str(caught.value)


def test_the_shipped_lists_are_valid():
    for kind in LISTS.values():
        assert validate(kind.name, kind.shipped.read_text(encoding="utf-8")), kind.name


def test_a_list_in_the_folder_replaces_the_shipped_one_and_is_reread_on_change(tmp_path):
    lists = LiveLists(tmp_path)
    assert lists.current().synonyms.expand("сердечник") == []
    lists.save("synonyms", "сердечник | кардиология\n")
    assert lists.current().synonyms.expand("сердечник") == ["кардиология"]
    other = LiveLists(tmp_path)  # another server process
    (tmp_path / "synonyms.txt").write_text("сердечник | кардиолог\n", encoding="utf-8")
    time.sleep(1.1)
    assert other.current().synonyms.expand("сердечник") == ["кардиолог"]


def test_a_broken_file_keeps_the_list_in_force_and_says_why(tmp_path):
    lists = LiveLists(tmp_path)
    lists.save("synonyms", "сердечник | кардиология\n")
    before = lists.current()
    (tmp_path / "synonyms.txt").write_text("сердечник | кардиология\nодинокий\n", encoding="utf-8")
    time.sleep(1.1)
    now = lists.current()
    assert now.synonyms.expand("сердечник") == ["кардиология"] and now.version > before.version
    assert "line 2" in lists.errors["synonyms"]


def test_saving_a_bad_text_writes_nothing(tmp_path):
    lists = LiveLists(tmp_path)
    with pytest.raises(ListError):
        lists.save("generic", "новости\nкак дела\n")
    assert not (tmp_path / "generic.txt").exists()


def test_generic_words_are_read_in_any_form(tmp_path):
    lists = LiveLists(tmp_path)
    from search.relax import is_generic_in

    assert not is_generic_in("прайсы", lists.current().generic)
    lists.save("generic", lists.text("generic") + "прайс\n")
    assert is_generic_in("прайсы", lists.current().generic)


def test_a_trial_changes_nothing_in_force(tmp_path):
    lists = LiveLists(tmp_path)
    trial = lists.trial("synonyms", "сердечник | кардиология\n")
    assert trial.synonyms.expand("сердечник") == ["кардиология"]
    assert lists.current().synonyms.expand("сердечник") == []
