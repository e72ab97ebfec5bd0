"""Words and meaning in one ranking: when the model is asked, what it may add, in what order."""

from search import hybrid


def test_a_query_of_keyboard_mashing_is_not_asked_about():
    pieces = {"ячсмитьбю": 7, "qwxzvbn": 4, "донорлар": 2, "transplant": 2}
    tokens = pieces.__getitem__
    assert not hybrid.reads_as_words(["ячсмитьбю"], lambda w: False, tokens)
    assert not hybrid.reads_as_words(["qwxzvbn", "ячсмитьбю"], lambda w: False, tokens)
    assert hybrid.reads_as_words(["qwxzvbn", "transplant"], lambda w: False, tokens)  # a word the archive lacks
    assert hybrid.reads_as_words(["ячсмитьбю"], lambda w: True, tokens)  # the archive knows it: a word
    assert not hybrid.reads_as_words(["a", "1"], lambda w: True, tokens)  # too short to mean anything


def test_only_pages_near_enough_are_offered():
    found = [(1, 0.90), (2, 0.87), (3, 0.86), (4, 0.84)]
    assert hybrid.near_enough(found) == [(1, 0.90), (2, 0.87)]  # within the margin of the best
    assert hybrid.near_enough([(5, 0.81), (6, 0.80)]) == []  # below the floor
    assert hybrid.near_enough([]) == []


def test_pages_found_in_another_language_lead_to_the_asked_ones_translation():
    langs = ["en", "kk", "ru", "en", "en"]
    folders = {0: [0, 1, 2], 1: [0, 1, 2], 2: [0, 1, 2], 3: [3], 4: [4]}
    found = [(0, 0.9), (1, 0.88), (3, 0.87), (4, 0.86)]
    allowed = {1, 2, 4}  # kk and ru pages, and page 4 (no translation: allowed as it is, e.g. with others=1)
    out = hybrid.in_language(found, "kk", langs, folders.__getitem__, allowed)
    assert out == [(1, 0.9), (4, 0.86)]  # the English page 0 → its Kazakh translation 1, once; 3 not allowed


def test_words_held_and_nearness_rank_together_unscored_pages_last():
    held = hybrid.held_shares({10: (1,), 11: (0,), 12: (0, 1)}, [90, 2])  # word 0 common, word 1 rare
    assert held[10] < held[11] and held[12] == 0.0
    similarity = {10: 0.84, 11: 0.84}
    near = {12: 0.86}
    order = hybrid.blend([10, 11, 13], near, similarity, held)
    assert order[:2] == [11, 12]  # the rare word held weighs more than a little nearness
    assert order[-1] == 13  # no vector yet: after the scored ones, in its order by words
