"""A Grav site: where its pages are, and what its configuration says about languages, time and URLs."""

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from indexer.errors import ContentError


@dataclass(frozen=True)
class Site:
    """The parts of a Grav site's configuration that decide documents and URLs."""

    pages_dir: Path
    languages: tuple[str, ...] = ()
    default_lang: str | None = None
    include_default_lang: bool = True
    timezone: str = "UTC"
    home_alias: str = "/home"
    hide_home_in_urls: bool = False
    force_lowercase_urls: bool = True
    publish_dates: bool = True
    summary_delimiter: str = "==="
    # The site's name in each language (site.yaml, site.<lang>.yaml): words every page is "of".
    titles: tuple[tuple[str, str], ...] = ()
    # Markdown Extra on for every page (system.yaml ``pages.markdown.extra``): ``{#id}`` names a heading.
    markdown_extra: bool = False
    # The taxonomies pages may carry (site.yaml ``taxonomies``, or system.yaml ``pages.taxonomies``).
    taxonomies: tuple[str, ...] = ("category", "tag")

    @classmethod
    def load(cls, path: Path) -> "Site":
        """Read the site at ``path``: a folder holding ``user/pages``, a ``user`` folder, or a pages folder alone."""
        path = Path(path)
        if not path.is_dir():
            raise ContentError(f"content folder not found at {path}: pass --content PATH to a Grav site")
        for user in (path / "user", path):
            if (user / "pages").is_dir():
                return cls._from_user_dir(user)
        for user in (path / "user", path):
            if (user / "config").is_dir():  # a Grav site whose pages folder is gone (deleted, or mid-swap)
                raise ContentError(
                    f"the pages folder {user / 'pages'} is missing: restore it (the index keeps serving what it has)"
                )
        if any(path.rglob("*.md")):
            return cls(pages_dir=path.resolve())
        raise ContentError(
            f"no Grav pages found at {path}: point --content at a Grav site (a folder holding user/pages) "
            "or at its pages folder"
        )

    @classmethod
    def _from_user_dir(cls, user: Path) -> "Site":
        config = user / "config"
        system = _read_yaml(config / "system.yaml")
        site = _read_yaml(config / "site.yaml")
        langs = system.get("languages") or {}
        supported = tuple(str(x) for x in (langs.get("supported") or []))
        default_lang = langs.get("default_lang") or (supported[0] if supported else None)
        home = system.get("home") or {}
        pages = system.get("pages") or {}
        summary = site.get("summary") or {}
        return cls(
            pages_dir=(user / "pages").resolve(),
            languages=supported,
            default_lang=str(default_lang) if default_lang else None,
            include_default_lang=bool(langs.get("include_default_lang", True)),
            timezone=str(system.get("timezone") or "UTC"),
            home_alias=str(home.get("alias") or "/home"),
            hide_home_in_urls=bool(home.get("hide_in_urls", False)),
            force_lowercase_urls=bool(system.get("force_lowercase_urls", True)),
            publish_dates=bool(pages.get("publish_dates", True)),
            summary_delimiter=str(summary.get("delimiter") or "==="),
            titles=_titles(config, site, supported),
            taxonomies=_taxonomies(site.get("taxonomies") or pages.get("taxonomies")),
            markdown_extra=bool((pages.get("markdown") or {}).get("extra", False)),
        )

    def fingerprint(self) -> str:
        """Return a digest of the settings; when it changes, every document must be rebuilt.

        Where the pages folder is is not a setting: documents name their files relative to it, so a
        deploy that re-points a ``user/pages`` link at a new release (or a site moved whole) is an
        update of the files that differ, not a rebuild."""
        skip = ("titles", "pages_dir")
        data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items() if k not in skip}
        return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _titles(config: Path, site: dict, languages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Return the site's title per language ("" for the one in site.yaml), as Grav reads them."""
    out = []
    if isinstance(site.get("title"), str) and site["title"].strip():
        out.append(("", site["title"].strip()))
    for lang in languages:
        try:
            title = _read_yaml(config / f"site.{lang}.yaml").get("title")
        except ContentError:
            continue
        if isinstance(title, str) and title.strip():
            out.append((lang, title.strip()))
    return tuple(out)


# Names a taxonomy cannot take: they are the search's own filters and facets.
RESERVED_TAXONOMIES = frozenset({"q", "lang", "year", "month", "from", "to", "sort", "page", "per_page", "taxonomy"})


def _taxonomies(value) -> tuple[str, ...]:
    """Return the declared taxonomy names (Grav's default, category and tag, when none are)."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    if not isinstance(value, (list, tuple)):
        return ("category", "tag")
    names = []
    for v in value:
        name = str(v).strip().lower() if isinstance(v, (str, int)) else ""
        if name and name.isidentifier() and name not in RESERVED_TAXONOMIES and name not in names:
            names.append(name)
    return tuple(names) or ("category", "tag")


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ContentError(f"{path}: cannot read the site configuration: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(f"{path}: the site configuration is not a YAML mapping")
    return data
