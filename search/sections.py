"""A page's markdown body cut into sections at its headings, each with the id its heading has on the rendered page.

What Grav does (read 2026-12 from the sources named here):

- Grav 1.7 renders page markdown with ``Grav\\Common\\Markdown\\Parsedown`` — or ``ParsedownExtra`` when
  ``pages.markdown.extra`` is true — both thin subclasses of erusev's Parsedown 1.7.4 / ParsedownExtra 0.8.1
  (``composer.json``: ``erusev/parsedown ~1.7.4``, ``erusev/parsedown-extra ~0.8.1``) plus
  ``ParsedownGravTrait``. The trait (getgrav/grav, branch 1.7,
  ``system/src/Grav/Common/Markdown/ParsedownGravTrait.php``; also ``Parsedown.php``, ``ParsedownExtra.php``)
  adds Twig blocks, special characters, image and link processing — nothing for headings. Parsedown's
  ``blockHeader``/``blockSetextHeader`` (erusev/parsedown 1.7.4, ``Parsedown.php``) emit a bare ``<hN>``.
  **So Grav itself gives headings no id.** There is no ``header_ids``-like setting in
  ``system/config/system.yaml`` (``pages.markdown``: ``extra: false``, ``auto_line_breaks``,
  ``auto_url_links``, ``escape_markup``, ``special_chars``, ``valid_link_attributes``). Grav 2.0's trait
  (getgrav/grav ``develop``, same file) has no heading code either; its getgrav/parsedown 2.x fork was not read.
- ``{#id .class}`` after a heading is ParsedownExtra's special-attribute syntax (erusev/parsedown-extra 0.8.1,
  ``ParsedownExtra.php``: ``blockHeader``/``blockSetextHeader`` with ``regexAttribute = '(?:[#.][-\\w]+[ ]*)'``;
  ``\\w`` without the ``u`` flag is ASCII, so ``{#раздел}`` is not an attribute and stays in the text). It works
  only when Markdown Extra is on, which is **off** by default and on this archive (``user/config/system.yaml``:
  ``pages.markdown.extra: false``; a page's own ``markdown: extra:`` header can turn it on) — hence ``extra=``.
- Ids usually come from the official ``anchors`` plugin (getgrav/grav-plugin-anchors 1.6.0: ``anchors.php``,
  ``anchors.yaml``, ``js/anchor.min.js``): in the browser, AnchorJS 4.3.1 gives every ``h1,h2,h3,h4``
  (``selectors`` default) that has no id the ``urlify`` of its ``textContent`` — entities decoded again, trimmed,
  ``'`` removed, each of ``& +$,:;=?@"#{}|^~[`%!'<>]./()*\\`` and newline, tab, backspace, vertical tab and
  no-break space turned into ``-``, runs of ``-`` collapsed, cut to ``truncate`` (64) UTF-16 units, ``-`` trimmed,
  lower-cased — made unique against every id already in the document by ``-1``, ``-2``… Letters are kept as they
  are: Cyrillic (Kazakh included) is only lower-cased, never transliterated. ``anchor`` below is that id; ``h5``
  and ``h6`` get none (``""``) unless they carry ``{#id}``. Without the plugin the page has no heading ids at all,
  and only a text fragment (:mod:`search.fragments`) lands on a section.
- The ``page-toc`` plugin (trilbymedia/grav-plugin-page-toc 4.0: ``classes/UniqueSlugify.php``, ``page-toc.yaml``)
  adds ids server-side instead, with cocur/slugify (transliterating) cut to 25 characters: not reproduced here.

Blocks are recognised as Parsedown 1.7.4 does, as far as headings are concerned: ATX ``#``…``######`` (no space
needed; ``trim($text, '# ')`` so trailing ``#`` go too), setext ``===``/``---`` under an uninterrupted paragraph,
and no headings inside fenced code (closed by three or more of the same character), indented code, HTML
comments or HTML blocks. Not recognised: a heading written inside a quote or list item (``> ## …``, ``- ## …``).
Every level opens a section, ``#`` too: the archive's home pages use ``# МИССИЯ`` / ``# ВИДЕНИЕ`` as
sections (the theme, not the body, shows the page title). A heading's text is rendered by markdown-it's
inline rules, which agree with Parsedown's on what a heading shows (emphasis, links, code, tags, entities).
"""

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown_it import MarkdownIt

TRUNCATE = 64  # anchors.yaml: truncate
ANCHOR_LEVELS = frozenset({1, 2, 3, 4})  # anchors.yaml: selectors 'h1,h2,h3,h4'
LONG_PAGE_HEADINGS = 3
LONG_PAGE_CHARS = 1500


@dataclass(frozen=True)
class Section:
    """One heading and the markdown under it up to the next heading."""

    title: str  # the heading as the browser shows it (its textContent)
    anchor: str  # the heading's id on the rendered page, "" when it has none
    text: str  # the section's markdown source, without the heading line
    level: int  # 1 for <h1> … 6 for <h6>


# --- AnchorJS 4.3.1 urlify, character for character ------------------------------------------------------------

_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NONSAFE = re.compile(r"[& +$,:;=?@\"#{}|^~\[`%!'<>\]./()*\\\n\t\b\v\u00a0]")
_JS_LINE_BREAK = re.compile(r"(\r|\u2028|\u2029)")  # where /^-+|-+$/m also trims (\n is already a hyphen)


def _js_substring(text: str, units: int) -> str:
    """Return ``text.substring(0, units)`` as JavaScript counts: UTF-16 code units."""
    raw = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
    # A cut astral character leaves half a surrogate pair, which no URL can carry: drop it.
    return raw.decode("utf-16-le", "surrogatepass").encode("utf-8", "ignore").decode("utf-8")


def anchor_slug(text: str, truncate: int = TRUNCATE) -> str:
    """Return the id AnchorJS (Grav's anchors plugin) derives from a heading's ``textContent``."""
    text = html.unescape(text).strip(_JS_SPACE).replace("'", "")
    text = _NONSAFE.sub("-", text)
    text = re.sub("-{2,}", "-", text)
    text = _js_substring(text, truncate)
    text = "".join(part if _JS_LINE_BREAK.fullmatch(part) else part.strip("-") for part in _JS_LINE_BREAK.split(text))
    return text.lower()


def _unique(slug: str, taken: list[str]) -> str:
    """Return ``slug``, or ``slug-1``, ``slug-2``… as AnchorJS does when the id is taken; remember it."""
    candidate, count = slug, 1
    while candidate in taken:
        candidate = f"{slug}-{count}"
        count += 1
    taken.append(candidate)
    return candidate


# --- a heading's inline markdown → the text the browser shows ---------------------------------------------------

_inline = MarkdownIt("commonmark", {"html": True})


class _TextContent(HTMLParser):
    """Collect ``textContent``: the text nodes only (an image's alt is not text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def heading_text(markdown: str) -> str:
    """Return the text a heading's inline markdown shows in the browser (emphasis, links, tags and entities resolved)."""
    parser = _TextContent()
    parser.feed(_inline.renderInline(markdown))
    parser.close()
    return "".join(parser.parts)


# --- Parsedown 1.7.4's blocks, as far as headings go ------------------------------------------------------------

_ATTRIBUTES = re.compile(r"[ #]*\{((?:[#.][-\w]+[ ]*)+)\}[ ]*$", re.ASCII)  # ParsedownExtra: blockHeader
_SETEXT_ATTRIBUTES = re.compile(r"[ ]*\{((?:[#.][-\w]+[ ]*)+)\}[ ]*$", re.ASCII)  # ParsedownExtra: blockSetextHeader
_HTML_ATTRIBUTE = r"""[a-zA-Z_:][\w:.-]*(?:\s*=\s*(?:[^"'=<>`\s]+|"[^"]*"|'[^']*'))?"""
_MARKUP = re.compile(rf"^<(\w[\w-]*)(?:[ ]*{_HTML_ATTRIBUTE})*[ ]*(/)?>", re.ASCII)
_TEXT_LEVEL = frozenset(  # Parsedown::$textLevelElements: these never open an HTML block
    "a br bdo abbr blink nextid acronym basefont b em big cite small spacer listing i rp del code strike marquee "  # noqa: SIM905
    "q rt ins font strong s tt kbd mark u xm sub nobr sup ruby var span wbr time".split()
)
_VOID = frozenset("area base br col command embed hr img input link meta param source".split())  # noqa: SIM905


@dataclass
class _Heading:
    line: int  # index of the heading's first line
    end: int  # index just after its last line
    level: int
    source: str  # inline markdown
    explicit_id: str | None


def _expand_tabs(line: str) -> str:
    """Replace tabs as Parsedown does: pad to the next multiple of four characters."""
    if "\t" not in line:
        return line
    parts = line.split("\t")
    out = parts[0]
    for part in parts[1:]:
        out += " " * (4 - len(out) % 4) + part
    return out


def _explicit_id(text: str, pattern: re.Pattern, extra: bool) -> tuple[str, str | None]:
    """Return a heading's text without a Markdown Extra ``{#id .class}`` and the id it names (when ``extra``)."""
    if not extra:
        return text, None
    found = pattern.search(text)
    if not found:
        return text, None
    ids = [a[1:] for a in found.group(1).split() if a.startswith("#")]
    return text[: found.start()], (ids[-1] if ids else None)


def _headings(lines: Sequence[str], extra: bool) -> list[_Heading]:
    """Return the headings of a markdown body, skipping code, HTML comments and HTML blocks like Parsedown."""
    found: list[_Heading] = []
    block: str | None = None  # para, fence, code, comment, markup, list, quote, table or other
    interrupted = False  # a blank line since the block's last line
    para_start, para_lines = 0, []
    fence_char = ""
    markup_name, markup_depth, markup_closed = "", 0, False
    for i, raw in enumerate(lines):
        if not raw.rstrip(" \t\n\r\0\x0b"):
            interrupted = block is not None
            continue
        line = _expand_tabs(raw)
        text = line.lstrip(" ")
        indent = len(line) - len(text)
        was_interrupted, interrupted = interrupted, False
        # Blocks that go on regardless of what the line looks like (Parsedown's block…Continue).
        if block == "fence":
            if re.fullmatch(rf"{re.escape(fence_char)}{{3,}}[ ]*", text):
                block = "other"
            continue
        if block == "comment":
            if text.endswith("-->"):
                block = "other"
            continue
        if block == "markup" and not markup_closed:
            if re.match(rf"<{re.escape(markup_name)}(?:[ ]*{_HTML_ATTRIBUTE})*[ ]*>", text, re.IGNORECASE):
                markup_depth += 1
            if re.search(rf"</{re.escape(markup_name)}>[ ]*$", text, re.IGNORECASE):
                if markup_depth:
                    markup_depth -= 1
                else:
                    markup_closed = True
            continue
        if block == "code" and indent >= 4:
            continue
        if block == "table" and not was_interrupted and "|" in text:
            continue
        open_paragraph = block == "para" and not was_interrupted
        if indent >= 4 and not open_paragraph:
            block = "code"
            continue
        marker = text[0]
        if marker == "#" and len(text) > 1:
            level = len(text) - len(text.lstrip("#"))
            if level <= 6:
                source, explicit = _explicit_id(text.strip("# "), _ATTRIBUTES, extra)
                found.append(_Heading(i, i + 1, level, source, explicit))
                block = "other"
                continue
        if block in ("list", "quote") and not was_interrupted:
            continue  # a lazy continuation line
        if marker in "=-" and open_paragraph and not text.strip(marker):
            source, explicit = _explicit_id("\n".join(para_lines), _SETEXT_ATTRIBUTES, extra)
            found.append(_Heading(para_start, i + 1, 1 if marker == "=" else 2, source, explicit))
            block = "other"
            continue
        if open_paragraph and "|" in "\n".join(para_lines) and not text.rstrip(" -:|"):
            block = "table"
            continue
        if marker in "`~" and re.fullmatch(rf"{re.escape(marker)}{{3,}}[ ]*([^`]+)?[ ]*", text):
            block, fence_char = "fence", marker
            continue
        if marker == "<" and text.startswith("<!--"):
            block = "other" if text.endswith("-->") else "comment"
            continue
        tag = _MARKUP.match(text) if marker == "<" else None
        if tag and tag.group(1).lower() not in _TEXT_LEVEL:
            remainder = text[tag.end() :].strip()
            void = tag.group(2) is not None or tag.group(1) in _VOID
            if not remainder:
                block, markup_name, markup_depth, markup_closed = "markup", tag.group(1), 0, void
                continue
            if not void:
                closes = re.search(rf"</{re.escape(tag.group(1))}>[ ]*$", remainder, re.IGNORECASE)
                block, markup_name, markup_depth, markup_closed = "markup", tag.group(1), 0, bool(closes)
                continue
        if re.fullmatch(r"([-*_])( *\1){2,} *", text):
            block = "other"  # a rule
            continue
        if re.match(r"[*+-] +|[0-9]+[.] +", text):
            block = "list"
            continue
        if marker == ">":
            block = "quote"
            continue
        if open_paragraph:
            para_lines.append(text)
        else:
            block, para_start, para_lines = "para", i, [text]
    return found


def split(body: str, *, extra: bool = False, taken: Iterable[str] = ()) -> list[Section]:
    """Return the sections of a markdown body, one per heading, with the id each heading has on the page.

    ``extra``: Markdown Extra is on for the page (``pages.markdown.extra`` or the page's ``markdown.extra``), so
    ``{#id}`` after a heading is its id. ``taken``: ids already in the document before the body — those of the
    theme's ``h1``–``h4`` above it (e.g. ``anchor_slug(title)`` when the theme shows the title in one) — which
    AnchorJS has handed out first. The text before the first heading belongs to no section.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings = _headings(lines, extra)
    # AnchorJS starts from every id in the document (explicit ones included), then goes in document order.
    used = list(taken) + [h.explicit_id for h in headings if h.explicit_id is not None]
    sections = []
    for n, heading in enumerate(headings):
        title = heading_text(heading.source)
        if heading.explicit_id is not None:
            anchor = heading.explicit_id
        elif heading.level in ANCHOR_LEVELS:
            anchor = _unique(anchor_slug(title), used)
        else:
            anchor = ""
        stop = headings[n + 1].line if n + 1 < len(headings) else len(lines)
        text = "\n".join(lines[heading.end : stop]).strip("\n")
        sections.append(Section(" ".join(title.split()), anchor, text, heading.level))
    return sections


def long_page(sections: Sequence[Section]) -> bool:
    """Tell whether a page deserves a sub-result per section: three or more top headings over enough text.

    The top headings are those of the shallowest level present (``##`` in most bodies, ``#`` in some) —
    past a lone heading of that level that opens the page (its title, as ``# Как подготовиться…`` above
    ``##`` sections). Two headings split a page into halves the page's own hit already covers; and a page
    under about a screenful (``LONG_PAGE_CHARS`` of markdown under its headings) is read whole once opened.
    """
    levels = sorted({s.level for s in sections})
    if not levels:
        return False
    top = levels[0]
    if len(levels) > 1 and sum(s.level == top for s in sections) == 1 and sections[0].level == top:
        top = levels[1]
    return (
        sum(s.level == top for s in sections) >= LONG_PAGE_HEADINGS
        and sum(len(s.text) for s in sections) >= LONG_PAGE_CHARS
    )
