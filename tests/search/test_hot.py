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
    assert where["ids"][2] == "<u2" and where["weights"][2] == "|u1" and where["positions"][2] == "<i4"
    assert f.positions_in("body_ru", b"small", [1, 2, 300]) == {1: [0], 300: [70000]}
    # 2 + 1 + 1 bytes a number where they fit, 4 where not: 44 bytes of arrays instead of 68.
    assert path.stat().st_size - f.start == 3 * 2 + 3 + 3 + 4 * 4 + 2 * 4 + 2 * 4


def test_a_file_of_32_bit_arrays_is_still_read(tmp_path):
    path = tmp_path / "old.hot"
    ids, weights = np.array([2, 9], "<i4"), np.array([1.0, 3.5], "<f4")
    header = pickle.dumps({"bytes": 16, "terms": {("body_en", b"word"): {"ids": (0, 2), "weights": (8, 2)}}})
    path.write_bytes(b"POISK-HOT-2\n" + struct.pack("<Q", len(header)) + header + ids.tobytes() + weights.tobytes())
    got = hot.HotFile(str(path)).get("body_en", b"word")
    assert [a.tolist() for a in got] == [[2, 9], [1.0, 3.5]]
