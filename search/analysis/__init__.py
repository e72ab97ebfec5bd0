"""Text analysis as Whoosh ``Tokenizer | Filter | ...`` chains, per level and language.

Every filter rewrites token text only and keeps character offsets, so highlighting
marks the original words even when the index holds lemmas, stems or family keys.
"""

from search.analysis.chains import FAMILY_LANGUAGES, LANGUAGES, analyze, analyze_positions, analyzer_for

__all__ = ["FAMILY_LANGUAGES", "LANGUAGES", "analyze", "analyze_positions", "analyzer_for"]
