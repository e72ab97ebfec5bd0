"""Snippets and titles with the matched words in ``<mark>``, everything else HTML-escaped."""

from html import escape

from whoosh import highlight

SNIPPET_CHARS = 240
ELLIPSIS = "…"


class MarkFormatter(highlight.Formatter):
    """Wrap matched words in ``<mark>`` and escape all other text, quotes included."""

    between = f" {ELLIPSIS} "

    def _text(self, text: str) -> str:
        return escape(text, quote=True)

    def format_token(self, text, token, replace=False):
        return "<mark>" + escape(highlight.get_text(text, token, replace), quote=True) + "</mark>"

    def format(self, fragments, replace=False):
        fragments = list(fragments)
        if not fragments:
            return ""
        parts = [self.format_fragment(f, replace=replace).strip() for f in fragments]
        out = self.between.join(parts)
        first, last = fragments[0], fragments[-1]
        if first.startchar > 0:
            out = ELLIPSIS + " " + out
        if last.endchar < len(last.text):
            out = out + " " + ELLIPSIS
        return out


_formatter = MarkFormatter()


def _fragmenter():
    return highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=90, charlimit=None)


def plain_excerpt(text: str, maxchars: int = SNIPPET_CHARS) -> str:
    """Return the start of ``text``, cut at a word boundary and escaped."""
    text = " ".join(text.split())
    if len(text) <= maxchars:
        return escape(text, quote=True)
    cut = text.rfind(" ", 0, maxchars)
    return escape(text[: cut if cut > maxchars // 2 else maxchars], quote=True) + " " + ELLIPSIS


def snippet(hit, fieldname: str, text: str, fallback: str = "") -> str:
    """Return safe HTML: the best passages of ``text`` for ``hit`` with matches marked."""
    if text:
        hit.results.fragmenter = _fragmenter()
        hit.results.formatter = _formatter
        marked = hit.highlights(fieldname, text=text, top=2)
        if marked:
            return marked
    return plain_excerpt(fallback or text)


def marked_title(hit, fieldname: str, title: str) -> str:
    """Return the title as safe HTML with matched words marked."""
    if title:
        hit.results.fragmenter = highlight.WholeFragmenter(charlimit=None)
        hit.results.formatter = _formatter
        marked = hit.highlights(fieldname, text=title, top=1, minscore=1)
        if marked:
            return marked
    return escape(title, quote=True)
