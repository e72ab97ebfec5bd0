"""Safe reading of a page's YAML header: no tags that run code, no aliases, a size cap."""

import frontmatter
import yaml

MAX_HEADER_BYTES = 64 * 1024


# libyaml's parser when PyYAML was built with it (about 8× faster), the same safe constructors.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Header(dict):
    """A page's header mapping, and the keys it gives more than once.

    YAML keeps the last of two equal keys without a word; an editor who adds ``published: false``
    at the top and leaves ``published: true`` below would publish a draft. ``duplicates`` lists
    ``(key path, first line, repeated line)`` for every key given twice, at any depth.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates: list[tuple[str, int, int]] = []


class _StrictLoader(_Loader):
    """The safe loader, noting keys given twice in a mapping (it still keeps the last, as YAML does)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []
        self._paths: dict[int, str] = {}

    def construct_mapping(self, node, deep=False):
        prefix = self._paths.get(id(node), "")
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            path = f"{prefix}{key}"
            if isinstance(value_node, yaml.MappingNode):
                self._paths[id(value_node)] = f"{path}."
            line = key_node.start_mark.line + 1
            if key in seen:
                self.duplicates.append((path, seen[key], line))
            else:
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _load(header_text: str):
    """Parse a header with the safe loader, refusing aliases (a few hundred bytes of them can expand
    to gigabytes); return (data, duplicate keys)."""
    if "*" in header_text:  # an alias needs a '*': parse events only when one could be there
        for event in yaml.parse(header_text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases are not allowed in page headers", event.start_mark
                )
    loader = _StrictLoader(header_text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def split_page(text: str) -> tuple[Header, str]:
    """Return (header mapping, markdown body) of a page's text; raise ValueError if the header is bad.

    Keys given twice are listed in the header's ``duplicates``.
    """
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
        data, duplicates = _load(header_text)
    except yaml.YAMLError as exc:
        raise ValueError(f"bad YAML header: {' '.join(str(exc).split())}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError("the YAML header is not a mapping of keys to values")
    header = Header(data)
    header.duplicates = duplicates  # the header text starts with the newline after '---': its lines are the file's
    return header, body
