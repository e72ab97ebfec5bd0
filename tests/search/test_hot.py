"""Hot posting files: arrays kept narrow, read back exactly; files written before that still read."""

import pickle
import struct

import numpy as np

from search import hot


def test_arrays_are_stored_narrow_and_read_back_exactly(tmp_path):
    path = tmp_path / "seg.hot"
    small = {"ids": [1, 5, 300], "weights": [1.0, 2.0, 3.0], "counts": [1, 2, 1], "positions": [0, 4, 9, 70000]}
    wide = {"ids": [7, 70000], "weights": [0.5, 1.25]}
    hot.write(str(path), [("body_ru", b"small", small), ("body_ru", b"wide", wide)])
    f = hot.HotFile(str(path))
    assert [a.tolist() for a in f.positions("body_ru", b"small")] == [small[k] for k in hot.ARRAYS]
    assert [a.tolist() for a in f.get("body_ru", b"wide")] == [wide["ids"], wide["weights"]]
    where = f.terms[("body_ru", b"small")]
    assert where["ids"][2] == "escaped:<u2" and where["weights"][2] == "|u1" and where["positions"][2] == "<i4"
    assert f.terms[("body_ru", b"wide")]["ids"][2] == "escaped:<i4"  # 7 in a byte, the gap of 69,993 in 4
    assert f.positions_in("body_ru", b"small", [1, 2, 300]) == {1: [0], 300: [70000]}
    # Ids as one-byte gaps and those that do not fit (295; 69,993) in 2 or 4 bytes; 1 byte a number
    # for weights and counts, 4 where they do not fit: 41 bytes of arrays instead of 68.
    assert path.stat().st_size - f.start == (3 + 2) + 3 + 3 + 4 * 4 + (2 + 4) + 2 * 4


def test_ids_with_a_few_long_gaps_take_a_byte_each_and_the_long_gaps_apart(tmp_path):
    path = tmp_path / "seg.hot"
    rng = np.random.default_rng(5)
    gaps = rng.integers(1, 120, 3000)
    gaps[::100] = rng.integers(256, 3000, 30)  # one gap in a hundred does not fit a byte
    starts_at_0 = np.cumsum(gaps) - gaps[0]  # the first id 0: a gap of 0, escaped too
    far = [5, 200_000, 200_001, 200_002]  # a gap over 65,535: the long gaps as 32-bit numbers
    terms = [("body_kk", b"a", {"ids": starts_at_0.tolist()}), ("body_kk", b"far", {"ids": far})]
    hot.write(str(path), [(fn, t, {**a, "weights": [1.0] * len(a["ids"])}) for fn, t, a in terms])
    f = hot.HotFile(str(path))
    for fieldname, text, arrays in terms:
        assert f.get(fieldname, text)[0].tolist() == arrays["ids"]
    # a byte each; the first gap (0) and the 29 other long ones in 2 bytes
    assert f.terms[("body_kk", b"a")]["ids"][2:] == ("escaped:<u2", 3000 + 2 * 30)
    assert f.terms[("body_kk", b"far")]["ids"][2] == "escaped:<i4"


def test_a_file_without_escaped_gaps_is_still_read(tmp_path):
    path = tmp_path / "hot4.hot"
    gaps, weights = np.array([2, 7, 1], "<u1"), np.array([1, 3, 2], "|u1")
    where = {"ids": (0, 3, "gaps", 3), "weights": (3, 3, "|u1", 3)}
    header = pickle.dumps({"bytes": 6, "terms": {("body_en", b"word"): where}})
    path.write_bytes(b"POISK-HOT-4\n" + struct.pack("<Q", len(header)) + header + gaps.tobytes() + weights.tobytes())
    got = hot.HotFile(str(path)).get("body_en", b"word")
    assert [a.tolist() for a in got] == [[2, 9, 10], [1.0, 3.0, 2.0]]


def test_a_file_of_32_bit_arrays_is_still_read(tmp_path):
    path = tmp_path / "old.hot"
    ids, weights = np.array([2, 9], "<i4"), np.array([1.0, 3.5], "<f4")
    header = pickle.dumps({"bytes": 16, "terms": {("body_en", b"word"): {"ids": (0, 2), "weights": (8, 2)}}})
    path.write_bytes(b"POISK-HOT-2\n" + struct.pack("<Q", len(header)) + header + ids.tobytes() + weights.tobytes())
    got = hot.HotFile(str(path)).get("body_en", b"word")
    assert [a.tolist() for a in got] == [[2, 9], [1.0, 3.5]]


def test_dense_ids_and_plain_weights_take_their_smallest_form(tmp_path):
    path = tmp_path / "seg.hot"
    rng = np.random.default_rng(3)
    dense = np.flatnonzero(rng.random(40_000) < 0.4).tolist()  # 40 % of the pages: a bitmap
    near = list(range(3, 20_000, 20))  # every 20th page: one-byte gaps
    terms = [
        ("spell", b"dense", {"ids": dense, "weights": [1.0] * len(dense)}),
        ("body_ru", b"near", {"ids": near, "weights": [2.0] * len(near)}),
        (
            "body_ru",
            b"counted",
            {"ids": near, "weights": [1.0, 2.0] * 500, "counts": [1, 2] * 500, "positions": list(range(1500))},
        ),
    ]
    hot.write(str(path), terms)
    f = hot.HotFile(str(path))
    for fieldname, text, arrays in terms:
        got = f.positions(fieldname, text) if "counts" in arrays else f.get(fieldname, text)
        assert [a.tolist() for a in got] == [arrays[k] for k in hot.ARRAYS if k in arrays]
    forms = {text: {name: where[2] for name, where in f.terms[(fn, text)].items()} for fn, text, _ in terms}
    assert forms[b"dense"] == {"ids": "bits", "weights": "same:1.0"}
    assert forms[b"near"] == {"ids": "gaps", "weights": "same:2.0"}
    assert forms[b"counted"]["weights"] == "counts"
    assert f.positions_in("body_ru", b"counted", [3, 23, 24]) == {3: [0], 23: [1, 2]}
    # A bit a page instead of 2 bytes for each of ~16,000 pages, a byte a page for the others; no weights.
    bitmap = (dense[-1] + 8) // 8
    assert bitmap < 5001 < len(dense) * 2
    assert path.stat().st_size - f.start == bitmap + 1000 + 1000 + 1000 + 1500 * 2


def test_a_file_of_narrow_plain_arrays_is_still_read(tmp_path):
    path = tmp_path / "narrow.hot"
    ids, weights = np.array([2, 9], "<u2"), np.array([1, 3], "|u1")
    where = {"ids": (0, 2, "<u2"), "weights": (4, 2, "|u1")}
    header = pickle.dumps({"bytes": 6, "terms": {("body_en", b"word"): where}})
    path.write_bytes(b"POISK-HOT-3\n" + struct.pack("<Q", len(header)) + header + ids.tobytes() + weights.tobytes())
    got = hot.HotFile(str(path)).get("body_en", b"word")
    assert [a.tolist() for a in got] == [[2, 9], [1.0, 3.0]]
