"""Safe reading of a page's YAML header: no tags that run code, no aliases, a size cap."""

import frontmatter
import yaml

MAX_HEADER_BYTES = 64 * 1024


class _SafeNoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (a few hundred bytes of them can expand to gigabytes)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases are not allowed in page headers", event.start_mark
            )
        return super().compose_node(parent, index)


def split_page(text: str) -> tuple[dict, str]:
    """Return (header mapping, markdown body) of a page's text; raise ValueError if the header is bad."""
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        return {}, text  # no header at all: the whole file is the body
    try:
        header_text, body = handler.split(text)
    except ValueError:
        raise ValueError("the YAML header is not closed by a '---' line") from None
    if len(header_text.encode("utf-8")) > MAX_HEADER_BYTES:
        raise ValueError(f"header is larger than {MAX_HEADER_BYTES // 1024} KB")
    try:
        header = yaml.load(header_text, Loader=_SafeNoAliasLoader)
    except yaml.YAMLError as exc:
        raise ValueError(f"bad YAML header: {' '.join(str(exc).split())}") from None
    if header is None:
        header = {}
    if not isinstance(header, dict):
        raise ValueError("the YAML header is not a mapping of keys to values")
    return header, body
