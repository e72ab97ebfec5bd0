"""Which segments a save's commit merges: the small ones saves leave, never a full build's.

Every save writes a segment of its own (a page or a section). Left alone they pile up, and each
term a search looks up is looked up in every segment. Whoosh merges segments through its writer,
a posting at a time (4.3 ms a page of the real archive), and its own ``MERGE_SMALL`` (in whoosh3
and whoosh-reloaded alike) measures "small" against the whole index: the first save after a full
build of a million pages (38 segments of 2,800 to 54,000 pages) set about merging most of them and
was still at it eleven minutes later. Here only segments of at most ``SMALL_SEGMENT`` pages are
merged, once there are ``MERGE_FROM`` of them, the smallest first and at most ``MERGE_PAGES`` pages
at once: a save takes under a second longer at most, and segments too large to merge so come only
from a full build or from hundreds of saves.
"""

from whoosh.reading import SegmentReader

# A segment of at most this many pages (deleted ones counted) was written by saves, or by a tiny site's build.
SMALL_SEGMENT = 100
# Small segments there must be before a commit merges them.
MERGE_FROM = 4
# Pages merged by one commit at most.
MERGE_PAGES = 200


def merge_small(writer, segments: list) -> list:
    """Whoosh ``mergetype``: add the smallest segments' documents to ``writer``; return the segments kept."""
    small = sorted((s for s in segments if s.doc_count_all() <= SMALL_SEGMENT), key=lambda s: s.doc_count_all())
    if len(small) < MERGE_FROM:
        return segments
    chosen, pages = [], 0
    for segment in small:
        if len(chosen) >= 2 and pages + segment.doc_count_all() > MERGE_PAGES:
            break
        chosen.append(segment)
        pages += segment.doc_count_all()
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged = {s.segment_id() for s in chosen}
    return [s for s in segments if s.segment_id() not in merged]
