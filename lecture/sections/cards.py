"""Title cards: no parameters and no computed numbers; their words come from the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from compute.results import NoNumbers
from lecture.params import SceneParams

__all__ = ["CardParams"]


@dataclass(frozen=True)
class CardParams(SceneParams):
    def compute(self) -> NoNumbers:
        return NoNumbers()
