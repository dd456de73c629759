"""Section 3 (D.3): linear algebra and spectral norms. Parameters of its scenes.

Matrix entries are bounded (``ENTRY_BOUND``) and every matrix must stretch by at least
``MIN_SPECTRAL_NORM``: the zero matrix has no ellipse, no direction to normalise and a 0/0
condition number. Within these bounds every value computes finite numbers (a singular
matrix's condition number is +inf, shown as infinity). The checks here are cheap (a 2x2
norm each); what only the computation can see (power iteration stalling on a start vector
in W's null space) is raised there as ``NotComputable`` and refused before rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lecture.params import (
    SEED, Count, ListOf, Matrix, Optional, ParamError, Real, SceneParams, Vector, param,
)

__all__ = [
    "ConditionGalleryParams", "NetworkJacobianParams", "SVDEllipseParams",
    "SpectralNormalizationParams",
]

ENTRY_BOUND = 1000.0
"""Largest magnitude of a matrix entry: singular values stay below 2000, det below 2e6."""
MIN_SPECTRAL_NORM = 1e-3
"""Smallest largest-singular-value a drawn matrix may have."""
POINT_BOUND = 3.0
"""Largest magnitude of a network input coordinate (the region the scene shows)."""


MATRIX = Matrix(2, 2, bound=ENTRY_BOUND)


def _check_stretches(name: str, value: Any, matrix: Any, which: str = "") -> None:
    norm = float(np.linalg.norm(np.array(matrix, dtype=float), 2))
    if not norm >= MIN_SPECTRAL_NORM:
        raise ParamError(name, value, f"{which}has spectral norm {norm:.3g}; it must be at least "
                                      f"{MIN_SPECTRAL_NORM:g} (the zero matrix, or one that "
                                      "small, leaves no ellipse to draw)")


@dataclass(frozen=True)
class SVDEllipseParams(SceneParams):
    A: tuple[tuple[float, float], tuple[float, float]] = param(
        ((2.0, 0.5), (0.3, 1.0)), MATRIX, "the map A = U Sigma V^T; a singular A is allowed")

    def check(self) -> None:
        _check_stretches("A", self.A, self.A)

    def compute(self):
        from compute.linear_algebra import svd_ellipse

        return svd_ellipse(self.A)


SOURCE_GALLERY = {
    "Well-conditioned": ((1.0, 0.2), (0.2, 1.0)),
    "Stretched": ((5.0, 0.0), (0.0, 1.0)),
    "Ill-conditioned": ((10.0, 9.99), (9.99, 10.0)),
    "Nearly singular": ((1.0, 1.0), (1.0, 1.001)),
}
"""The source's four matrices and their names; a user's own list is named M1, M2, ..."""


@dataclass(frozen=True)
class ConditionGalleryParams(SceneParams):
    matrices: tuple[tuple[tuple[float, float], tuple[float, float]], ...] = param(
        tuple(SOURCE_GALLERY.values()), ListOf(MATRIX, 1, 6, "matrices"),
        "matrices shown side by side; singular ones are allowed (condition number infinity)")

    def names(self) -> tuple[str, ...] | None:
        """The source's names for the source's matrices; None (M1, M2, ...) otherwise."""
        return tuple(SOURCE_GALLERY) if self.matrices == tuple(SOURCE_GALLERY.values()) else None

    def check(self) -> None:
        for number, matrix in enumerate(self.matrices, start=1):
            _check_stretches("matrices", self.matrices, matrix, f"matrix {number} ")

    def compute(self):
        from compute.linear_algebra import condition_gallery

        return condition_gallery(self.matrices, self.names())


@dataclass(frozen=True)
class NetworkJacobianParams(SceneParams):
    torch_seed: int = param(42, SEED, "torch.manual_seed before the network is built")
    hidden: int = param(8, Count(1, 64), "width of the tanh hidden layer of the 2-hidden-2 net")
    points: tuple[tuple[float, float], ...] = param(
        ((0.0, 0.0), (1.0, 1.0), (-1.0, 0.5)),
        ListOf(Vector(2, bound=POINT_BOUND), 1, 6, "points"),
        "inputs [x1, x2] where the Jacobian is taken")
    radius: float = param(0.1, Real(ge=0.001, le=1.0),
                          "radius of the small circle around each point (smaller ones match "
                          "their ellipse too closely to tell apart)")

    def compute(self):
        from compute.linear_algebra import network_jacobian

        return network_jacobian(self.torch_seed, self.hidden, self.points, self.radius)


@dataclass(frozen=True)
class SpectralNormalizationParams(SceneParams):
    W: tuple[tuple[float, float], tuple[float, float]] | None = param(
        None, Optional(MATRIX), "the weight matrix; none draws W = scale * randn(2, 2)")
    scale: float = param(2.0, Real(ge=0.01, le=100), "scale of the drawn W")
    seed: int = param(42, SEED, "seed of the drawn W and of the power iteration's start")
    power_iterations: int = param(10, Count(1, 100), "power iteration steps shown")

    def check(self) -> None:
        # A drawn W is never zero; a start vector in its null space (probability 0) is
        # refused by the computation itself (NotComputable), before any render starts.
        if self.W is not None:
            _check_stretches("W", self.W, self.W)

    def compute(self):
        from compute.linear_algebra import spectral_normalization

        return spectral_normalization(self.W, self.scale, self.seed, self.power_iterations)
