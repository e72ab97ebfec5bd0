"""`poisk explain` on a terminal and as JSON."""

import json

from web.cli import main


def test_explain_prints_the_reading_the_scores_and_why_a_page_is_not_shown(content_index, capsys):
    code = main(["explain", "доноры крови", "--lang", "ru", "--index", str(content_index), "--path", "/ru/about"])
    out = capsys.readouterr().out
    assert code == 0
    assert "word 'крови':" in out and "holds every word" in out
    assert "page 03.about/default.ru.md [ru]: missing a word" in out  # the address resolved to its folder


def test_explain_json(content_index, capsys):
    assert main(["explain", "кардиология", "--index", str(content_index), "--json", "--top", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["hits"]) == 2 and data["hits"][0]["rank"] == 1
    assert data["hits"][0]["explained"] == data["hits"][0]["score"]
