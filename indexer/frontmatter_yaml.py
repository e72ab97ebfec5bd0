"""Safe reading of a page's YAML header: no tags that run code, no aliases, a size cap."""

import frontmatter
import yaml

MAX_HEADER_BYTES = 64 * 1024


# libyaml's parser when PyYAML was built with it (about 8× faster), the same safe constructors.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(header_text: str):
    """Parse a header with the safe loader, refusing aliases (a few hundred bytes of them can expand
    to gigabytes)."""
    if "*" in header_text:  # an alias needs a '*': parse events only when one could be there
        for event in yaml.parse(header_text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases are not allowed in page headers", event.start_mark
                )
    return yaml.load(header_text, Loader=_Loader)


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
        header = _load(header_text)
    except yaml.YAMLError as exc:
        raise ValueError(f"bad YAML header: {' '.join(str(exc).split())}") from None
    if header is None:
        header = {}
    if not isinstance(header, dict):
        raise ValueError("the YAML header is not a mapping of keys to values")
    return header, body
