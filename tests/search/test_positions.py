"""Position values: compact gaps written, Whoosh's pickled lists still read, many decoded at once."""

import random

import numpy as np
import pytest
from whoosh.formats import Positions

from search import positions


def _lists(seed: int, count: int) -> list[list[int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        top = rng.choice([10, 300, 70_000, 5_000_000])
        out.append(sorted(rng.sample(range(top), rng.randint(1, min(12, top)))))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_positions_come_back_as_written_in_either_form(seed):
    for found in _lists(seed, 300):
        assert positions.decode(positions.encode(found)) == found
        assert positions.frequency(positions.encode(found)) == len(found)
        whoosh = Positions().encode(found)
        assert positions.decode(whoosh) == found
        assert positions.frequency(whoosh) == len(found)


def test_a_word_standing_once_early_in_a_page_takes_two_bytes():
    assert len(positions.encode([17])) == 2
    assert len(Positions().encode([17])) > 10
    assert len(positions.encode([3, 300])) == 5  # a gap over 255: two bytes a gap
    assert positions.encode([]) == b"\x01" and positions.decode(b"\x01") == []


@pytest.mark.parametrize("encode", [positions.encode, Positions().encode], ids=["compact", "whoosh"])
def test_a_terms_values_decode_in_one_go(encode):
    lists = _lists(7, 500)
    values = [encode(p) for p in lists]
    counts, flat = positions.decode_many(b"".join(values), np.cumsum([len(v) for v in values]))
    assert counts.tolist() == [len(p) for p in lists]
    assert flat.tolist() == [x for p in lists for x in p]


def test_values_in_both_forms_are_left_to_one_by_one_reading():
    values = [positions.encode([1, 2]), Positions().encode([3])]
    assert positions.decode_many(b"".join(values), np.cumsum([len(v) for v in values])) is None
