"""The index schema: one document per page file, text fields per language."""

from whoosh import fields

from search.analysis import FAMILY_LANGUAGES, LANGUAGES, analyzer_for
from search.analysis.indexing import IndexingExistence, IndexingFrequency, IndexingPositions

# Bump when the schema or any analyser changes what is indexed: the indexer then
# rebuilds from content instead of mixing old and new keys.
SCHEMA_VERSION = 17

CODE_FIELD = "code"
CROSS_FIELD = "cross"
CROSS_TITLE_FIELD = "cross_title"
SPELL_FIELD = "spell"

# Largest epoch second we store: "never unpublished".
FOREVER = 2**62

# A page's taxonomy in one column value: "name\x1fvalue" pairs joined by "\x1e".
_PAIR, _PAIRS = "\x1f", "\x1e"


def taxonomy_value(taxonomy: dict[str, list[str]]) -> str:
    """Return a page's taxonomy (name → values) as the value of its ``taxonomy`` column."""
    return _PAIRS.join(f"{name}{_PAIR}{value}" for name, values in taxonomy.items() for value in values)


def taxonomy_pairs(value: str) -> list[tuple[str, str]]:
    """Return the (name, value) pairs of a ``taxonomy`` column value."""
    return [tuple(pair.split(_PAIR, 1)) for pair in value.split(_PAIRS) if _PAIR in pair] if value else []


def title_field(lang: str) -> str:
    """Return the name of ``lang``'s analysed title field."""
    return f"title_{lang}"


def body_field(lang: str) -> str:
    """Return the name of ``lang``'s analysed body field."""
    return f"body_{lang}"


def family_field(lang: str) -> str:
    """Return the name of ``lang``'s derivational family field (ru and kk)."""
    return f"family_{lang}"


def _unindexed(field: fields.FieldType) -> fields.FieldType:
    """Return ``field`` stored and kept as a column but without terms.

    The dates are filtered, sorted and counted from columns (``search.doctable``): the 16 range
    terms per document that Whoosh would index for each were an eighth of all postings. The page
    folder and the same-text key are read from columns too.
    """
    field.indexed = False
    return field


def _text(analyzer, phrase: bool) -> fields.TEXT:
    """Return a text field whose postings come straight from its analyser's indexing runs."""
    field = fields.TEXT(analyzer=analyzer, phrase=phrase)
    field.format = (IndexingPositions if phrase else IndexingFrequency)(field_boost=field.format.field_boost)
    return field


def build_schema() -> fields.Schema:
    """Return the Whoosh schema of a Poisk index."""
    # Values kept as columns (sortable) are not stored as well: search.doctable.COLUMN_FIELDS lists
    # them, and DocTable.page / page_fields read a page's fields with them put back.
    schema = fields.Schema(
        # Identity: the source file relative to the pages folder. Its page folder (the files of one
        # folder are translations of one page) is read from it: search.doctable.folder_of.
        path=fields.ID(unique=True, sortable=True),  # a column: page vectors find their documents
        # Pages whose text is the same (copies under two folder numbers) share this key and
        # are answered as one hit that lists its other addresses.
        same_text=_unindexed(fields.ID(sortable=True)),
        lang=fields.ID(sortable=True),
        # Columns too: the links to a hit's translations and copies, and the titles of the pages a
        # query may name (search.navigation), are read from them.
        url=_unindexed(fields.ID(sortable=True)),
        # What a result shows.
        title=_unindexed(fields.ID(sortable=True)),
        summary=fields.STORED(),
        body=fields.STORED(),
        date_iso=fields.STORED(),
        # Dates: epoch seconds for sorting and ranges; year and month in the site's
        # timezone for facets and filters.
        date=_unindexed(fields.NUMERIC(int, bits=64, sortable=True)),
        year=fields.ID(sortable=True),
        month=fields.ID(sortable=True),
        # Visibility, decided at query time against the clock: a page is visible while
        # visible_from <= now < visible_until; a draft or a page without a URL has
        # visible_from = FOREVER.
        published=fields.BOOLEAN(stored=True),
        routable=fields.BOOLEAN(stored=True),
        visible_from=_unindexed(fields.NUMERIC(int, bits=64, sortable=True)),
        visible_until=_unindexed(fields.NUMERIC(int, bits=64, sortable=True)),
        # Taxonomy.
        category=fields.KEYWORD(stored=True, commas=True, lowercase=True),
        tag=fields.KEYWORD(stored=True, commas=True, lowercase=True),
        # Every taxonomy the site declares (author, …), for facets and filters (search.doctable).
        taxonomy=_unindexed(fields.ID(sortable=True)),  # a column only: hits read it from search.doctable
        # 1 when the page's header gives its date (a post, whose relevance fades with age), 0 when
        # it is dated by its file (a section page, which does not age).
        dated=_unindexed(fields.NUMERIC(int, bits=8, stored=False, sortable=True)),
        # The result card: the page's picture (a URL path) and the title of the section it sits under.
        image=fields.STORED(),
        image_alt=fields.STORED(),
        section=fields.STORED(),
        # A long page's sections: (heading, the heading's id on the page, plain text), for sub-results.
        parts=fields.STORED(),
        # Change detection for incremental reindexing.
        mtime_ns=fields.STORED(),
        size=fields.STORED(),
        sha1=fields.STORED(),
        context_sha=fields.STORED(),  # of the section's and sub-pages' titles searched with the page
    )
    for lang in LANGUAGES:
        analyzer = analyzer_for(lang)
        schema.add(title_field(lang), _text(analyzer, phrase=True))
        schema.add(body_field(lang), _text(analyzer, phrase=True))
    for lang in FAMILY_LANGUAGES:
        schema.add(family_field(lang), _text(analyzer_for(lang, "family"), phrase=True))
    schema.add(CODE_FIELD, _text(analyzer_for(None, "code"), phrase=True))
    schema.add(CROSS_FIELD, _text(analyzer_for(None, "cross"), phrase=False))
    schema.add(CROSS_TITLE_FIELD, _text(analyzer_for(None, "cross"), phrase=False))
    # The words as written: the vocabulary that typo and keyboard-layout corrections draw on. Only
    # which pages hold each word is kept (its document frequency), not how often: a third of all
    # postings are this field's, and counts would add a value and a weight to each.
    spell = _text(analyzer_for(None, "spell"), phrase=False)
    spell.format = IndexingExistence(field_boost=spell.format.field_boost)
    spell.scorable = False
    schema.add(SPELL_FIELD, spell)
    return schema
