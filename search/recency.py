"""Relevance that weighs age: among comparably relevant posts, the newer first.

A post's relevance is multiplied by ``1 - weight + weight * 0.5 ** (age / half_life)``: a post of
today keeps all of it, one a half-life old loses ``weight / 2``, a very old one ``weight`` at most.
Only pages whose header dates them (posts) fade; a page dated by its file (a section page:
contacts, a price list) does not age: it is weighed as the average post among the candidates
is, so that recency reorders posts among themselves without lifting sections above them or
pushing sections under them as a whole (an archive whose newest post is years old would
otherwise drop every post under every section). Sorting by date is another thing
(``sort=date``); this only breaks near-ties in relevance.
"""

from dataclasses import dataclass

import numpy as np

DAY = 86_400


@dataclass(frozen=True)
class Recency:
    """How relevance fades with age (``half_life_days`` 0: it does not)."""

    half_life_days: float = 365.0
    weight: float = 0.25

    def __post_init__(self):
        if self.half_life_days < 0:
            raise ValueError(f"the recency half-life must be 0 (off) or more days, not {self.half_life_days}")
        if not 0 <= self.weight < 1:
            raise ValueError(f"the recency weight must be at least 0 and below 1, not {self.weight}")

    @property
    def off(self) -> bool:
        return self.half_life_days == 0 or self.weight == 0

    def factors(self, dates: np.ndarray, dated: np.ndarray, now: float) -> np.ndarray:
        """Return each candidate's share of its relevance kept: by age for the dated ones (1.0 for today
        and the future), their mean for the undated ones (1.0 when no candidate is dated)."""
        if self.off:
            return np.ones(len(dates))
        age_days = np.maximum(0.0, now - dates.astype(np.float64)) / DAY
        fade = 1.0 - self.weight + self.weight * np.exp2(-age_days / self.half_life_days)
        dated = dated.astype(bool)
        return np.where(dated, fade, fade[dated].mean() if dated.any() else 1.0)


def faded(scores: np.ndarray, factors: np.ndarray, bonus: np.ndarray) -> np.ndarray:
    """Return the scores once each relevance (the score less its language ``bonus``) is multiplied by its factor."""
    return (scores - bonus) * factors + bonus
