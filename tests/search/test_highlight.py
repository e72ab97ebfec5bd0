"""Snippets: matched words in <mark>, every other character escaped."""

from whoosh import fields
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Term

from search.analysis import analyzer_for
from search.highlight import marked_title, plain_excerpt, snippet


def one_hit(text, word):
    schema = fields.Schema(body_ru=fields.TEXT(analyzer=analyzer_for("ru")), body=fields.STORED())
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        w.add_document(body_ru=text, body=text)
    searcher = ix.searcher()
    results = searcher.search(Term("body_ru", word))
    return results[0]


def test_matched_forms_are_marked():
    hit = one_hit("Развитие гематологической помощи и гематологии", "гематологический")
    out = snippet(hit, "body_ru", hit["body"])
    assert "<mark>гематологической</mark>" in out


def test_everything_else_is_escaped():
    text = 'крови <script>alert(1)</script> " onmouseover="x" & <img src=x onerror=alert(1)>'
    hit = one_hit(text, "кровь")
    out = snippet(hit, "body_ru", hit["body"])
    assert out.count("<") == out.count("<mark>") + out.count("</mark>")
    assert "&lt;script&gt;" in out and "&quot;" in out and "&amp;" in out


def test_title_without_match_is_escaped_whole():
    hit = one_hit("крови", "кровь")
    assert marked_title(hit, "body_ru", 'A "quoted" <b>title</b>') == "A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt;"


def test_plain_excerpt_cuts_at_a_word():
    out = plain_excerpt("слово " * 100, maxchars=50)
    assert out.endswith("…") and len(out) <= 52 and "слов …" not in out
