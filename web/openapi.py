"""The API's OpenAPI 3 description, served at ``/api/openapi.json``."""

from flask import Blueprint, jsonify

from search.query import MAX_QUERY_CHARS
from search.service import MAX_PAGE, MAX_PER_PAGE

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _param(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


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
        "match": {
            "type": "string",
            "enum": ["all", "partial", "semantic"],
            "description": "How the page matched: `all` the query's words, `partial` some of them (see `missing`), "
            "`semantic` found by meaning (a page near the query's meaning that may hold none of its words).",
        },
    },
}


def document() -> dict:
    """Return the OpenAPI description of the API."""
    return {
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
                            "required": ["year", "month", "lang"],
                            "properties": {"year": FACET, "month": FACET, "lang": FACET},
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


@bp.get("/api/openapi.json")
def openapi():
    """Serve the OpenAPI description."""
    return jsonify(document())
