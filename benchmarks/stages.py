"""Where a Poisk query's time goes: timers around the stage functions of :mod:`search.service`.

Each function is wrapped in the namespace :mod:`search.service` looks it up in (``search.service.matching``,
``search.query.parse``, the service's own methods on the instance, ``DocTable.count`` on its class, the
searcher's ``stored_fields`` on the searcher), timed only inside :meth:`SearchService.search` and in the
thread asking, and put back afterwards. Only the outermost stage running counts (``_named`` calls
``matching``: its time is matching once), except that the snippets and titles made inside ``_hit`` are
carved out of it: the rest of ``_hit`` is translations and copies. "other" is the search's total time
less every stage's.

    from benchmarks import stages
    stages.print_table(stages.profile(service, [("ru", "пример"), ...]))
"""

import functools
import importlib
import sys
import threading
import time

# (stage, where each of its functions is looked up: "module:attribute", "module:Class.attribute",
# "service:method" on the service instance, "searcher:method" on the searcher the service searches with)
STAGES: list[tuple[str, tuple[str, ...]]] = [
    (
        "parse & corrections",
        (
            "search.query:parse",
            "search.datewords:extract",
            "search.service:correct",
            "search.query:to_parts",
            "service:_spellings",
        ),
    ),
    ("matching", ("search.service:matching", "search.relax:relax", "service:_named")),
    ("ranking", ("search.ranking:order", "search.ranking:scores", "search.ranking:best_first")),
    ("meaning", ("service:_near",)),
    # marked_words (when search.service has it) finds the words a hit's title and snippet mark
    ("snippets & titles", ("search.service:snippet", "search.service:marked_title", "search.service:marked_words")),
    ("translations & copies", ("service:_hit",)),
    ("stored fields", ("searcher:stored_fields",)),
    ("facets", ("search.doctable:DocTable.count", "service:_allowed")),
]
OTHER = "other"
# Stages timed on their own even inside another: the rest of _hit is translations and copies.
CARVED = {"translations & copies": frozenset({"snippets & titles"})}
OPTIONAL = {"search.service:marked_words"}  # may be absent: not reported missing

_MISSING = object()


class _Clock:
    """Stage totals (seconds) of the searches run while ``on``, in one thread."""

    def __init__(self):
        self.totals = {stage: 0.0 for stage, _ in STAGES}
        self.stack: list[list] = []  # [stage, seconds of carved-out stages inside it]
        self.on = False
        self.thread = threading.get_ident()

    def wrap(self, stage: str, fn):
        clock = self

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            stack = clock.stack
            if not clock.on or threading.get_ident() != clock.thread:
                return fn(*args, **kwargs)
            if stack and stage not in CARVED.get(stack[-1][0], ()):
                return fn(*args, **kwargs)  # inside another stage: counted there
            frame = [stage, 0.0]
            stack.append(frame)
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                stack.pop()
                clock.totals[stage] += elapsed - frame[1]
                if stack:
                    stack[-1][1] += elapsed

        return timed


def _owner(where: str, service, searcher):
    """Return (the object holding the attribute, its name) for ``where``."""
    place, _, attribute = where.partition(":")
    if place == "service":
        return service, attribute
    if place == "searcher":
        return searcher, attribute
    owner = importlib.import_module(place)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, name


def profile(service, queries, correct: bool = True) -> list[tuple[str, float, float, float]]:
    """Ask each of ``queries`` ((lang, q) pairs) once with stage timers on; return the stage table.

    Rows are (stage, total ms, ms per query, share of the total search time), the stages in
    :data:`STAGES` order, then "other" and "total". The answer cache of ``service`` should be off
    (``cache_size=0``), or a repeated query is an answer taken from it.
    """
    from search.service import SearchRequest

    requests = [SearchRequest(q=q, lang=lang, correct=correct) for lang, q in queries]
    searcher, _ = service._searcher()  # the one this thread searches with (refreshed only on a new commit)
    clock = _Clock()
    wrapped, missing = [], []
    try:
        for stage, places in STAGES:
            for where in places:
                owner, name = _owner(where, service, searcher)
                fn = getattr(owner, name, _MISSING)
                if fn is _MISSING:
                    if where not in OPTIONAL:
                        missing.append(where)
                    continue
                before = vars(owner).get(name, _MISSING) if hasattr(owner, "__dict__") else _MISSING
                setattr(owner, name, clock.wrap(stage, fn))
                wrapped.append((owner, name, before))
        total = 0.0
        for req in requests:
            clock.on = True
            started = time.perf_counter()
            try:
                service.search(req)
            finally:
                total += time.perf_counter() - started
                clock.on = False
                clock.stack.clear()
    finally:
        for owner, name, before in reversed(wrapped):
            if before is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, before)
    if missing:
        print(f"stages: not found, so not timed: {', '.join(missing)}", file=sys.stderr)
    n = max(1, len(requests))
    total_ms = total * 1000
    rows = [(stage, seconds * 1000) for stage, seconds in clock.totals.items()]
    rows.append((OTHER, total_ms - sum(ms for _, ms in rows)))
    rows.append(("total", total_ms))
    return [(stage, ms, ms / n, ms / total_ms if total_ms else 0.0) for stage, ms in rows]


def print_table(rows, title: str | None = None, out=None) -> None:
    """Print the rows of :func:`profile` as a Markdown table."""
    out = out or sys.stdout
    if title:
        print(title, file=out)
    print("| stage | total ms | ms per query | share |", file=out)
    print("|---|---:|---:|---:|", file=out)
    for stage, total_ms, per_query, share in rows:
        print(f"| {stage} | {total_ms:,.1f} | {per_query:.2f} | {share:.1%} |", file=out)
