"""Page bodies to plain text: markdown rendered by markdown-it, then HTML, shortcodes and Twig removed."""

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": True}).enable("table")

# Grav shortcodes: [name attr=...] ... [/name], and [name/]; never a markdown link "[text](url)".
_SHORTCODE = re.compile(r"\[/?[a-zA-Z][\w-]*(?:\s[^\[\]\n]*)?/?\](?!\()")
# Grav's link-form plugins: [plugin:page-inject](/route)
_PLUGIN_LINK = re.compile(r"\[plugin:[^\]]*\]\([^)]*\)")
_TWIG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "head", "title"})


class _TextExtractor(HTMLParser):
    """Collect the visible text of an HTML fragment; images give their alt text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]
        self.images: list[tuple[str, str]] = []  # (alternative text, source) of each image, in order
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._break()
        elif tag == "img" and not self._skip:
            attrs = dict(attrs)
            alt = attrs.get("alt")
            if alt:
                self.blocks[-1].append(f" {alt} ")
            if attrs.get("src"):
                self.images.append((alt or "", attrs["src"]))

    def handle_startendtag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        if not self._skip:
            self.blocks[-1].append(data)

    def _break(self):
        if self.blocks[-1]:
            self.blocks.append([])

    def paragraphs(self) -> list[str]:
        out = []
        for block in self.blocks:
            text = " ".join("".join(block).split())
            if text:
                out.append(text)
        return out


# An HTML block opened at the start of a line runs, as in Grav's Parsedown, until its tag
# is closed: blank lines and indentation inside it must not turn its rest into a code block.
_HTML_OPEN = re.compile(r"^[ ]{0,3}<([a-zA-Z][a-zA-Z0-9]*)(?=[\s>/])")


def join_html_blocks(source: str) -> str:
    """Keep each raw HTML block in one piece: drop blank lines and indentation inside it."""
    lines = source.split("\n")
    out: list[str] = []
    unclosed: set[str] = set()  # tags already seen running to the end: don't rescan (keeps this linear)
    i = 0
    while i < len(lines):
        m = _HTML_OPEN.match(lines[i])
        if not m or m.group(1).lower() in _VOID_TAGS or m.group(1).lower() in unclosed:
            out.append(lines[i])
            i += 1
            continue
        tag = m.group(1).lower()
        opener = re.compile(rf"<{tag}(?=[\s>/])", re.IGNORECASE)
        closer = re.compile(rf"</{tag}\s*>", re.IGNORECASE)
        depth, j, block = 0, i, []
        while j < len(lines):
            line = lines[j]
            depth += len(opener.findall(line)) - len(closer.findall(line))
            block.append(line.strip())
            j += 1
            if depth <= 0:
                break
        if depth > 0:  # never closed: leave the text as markdown sees it
            unclosed.add(tag)
            out.append(lines[i])
            i += 1
            continue
        out.append(" ".join(b for b in block if b))
        out.append("")
        i = j
    return "\n".join(out)


_VOID_TAGS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)


def strip_markup(source: str) -> str:
    """Remove Twig, shortcodes and link-form plugins from a markdown source, keeping the text inside."""
    source = _TWIG.sub(" ", source)
    source = _PLUGIN_LINK.sub(" ", source)
    return escape_unmatched_brackets(join_html_blocks(_SHORTCODE.sub(" ", source)))


# markdown-it spends ~20 µs on each "[" that could open a link (a 100 KB run of them: 2-3 s), while a
# "[" with no "]" after it in its paragraph can never open one. Past this many, such brackets are escaped.
MAX_UNMATCHED_BRACKETS = 64
_BRACKET_OR_BREAK = re.compile(r"\\.|\[|\]|\n[ \t]*\n")


def escape_unmatched_brackets(source: str) -> str:
    """Escape the "[" that no "]" closes in their paragraph, when a page has more than a few of them.

    The text reads the same; markdown-it no longer tries each of them as the start of a link.
    """
    if source.count("[") <= MAX_UNMATCHED_BRACKETS:
        return source
    unmatched: list[int] = []
    open_: list[int] = []
    for m in _BRACKET_OR_BREAK.finditer(source):
        token = m.group()
        if token == "[":
            open_.append(m.start())
        elif token == "]":
            if open_:
                open_.pop()
        elif token[0] == "\n":  # a paragraph ends: its open brackets stay open
            unmatched.extend(open_)
            open_.clear()
    unmatched.extend(open_)
    if len(unmatched) <= MAX_UNMATCHED_BRACKETS:
        return source
    pieces, last = [], 0
    for at in unmatched:  # in text order: paragraphs in turn, each one's open brackets in order
        pieces.append(source[last:at])
        pieces.append("\\[")
        last = at + 1
    pieces.append(source[last:])
    return "".join(pieces)


def paragraphs(markdown_source: str) -> list[str]:
    """Return the plain-text paragraphs of a markdown body."""
    return _read(markdown_source).paragraphs()


def _read(markdown_source: str) -> _TextExtractor:
    html = _markdown.render(strip_markup(markdown_source))
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser


def split_summary(markdown_source: str, delimiter: str = "===") -> tuple[str | None, str]:
    """Split a body at Grav's summary delimiter (a line of its own).

    Return (the markdown before it or None when there is none, the body without the delimiter line).
    """
    if delimiter:
        pattern = re.compile(r"^[ \t]*" + re.escape(delimiter) + r"[ \t]*$", re.MULTILINE)
        m = pattern.search(markdown_source)
        if m:
            before, after = markdown_source[: m.start()], markdown_source[m.end() :]
            return before, before + "\n\n" + after
    return None, markdown_source


def body_and_summary(markdown_source: str, delimiter: str = "===") -> tuple[str, str]:
    """Return (plain-text body, plain-text summary) of a page body.

    The summary is what stands before the delimiter, or else the first paragraph.
    """
    body, summary, _ = read_body(markdown_source, delimiter)
    return body, summary


def read_body(markdown_source: str, delimiter: str = "===") -> tuple[str, str, list[tuple[str, str]]]:
    """Return (plain-text body, plain-text summary, the (alternative text, source) of its images) of a page body."""
    summary_source, body_source = split_summary(markdown_source, delimiter)
    read = _read(body_source)
    body = read.paragraphs()
    if summary_source is not None:
        summary = " ".join(paragraphs(summary_source))
    else:
        summary = body[0] if body else ""
    return "\n".join(body), summary, read.images


def plain_title(title: str) -> str:
    """Return a frontmatter title as plain text: no Twig, shortcodes, HTML tags or comments."""
    if not any(ch in title for ch in "<{[&"):
        return " ".join(title.split())
    parser = _TextExtractor()
    parser.feed(strip_markup(title))
    parser.close()
    return " ".join(" ".join(parser.paragraphs()).split())
