"""The API's OpenAPI 3 description, served at ``/api/openapi.json``."""

from flask import Blueprint, jsonify

from search.query import MAX_QUERY_CHARS
from search.service import MAX_PAGE, MAX_PER_PAGE
from web.feeds import ENTRIES
from web.security import MAX_QUERY_STRING

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _param(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _repeated(name: str, description: str, pattern: str = r"\S") -> dict:
    """A query parameter that may be given several times (form style, exploded)."""
    schema = {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 200, "pattern": pattern}}
    return {**_param(name, schema, description), "style": "form", "explode": True}


FACET = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "count"],
        "additionalProperties": False,
        "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
    },
}
HIT = {
    "type": "object",
    "required": ["path", "url", "lang", "title", "snippet", "date", "score"],
    "properties": {
        "path": {"type": "string", "description": "The source file, relative to the pages folder."},
        "url": {"type": "string", "description": "The page's address on the site."},
        "lang": {"type": "string", "enum": ["kk", "ru", "en"]},
        "title": {"type": "string", "description": "Safe HTML: <mark> is the only markup."},
        "snippet": {"type": "string", "description": "Safe HTML: <mark> is the only markup."},
        "date": {"type": ["string", "null"], "format": "date-time"},
        "score": {"type": ["number", "null"]},
        "category": {"type": "array", "items": {"type": "string"}},
        "tag": {"type": "array", "items": {"type": "string"}},
        "missing": {
            "type": ["array", "null"],
            "items": {"type": "string"},
            "description": "The query words this page lacks (it follows the pages holding every word); "
            "null when it holds them all.",
        },
        "pinned": {
            "type": "boolean",
            "description": "An editor's rule put this page at its position for this query (see `rules.toml`).",
        },
        "match": {
            "type": "string",
            "enum": ["all", "partial", "semantic"],
            "description": "How the page matched: `all` the query's words, `partial` some of them (see `missing`), "
            "`semantic` found by meaning (a page near the query's meaning that may hold none of its words).",
        },
        "taxonomy": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Every taxonomy's values the page carries, by taxonomy name (category, tag, author, …).",
        },
        "image": {
            "type": ["object", "null"],
            "required": ["url", "alt"],
            "properties": {"url": {"type": "string"}, "alt": {"type": "string"}},
            "description": "The page's picture: the header's `header_image`/`image`, else the first image of its "
            "text or folder that exists; `url` as the site serves page media (`/user/pages/…`) or as the header "
            "gives it. null when the page has none.",
        },
        "section": {
            "type": ["string", "null"],
            "description": "The title, in the page's language, of the site's top-level section the page is under.",
        },
        "link": {
            "type": "string",
            "description": "`url` with a text fragment (`#:~:text=…`) that makes the browser scroll to the "
            "snippet's words and highlight them.",
        },
        "dated": {
            "type": "boolean",
            "description": "Whether the page's header gives its date (a post); false for a page Grav dates by its "
            "file's time (a section page), whose `date` tells when the file last changed, not when it was published.",
        },
        "sections": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "required": ["title", "url", "snippet"],
                "properties": {
                    "title": {"type": "string", "description": "The heading, as text."},
                    "url": {"type": "string", "description": "The page's address with the heading's anchor."},
                    "snippet": {"type": "string", "description": "Safe HTML: <mark> is the only markup."},
                },
            },
            "description": "For a long page, the parts (under `##` headings) that match, best first.",
        },
    },
}


def _feed(search_parameters: list[dict]) -> dict:
    """Return the description of ``/search.atom``: ``/api/search``'s parameters, newest first, as Atom."""
    fixed = {
        "sort": _param("sort", {"type": "string", "enum": ["date"]}, "Always date: a feed is newest first."),
        "page": _param("page", {"type": "integer", "minimum": 1, "maximum": 1}, "Always 1: the newest results."),
        "per_page": _param(
            "per_page", {"type": "integer", "minimum": 1, "maximum": ENTRIES}, f"Entries (default {ENTRIES})."
        ),
    }
    return {
        "get": {
            "summary": "Search as an Atom feed",
            "operationId": "search_feed",
            "description": f"The {ENTRIES} newest visible results of the search, for feed readers: Atom 1.0 (RFC "
            "4287), one entry per page (id and link its absolute address, title and summary as plain text, "
            "published and updated its date, xml:lang and hreflang its language). Polls are not recorded as "
            "searches; an unchanged search answers the same bytes and ETag.",
            "parameters": [fixed.get(p["name"], p) for p in search_parameters],
            "responses": {
                "200": {
                    "description": "The feed.",
                    "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                },
                "304": {"description": "Not modified since the ETag given in If-None-Match."},
                "400": _error("A parameter cannot be used."),
                "413": {"description": "The request is too large."},
                "429": {"description": "Too many requests from this client."},
                "503": {"description": "There is no usable index at the moment."},
            },
        }
    }


def document() -> dict:
    """Return the OpenAPI description of the API."""
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "Poisk",
            "version": "1",
            "description": "Full-text search of a multilingual (kk, ru, en) Grav news archive.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search",
                    "operationId": "search",
                    "parameters": [
                        _param(
                            "q",
                            {"type": "string", "maxLength": MAX_QUERY_CHARS},
                            'Words, "phrases", -excluded words, OR; nothing else is syntax. Empty lists every page.',
                        ),
                        _param(
                            "lang", {"type": "string", "enum": ["kk", "ru", "en"]}, "Only results in this language."
                        ),
                        _param("year", {"type": "integer", "minimum": 1000, "maximum": 2999}, "Only this year."),
                        _param(
                            "month",
                            {"type": "string", "pattern": r"^[12][0-9]{3}-(0[1-9]|1[0-2])$"},
                            "Only this month (YYYY-MM, years 1000-2999).",
                        ),
                        _param(
                            "from",
                            {"type": "string", "format": "date", "pattern": r"^[12][0-9]{3}-"},
                            "From this day (inclusive; 1000-01-01 to 2999-12-31).",
                        ),
                        _param(
                            "to",
                            {"type": "string", "format": "date", "pattern": r"^[12][0-9]{3}-"},
                            "To this day (inclusive, not before from; 1000-01-01 to 2999-12-31).",
                        ),
                        _param("sort", {"type": "string", "enum": ["relevance", "date"]}, "Order of the results."),
                        _param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page of results."),
                        _param(
                            "per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Results per page."
                        ),
                        _param("correct", {"type": "string", "enum": ["0", "1"]}, "0 searches exactly what was typed."),
                        _param(
                            "prefer_lang",
                            {"type": "string", "enum": ["kk", "ru", "en"]},
                            "Rank pages in this language first, without filtering.",
                        ),
                        _param(
                            "others",
                            {"type": "string", "enum": ["0", "1"]},
                            "With lang: also pages that exist only in another language, after lang's own.",
                        ),
                        _repeated("category", "Only pages of this category (repeat for any of several)."),
                        _repeated("tag", "Only pages with this tag (repeat for any of several)."),
                        _repeated(
                            "taxonomy",
                            "Only pages with this value of another taxonomy the site declares, as `name:value` "
                            "(`author:Aigerim Nurlanova`); repeat for several. Values of one taxonomy are "
                            "alternatives, different taxonomies must all hold; values compare case-insensitively.",
                            pattern=r"^[A-Za-z_][A-Za-z0-9_]*:.*\S",
                        ),
                        _param(
                            "collapse",
                            {"type": "string", "enum": ["translations"]},
                            "With prefer_lang and no lang: one hit per story (a page and its translations), "
                            "the version in prefer_lang when it has one (the others under `translations`), "
                            "counted once in total and facets.",
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "One page of results, with facets over all hits.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchPage"}}},
                        },
                        "400": _error("A parameter cannot be used."),
                        "413": _error("The request is too large."),
                        "429": _error("Too many requests from this client."),
                        "503": _error("There is no usable index at the moment."),
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": "Complete the last word typed",
                    "operationId": "suggest",
                    "parameters": [
                        _param("q", {"type": "string", "maxLength": MAX_QUERY_CHARS}, "What has been typed so far."),
                        _param(
                            "lang",
                            {"type": "string", "enum": ["kk", "ru", "en"]},
                            "Only words of pages in this language.",
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "Completions, commonest first.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["query", "suggestions"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "query": {"type": "string"},
                                            "suggestions": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                                "maxItems": 8,
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error("A parameter cannot be used."),
                        "429": _error("Too many requests from this client."),
                        "503": _error("There is no usable index at the moment."),
                    },
                }
            },
            "/api/related": {
                "get": {
                    "summary": "Pages like this one",
                    "operationId": "related",
                    "parameters": [
                        _param(
                            "path",
                            {"type": "string", "minLength": 1, "maxLength": 1000},
                            "A page's path as /api/search gives it.",
                            required=True,
                        )
                    ],
                    "responses": {
                        "200": {
                            "description": "The most similar visible pages.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["path", "related"],
                                        "properties": {
                                            "path": {"type": "string"},
                                            "related": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "required": ["path", "url", "lang", "title"],
                                                },
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error("No such visible page, or a bad parameter."),
                        "429": _error("Too many requests from this client."),
                        "503": _error("There is no usable index at the moment."),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Health",
                    "operationId": "health",
                    "responses": {
                        "200": {
                            "description": "Searching works.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["status", "documents"],
                                        "properties": {
                                            "status": {"const": "ok"},
                                            "documents": {"type": "integer"},
                                            "updated_at": {"type": ["string", "null"]},
                                            "indexer": {"type": "object"},
                                            "semantic": {
                                                "type": "object",
                                                "description": "Search by meaning: `state` is off, unavailable "
                                                "(the model cannot be loaded: see reason), waiting, embedding or "
                                                "ready; `pages` have a vector, `pending` wait for one.",
                                                "properties": {
                                                    "state": {
                                                        "enum": [
                                                            "off",
                                                            "unavailable",
                                                            "waiting",
                                                            "embedding",
                                                            "ready",
                                                            "failing",
                                                        ]
                                                    },
                                                    "pages": {"type": "integer"},
                                                    "pending": {"type": "integer"},
                                                    "reason": {"type": ["string", "null"]},
                                                },
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "503": {
                            "description": "Degraded (searches are answered but edits are not being indexed, or the "
                            "index was found damaged and is being rebuilt: see reason), or no usable "
                            "index (rebuilding, unavailable).",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["status"],
                                        "properties": {
                                            "status": {"enum": ["degraded", "rebuilding", "unavailable"]},
                                            "reason": {"type": "string"},
                                            "documents": {"type": "integer"},
                                            "indexer": {"type": "object"},
                                        },
                                    }
                                }
                            },
                        },
                    },
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Readiness: searches can be answered",
                    "operationId": "ready",
                    "description": "200 while an index is served, even when /healthz says degraded: for load balancers.",
                    "responses": {
                        "200": {
                            "description": "Searches are answered.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["status", "documents"],
                                        "properties": {"status": {"const": "ok"}, "documents": {"type": "integer"}},
                                    }
                                }
                            },
                        },
                        "503": {
                            "description": "There is no usable index at the moment.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["status", "error"],
                                        "properties": {"status": {"const": "unavailable"}, "error": {"type": "string"}},
                                    }
                                }
                            },
                        },
                    },
                }
            },
            "/api/reindex": {
                "post": {
                    "summary": "Reindex webhook",
                    "operationId": "reindex",
                    "description": "Signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body); off unless a secret is set.",
                    "parameters": [
                        {"name": "X-Hub-Signature-256", "in": "header", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": {
                        "202": {
                            "description": "Accepted (or a duplicate delivery).",
                            "content": {"application/json": {"schema": {"type": "object", "required": ["status"]}}},
                        },
                        "400": _error("Unsupported content type."),
                        "401": _error("No signature."),
                        "403": _error("Wrong signature."),
                        "404": _error("The webhook is off."),
                        "411": _error("No Content-Length."),
                        "413": _error("The body is too large."),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "status"],
                    "additionalProperties": False,
                    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                },
                "Hit": HIT,
                "SearchPage": {
                    "type": "object",
                    "required": [
                        "query",
                        "total",
                        "page",
                        "per_page",
                        "took_ms",
                        "results",
                        "facets",
                        "corrected",
                        "partial",
                        "relaxed",
                    ],
                    "properties": {
                        "query": {"type": "string"},
                        "total": {"type": "integer", "minimum": 0},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "took_ms": {"type": "number"},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                        "facets": {
                            "type": "object",
                            "required": ["year", "month", "lang", "category", "tag"],
                            "properties": {
                                "year": FACET,
                                "month": FACET,
                                "lang": FACET,
                                "category": FACET,
                                "tag": FACET,
                            },
                            "additionalProperties": FACET,
                            "description": "Counts of the hits by year, month, language and taxonomy (category, "
                            "tag and any other taxonomy the site declares, such as author), most frequent first. A "
                            "taxonomy the request filters by is counted as if it did not, so that other values can "
                            "be added; every other filter applies. Only visible pages count.",
                        },
                        "corrected": {"type": ["string", "null"]},
                        "partial": {"type": "boolean"},
                        "relaxed": {
                            "type": ["array", "null"],
                            "items": {"type": "string"},
                            "description": "When fewer pages than a page of results hold every word, pages lacking "
                            "the least telling words follow (each hit says which in `missing`): "
                            "the query words some hits lack; null when every hit has every word.",
                        },
                        "search_id": {
                            "type": ["string", "null"],
                            "description": "For GET /api/click (null when analytics are off).",
                        },
                    },
                },
            }
        },
    }
    doc["paths"]["/search.atom"] = _feed(doc["paths"]["/api/search"]["get"]["parameters"])
    doc["paths"].update(_admin(doc["paths"]["/api/search"]["get"]["parameters"]))
    doc["components"]["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "An admin token (POISK_ADMIN_TOKEN(S))."}
    }
    # Every request's query string is capped before it reaches its endpoint (web.security).
    too_long = _error(f"The query string is longer than {MAX_QUERY_STRING} bytes.")
    for operations in doc["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault("413", too_long)
    return doc


def _admin_responses(ok: dict, *extra: tuple[str, str]) -> dict:
    responses = {
        **ok,
        "401": _error("No token."),
        "403": _error("A wrong token, or a read-only token on a write operation."),
        "404": _error("Admin is off (no token is set), or no such thing."),
        "429": _error("Too many failed attempts from this client."),
    }
    for code, why in extra:
        responses[code] = _error(why)
    return responses


def _admin(search_parameters: list[dict]) -> dict:
    """Return the admin API's paths: explain, stats (and their purge), rules and word lists, behind bearer tokens."""
    bearer = [{"bearer": []}]
    json_object = {"application/json": {"schema": {"type": "object"}}}
    list_name = {
        "name": "name",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": ["synonyms", "places", "entities", "generic"]},
    }
    rule = {
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": {"type": "string", "maxLength": 256},
            "match": {"type": "string", "enum": ["exact", "contains"]},
            "pin": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
            "hide": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
            "from": {
                "type": "string",
                "description": "A date (2026-12-31) or a date and time, in the site's timezone.",
            },
            "until": {"type": "string", "description": "A date (through that day) or a date and time (up to it)."},
            "note": {"type": "string"},
        },
    }
    explain_parameters = [p for p in search_parameters if p["name"] != "q"] + [
        _param("q", {"type": "string", "minLength": 1, "maxLength": 256}, "The query to explain.", required=True),
        _param("path", {"type": "string"}, "A page (address, folder or file): where it is, or why it is not shown."),
        _param("top", {"type": "integer", "minimum": 0, "maximum": 20}, "Top hits to account for (default 5)."),
        _param("format", {"type": "string", "enum": ["json"]}, "json (the default for programs)."),
    ]
    return {
        "/admin/explain": {
            "get": {
                "summary": "Explain a search",
                "operationId": "admin_explain",
                "security": bearer,
                "description": "How each word was read, each top hit's score in parts (terms and fields, language "
                "bonus, recency), the rules applied, and for `path` where the page is or why it is not shown.",
                "parameters": explain_parameters,
                "responses": _admin_responses(
                    {
                        "200": {
                            "description": "The explanation.",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "required": ["reading", "total", "hits", "rules"]}
                                }
                            },
                        }
                    },
                    ("400", "A parameter cannot be used."),
                    ("503", "There is no usable index at the moment."),
                ),
            }
        },
        "/admin/stats": {
            "get": {
                "summary": "Search analytics",
                "operationId": "admin_stats",
                "security": bearer,
                "description": "Per week, top and trending queries, zero-result queries with a tried fix, "
                "click-through and mean click position per query, queries clicked below the fifth result.",
                "parameters": [
                    _param("format", {"type": "string", "enum": ["json", "csv"]}, "json, or csv for one table.", True),
                    _param(
                        "table",
                        {
                            "type": "string",
                            "enum": ["queries", "zero_results", "weeks", "bad_ranking", "trending", "top"],
                        },
                        "With format=csv: which table (default queries).",
                    ),
                    _param("weeks", {"type": "integer", "minimum": 1, "maximum": 104}, "Weeks back (default 8)."),
                ],
                "responses": _admin_responses(
                    {
                        "200": {
                            "description": "The report.",
                            "content": {
                                "application/json": {"schema": {"type": "object"}},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        }
                    },
                    ("400", "A parameter cannot be used."),
                ),
            }
        },
        "/admin/stats/purge": {
            "post": {
                "summary": "Delete old searches now",
                "operationId": "admin_purge_stats",
                "security": bearer,
                "description": "Delete the searches and clicks older than POISK_ANALYTICS_RETENTION_DAYS at once "
                "(the store also does so as it records). Logged with the token's name.",
                "responses": _admin_responses(
                    {
                        "200": {
                            "description": "How many searches were deleted.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["purged", "retention_days"],
                                        "properties": {
                                            "purged": {"type": "integer", "minimum": 0},
                                            "retention_days": {"type": "integer"},
                                        },
                                    }
                                }
                            },
                        }
                    }
                ),
            }
        },
        "/admin/api/rules": {
            "post": {
                "summary": "Add a pin or hide rule",
                "operationId": "admin_add_rule",
                "security": bearer,
                "requestBody": {"required": True, "content": {"application/json": {"schema": rule}}},
                "responses": _admin_responses(
                    {"201": {"description": "The rule as it is in force.", "content": json_object}},
                    ("400", "The rule cannot be used: the message says why."),
                ),
            }
        },
        "/admin/api/rules/{number}": {
            "delete": {
                "summary": "Remove a rule",
                "operationId": "admin_delete_rule",
                "security": bearer,
                "parameters": [
                    {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
                ],
                "responses": _admin_responses({"204": {"description": "Removed."}}),
            }
        },
        "/admin/api/lists/{name}": {
            "get": {
                "summary": "A word list as it is in force",
                "operationId": "admin_get_list",
                "security": bearer,
                "parameters": [list_name],
                "responses": _admin_responses(
                    {"200": {"description": "The list.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
                ),
            },
            "put": {
                "summary": "Replace a word list",
                "operationId": "admin_put_list",
                "security": bearer,
                "description": "Validated first: a bad line is refused (400, naming the line) and the list in force "
                "stays. Every server process follows within seconds.",
                "parameters": [list_name],
                "requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": _admin_responses(
                    {"200": {"description": "Saved.", "content": json_object}},
                    ("400", "A bad line: the message names it."),
                ),
            },
        },
    }


@bp.get("/api/openapi.json")
def openapi():
    """Serve the OpenAPI description."""
    return jsonify(document())
