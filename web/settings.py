"""Every setting in one table: its default, where it can be set, and what it does.

Values are layered: defaults → a TOML file named by ``POISK_CONFIG`` → environment
variables (``POISK_<NAME>``) → the mapping given to ``create_app`` or the command line.
"""

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    kind: type = str

    @property
    def env(self) -> str:
        return f"POISK_{self.name}"


SETTINGS: list[Setting] = [
    Setting("CONTENT", str(REPO_ROOT / "content"), "Grav site (a folder holding user/pages) or pages folder to index."),
    Setting("INDEX", str(REPO_ROOT / "var" / "index"), "Folder of the search index."),
    Setting("HOST", "127.0.0.1", "Address `poisk serve` listens on."),
    Setting("PORT", 8000, "Port `poisk serve` listens on.", int),
    Setting(
        "WORKERS",
        1,
        "Server processes of `poisk serve`: 1 serves with waitress in one process; more run gunicorn with that many processes (about one per core), the indexing in a process of its own.",
        int,
    ),
    Setting(
        "THREADS",
        0,
        "Threads per server process (0: 4 for one waitress process, 1 per gunicorn process — searching is CPU-bound, so more threads in a process only interleave searches and lengthen the slow ones).",
        int,
    ),
    Setting(
        "CONNECTION_LIMIT",
        1000,
        "Connections each server process of `poisk serve` holds open, slow and idle ones included (requests are read without tying up a thread, so slow clients do not stall searches); past it, new connections wait to be accepted.",
        int,
    ),
    Setting(
        "CHANNEL_TIMEOUT",
        30,
        "Seconds `poisk serve` keeps a connection on which nothing arrives (an idle keep-alive one, or a request stalled half-sent) before closing it.",
        int,
    ),
    Setting(
        "INDEX_PROCESSES",
        0,
        "Processes a full build of the index analyses and writes in, one segment each (0: one per core); `poisk index` and the first build of `poisk serve` use them, rebuilds inside a serving process do not.",
        int,
    ),
    Setting(
        "SITE_URL",
        "",
        "Base URL of the Grav site, put before result URLs on the search page (e.g. https://example.org).",
    ),
    Setting("PER_PAGE", 10, "Results per page when the request does not say.", int),
    Setting("REFRESH_INTERVAL", 0.2, "Seconds between checks for a newer index in a running server.", float),
    Setting(
        "DEFAULT_UI_LANG", "ru", "Interface language when neither ?lang= nor Accept-Language decide (kk, ru or en)."
    ),
    Setting(
        "REINDEX_SECRET",
        "",
        "Shared secret of the `POST /api/reindex` webhook (HMAC-SHA256 signatures); the webhook is off while empty.",
    ),
    Setting(
        "ALLOWED_ORIGINS",
        "",
        "Origins (comma-separated, e.g. https://example.org) whose pages may call the API from a browser: the widget's hosts.",
    ),
    Setting(
        "RATE_LIMIT",
        "300 per 10 seconds;5000 per hour",
        "Requests one client may make to the page and the API (flask-limiter syntax): bursts of typing and scripted checks pass, floods do not; empty turns limits off.",
    ),
    Setting(
        "RATE_LIMIT_STORAGE",
        "memory://",
        "Where rate-limit counters live: memory:// for one process, redis://HOST:6379 to share them across workers.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "How many reverse proxies stand before the service; their X-Forwarded-For gives the client's address.",
        int,
    ),
    Setting(
        "QUERY_CACHE",
        1000,
        "Answers kept per server process for repeated searches (0: none); an answer is dropped when the index changes or a scheduled page appears.",
        int,
    ),
    Setting(
        "WORD_MEMORY",
        20_000,
        "Words each analysis memory of a server process keeps (the lemmas, stems and keys made of each word, and which words a snippet marks): more makes searches that meet new words faster and every server process larger; `poisk index` keeps 200,000.",
        int,
    ),
    Setting(
        "QUERY_TIME_BUDGET",
        2.0,
        "Seconds a query may take; past it, the hits found so far are answered, flagged partial.",
        float,
    ),
    Setting(
        "RECENCY_HALF_LIFE_DAYS",
        365.0,
        "Days after which a post (a page whose header gives its date) keeps half of the relevance that age can take from it: among comparably relevant posts the newer comes first; pages dated by their file (sections) never fade; 0 turns it off.",
        float,
    ),
    Setting(
        "RECENCY_WEIGHT",
        0.25,
        "Share of a post's relevance that age can take at most (0 to below 1; 0 turns recency off).",
        float,
    ),
    Setting(
        "ANALYTICS",
        "auto",
        "SQLite file of searches and clicks for editors (no addresses, no cookies); `auto` keeps it beside the index folder, empty turns it off.",
    ),
    Setting("ANALYTICS_RETENTION_DAYS", 90, "Days searches and clicks are kept.", int),
    Setting(
        "RULES",
        "auto",
        "Editors' pins and hides (`rules.toml`: for a query, in any form of its words, pin pages to positions or hide them, with optional from/until dates); `auto` keeps it beside the index folder, empty turns rules off. Reread within a second of a change.",
    ),
    Setting(
        "LISTS",
        "auto",
        "Folder of the word lists editors change (synonyms, places, entities, generic words, block-lists): a list there replaces the one shipped with Poisk; `auto` is `lists/` beside the index folder. Reread within a second of a change.",
    ),
    Setting(
        "ADMIN_TOKEN",
        "",
        "A read-write token named `admin` for the admin pages (`/admin`: stats, rules, word lists, explain), given as `Authorization: Bearer …`, through `/admin/login`, or (reading only) `?token=`; admin is off while no token is set.",
    ),
    Setting(
        "ADMIN_TOKENS",
        "",
        "More admin tokens, each `name:role:token` (role `read` or `write`), separated by commas or new lines; the name is what the change log records.",
    ),
    Setting(
        "ADMIN_TOKENS_FILE",
        "",
        "A file of admin tokens, one `name:role:token` a line (`#` comments); keep it mode 600.",
    ),
    Setting(
        "ADMIN_RATE_LIMIT",
        "10 per minute",
        "Failed admin sign-ins (a wrong or missing token, a refused form) one client may make before it must wait (flask-limiter syntax).",
    ),
    Setting(
        "SECRET_KEY",
        "",
        "Key that signs the admin session cookie; empty: one is made once and kept in `secret_key` beside the index folder (mode 600), shared by every server process.",
    ),
    Setting(
        "SEMANTIC",
        "auto",
        "Search by meaning as well as words (multilingual-e5-small, bundled): `on`, `off`, or `auto` — on while the index holds at most SEMANTIC_AUTO_MAX_PAGES pages. Pages are embedded in the background after their words are searchable.",
    ),
    Setting(
        "SEMANTIC_AUTO_MAX_PAGES",
        20_000,
        "Pages up to which SEMANTIC=auto embeds them (about 13 pages a second on two cores: 20,000 pages take under half an hour once, then only changed pages are embedded).",
        int,
    ),
    Setting(
        "SEMANTIC_PASSAGE_CHARS",
        600,
        "Characters of each page embedded: its title, summary and the start of its body (longer finds a little more and embeds more slowly).",
        int,
    ),
    Setting(
        "SEMANTIC_TITLES_ONLY",
        False,
        "Embed only titles and summaries (shorter passages: quicker to embed; finds less).",
        bool,
    ),
    Setting(
        "WATCH_DEBOUNCE",
        0.3,
        "Seconds of quiet after file changes before `poisk serve --watch` updates the index.",
        float,
    ),
]

_BY_NAME = {s.name: s for s in SETTINGS}


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _convert(setting: Setting, value):
    if value is None or isinstance(value, setting.kind):
        return value
    if setting.kind is bool:
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise SettingsError(f"setting {setting.name} must be true or false, got {value!r}")
    try:
        return setting.kind(value)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {setting.name} must be {setting.kind.__name__}, got {value!r}") from None


def load(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Return the settings, layered as the module docstring says."""
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    config_file = environ.get("POISK_CONFIG")
    if config_file:
        try:
            data = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read the config file {config_file}: {exc}") from None
        for key, value in data.items():
            name = key.upper()
            if name not in _BY_NAME:
                raise SettingsError(f"unknown setting {key!r} in {config_file}: see the settings table in README.md")
            values[name] = value
    for s in SETTINGS:
        if s.env in environ:
            values[s.name] = environ[s.env]
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value  # keys outside the table (TESTING, CLOCK) pass through
    for s in SETTINGS:
        values[s.name] = _convert(s, values[s.name])
    if values["WORD_MEMORY"] < 1:
        raise SettingsError(f"setting WORD_MEMORY must be at least 1, got {values['WORD_MEMORY']}")
    if str(values["SEMANTIC"]).lower() not in ("auto", "on", "off"):
        raise SettingsError(f"setting SEMANTIC must be auto, on or off, got {values['SEMANTIC']!r}")
    values["SEMANTIC"] = str(values["SEMANTIC"]).lower()
    if values["DEFAULT_UI_LANG"] not in ("kk", "ru", "en"):
        raise SettingsError(f"setting DEFAULT_UI_LANG must be kk, ru or en, got {values['DEFAULT_UI_LANG']!r}")
    return values


def table_markdown() -> str:
    """Return the settings table as Markdown (the README shows it)."""
    rows = ["| setting | environment | default | what it does |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = s.default
        if isinstance(default, str) and default.startswith(str(REPO_ROOT)):
            default = Path(default).relative_to(REPO_ROOT).as_posix()
        shown = f"`{default}`" if default != "" else "(none)"
        rows.append(f"| `{s.name.lower()}` | `{s.env}` | {shown} | {s.help} |")
    return "\n".join(rows)


def beside_index(config, name: str, default_name: str) -> Path | None:
    """Return the file a path setting names: ``auto`` is ``default_name`` beside the index folder; empty is None."""
    value = str(config.get(name) or "").strip()
    if not value:
        return None
    return Path(config["INDEX"]).resolve().parent / default_name if value == "auto" else Path(value)
