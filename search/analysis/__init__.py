"""Text analysis as Whoosh ``Tokenizer | Filter | ...`` chains, one per language.

Every filter rewrites token text only and keeps character offsets, so highlighting
marks the original words even when the index holds lemmas or stems.
"""

from search.analysis.chains import LANGUAGES, analyzer_for, analyze

__all__ = ["LANGUAGES", "analyzer_for", "analyze"]
