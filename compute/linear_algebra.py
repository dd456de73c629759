"""Linear algebra and spectral norms (section D.3): what a 2x2 matrix does to the unit circle.

A matrix ``A = U diag(s) V^T`` maps the unit circle to an ellipse whose semi-axes are
``s[0] u_1`` and ``s[1] u_2``; the spectral norm ``||A||_2 = s[0]`` is the largest stretch
and the condition number ``s[0] / s[1]`` how unevenly it stretches. Four results feed the
four scenes of the section:

- :func:`svd_ellipse`: one matrix as three moves (``V^T``, ``Sigma``, ``U``), with continuous
  paths for each move (:meth:`SVDEllipse.staged_map`), reflections played as flips.
- :func:`condition_gallery`: norms, condition numbers, determinants and ellipses of a few
  matrices side by side.
- :func:`network_jacobian`: the Jacobian of a small tanh network at a few points, and a
  small circle's true image against the ellipse the Jacobian predicts, also for circles
  growing to radius ``SWEEP_RADIUS`` and beyond, where the prediction fails.
- :func:`spectral_normalization`: power iteration estimating ``s[0]`` step by step, and
  ``W / s[0]``.

Conventions shared by all of them (:func:`svd2`): singular values at most
``2 * eps * s[0]`` count as zero (NumPy's ``matrix_rank`` rule), so a singular matrix has
``s[1] == 0`` and condition number ``+inf``; ``U`` is always a rotation, ``V^T`` is a rotation
unless ``det A < 0``. torch is imported only inside the two network functions.

>>> result = svd_ellipse([[2.0, 0.5], [0.3, 1.0]])
>>> result.singular_values.round(8).tolist(), round(result.condition_number, 4)
([2.14364206, 0.86301721], 2.4839)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from compute.networks import linear_layer, tanh_network
from compute.results import NotComputable, internal, may_be_infinite

__all__ = [
    "CIRCLE_POINTS",
    "ConditionGallery",
    "NetworkJacobian",
    "SVDEllipse",
    "SVDSummary",
    "SWEEP_FACTOR",
    "SWEEP_RADIUS",
    "SWEEP_STEPS",
    "SpectralNormalization",
    "condition_gallery",
    "condition_number",
    "network_jacobian",
    "orthogonal_angle",
    "orthogonal_path",
    "power_iteration",
    "spectral_normalization",
    "svd2",
    "svd_summary",
    "svd_ellipse",
    "tanh_network_weights",
    "unit_circle",
]

CIRCLE_POINTS = 120
"""Points on every drawn circle and ellipse (one every 3 degrees, the end not repeated)."""

SWEEP_RADIUS = 1.0
"""The circles of :func:`network_jacobian` grow to ``max(SWEEP_RADIUS, SWEEP_FACTOR * radius)``."""
SWEEP_FACTOR = 4.0
SWEEP_STEPS = 24
"""Radii of the growing circles, geometrically spaced, the given radius first."""

RANK_TOLERANCE = 2 * np.finfo(float).eps
"""A singular value at most ``RANK_TOLERANCE * s[0]`` is zero (``np.linalg.matrix_rank``)."""

Matrix2 = Sequence[Sequence[float]] | np.ndarray


def unit_circle(n: int = CIRCLE_POINTS) -> np.ndarray:
    """``n`` points of the unit circle, counter-clockwise from (1, 0), shape (n, 2).

    The last point is not a copy of the first: close the curve when drawing it.
    """
    theta = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return np.stack([np.cos(theta), np.sin(theta)], axis=1)


def _as_matrix(matrix: Matrix2) -> np.ndarray:
    array = np.array(matrix, dtype=float)
    if array.shape != (2, 2):
        raise ValueError(f"expected a 2x2 matrix, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"the matrix {array.tolist()} has a non-finite entry")
    return array


# --------------------------------------------------------------------------------------
# Orthogonal 2x2 matrices: rotations and reflections, and paths from I to them
# --------------------------------------------------------------------------------------


def orthogonal_angle(q: np.ndarray) -> tuple[float, bool]:
    """The angle of an orthogonal 2x2 matrix and whether it reflects.

    Returns
    -------
    angle, reflects
        For a rotation ``[[cos a, -sin a], [sin a, cos a]]``: ``a`` in (-pi, pi], False.
        For a reflection: the angle of its mirror line in (-pi/2, pi/2], True.
    """
    reflects = bool(np.linalg.det(q) < 0)
    angle = math.atan2(q[1, 0] + 0.0, q[0, 0])  # + 0.0 turns -0.0 into 0.0: pi, not -pi
    return (angle / 2.0, True) if reflects else (angle, False)


def orthogonal_path(q: np.ndarray, t: float) -> np.ndarray:
    """A continuous path of 2x2 matrices from ``I`` (t = 0) to the orthogonal ``q`` (t = 1).

    A rotation turns by ``t`` times its angle. A reflection is a flip across its mirror line:
    the direction normal to the line is scaled from 1 through 0 (at t = 1/2, where the plane
    collapses onto the line) to -1, so the viewer sees the plane turn over instead of a jump.
    """
    angle, reflects = orthogonal_angle(q)
    if reflects:
        normal = np.array([-math.sin(angle), math.cos(angle)])
        return np.eye(2) - 2.0 * t * np.outer(normal, normal)
    c, s = math.cos(t * angle), math.sin(t * angle)
    return np.array([[c, -s], [s, c]])


def _rotation_cost(u: np.ndarray, vt: np.ndarray) -> float:
    """Total angle turned by the factors that are rotations (reflections are one flip)."""
    return sum(abs(angle) for angle, reflects in map(orthogonal_angle, (u, vt)) if not reflects)


# --------------------------------------------------------------------------------------
# The SVD of a 2x2 matrix, with the signs the scenes draw
# --------------------------------------------------------------------------------------


def svd2(matrix: Matrix2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``A = U diag(s) V^T`` from ``np.linalg.svd``, with signs chosen for drawing.

    Singular values at most ``RANK_TOLERANCE * s[0]`` are set to exactly 0. Then the signs of
    singular vector pairs ``(u_i, v_i)`` are flipped (which keeps ``A``) so that ``U`` is a
    rotation; when ``s[1] == 0``, ``v_2`` alone is free and ``V^T`` is made a rotation too.
    Of the sign choices left, the one whose rotations turn least is kept (NumPy's own signs
    on a tie), so the animated moves are as short as they can be.

    Returns
    -------
    U, s, Vt
        Shapes (2, 2), (2,), (2, 2); ``det U = 1``, ``det Vt = sign(det A)`` (1 if singular).
    """
    a = _as_matrix(matrix)
    u, s, vt = np.linalg.svd(a)
    s = np.where(s <= RANK_TOLERANCE * s[0], 0.0, s)
    candidates = []
    v2_signs = (1.0, -1.0) if s[1] == 0 else (1.0,)
    for d1, d2, e in itertools.product((1.0, -1.0), (1.0, -1.0), v2_signs):
        u_signed = u * np.array([d1, d2])
        vt_signed = vt * np.array([[d1], [d2 * e]])
        if np.linalg.det(u_signed) > 0 and (s[1] > 0 or np.linalg.det(vt_signed) > 0):
            candidates.append((u_signed, vt_signed))
    u, vt = min(candidates, key=lambda pair: _rotation_cost(*pair))
    return u, s, vt


def condition_number(singular_values: np.ndarray) -> float:
    """``s[0] / s[1]``, or ``+inf`` for a singular matrix (``s[1] == 0``, see :func:`svd2`)."""
    s_max, s_min = float(singular_values[0]), float(singular_values[1])
    return math.inf if s_min == 0 else s_max / s_min


def _determinant(u: np.ndarray, s: np.ndarray, vt: np.ndarray) -> float:
    """``det A`` from its SVD, so its sign always agrees with the drawn reflection."""
    return float(np.sign(np.linalg.det(u) * np.linalg.det(vt)) * s[0] * s[1])


def _principal_axes(u: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Rows ``s[0] u_1`` and ``s[1] u_2``: the ellipse's semi-axes, shape (2, 2)."""
    return (u * s).T


@dataclass(frozen=True)
class SVDSummary:
    """The numbers every linear-algebra scene reads off the SVDs of M matrices."""

    U: np.ndarray  # shape: (M, 2, 2), rotations (svd2's signs)
    singular_values: np.ndarray  # shape: (M, 2), s[0] >= s[1] >= 0
    Vt: np.ndarray  # shape: (M, 2, 2)
    spectral_norm: np.ndarray  # shape: (M,), s[0]
    condition_number: np.ndarray  # shape: (M,), s[0] / s[1], +inf when singular
    determinant: np.ndarray  # shape: (M,), signed, from the SVD
    principal_axes: np.ndarray  # shape: (M, 2, 2), rows s[0] u_1, s[1] u_2


def svd_summary(matrices: np.ndarray) -> SVDSummary:
    """:func:`svd2` of each 2x2 matrix in ``matrices`` (shape (M, 2, 2)) and what follows
    from it, assembled once for all the scenes."""
    decompositions = [svd2(m) for m in matrices]
    u, s, vt = (np.array(part) for part in zip(*decompositions))
    return SVDSummary(
        U=u, singular_values=s, Vt=vt,
        spectral_norm=s[:, 0].copy(),
        condition_number=np.array([condition_number(row) for row in s]),
        determinant=np.array([_determinant(*d) for d in decompositions]),
        principal_axes=np.array([_principal_axes(a, b) for a, b, _ in decompositions]))


# --------------------------------------------------------------------------------------
# la_svd_ellipse
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SVDEllipse:
    """One matrix as rotate-or-flip, stretch, rotate: ``A = U diag(s) V^T``."""

    A: np.ndarray  # shape: (2, 2)
    singular_values: np.ndarray  # shape: (2,), s[0] >= s[1] >= 0
    spectral_norm: float  # s[0]
    condition_number: float = may_be_infinite()  # s[0] / s[1]; +inf when singular
    determinant: float  # signed, = sign * s[0] * s[1]
    U: np.ndarray  # shape: (2, 2), a rotation
    Vt: np.ndarray  # shape: (2, 2), rows v_1, v_2; a reflection iff det A < 0
    principal_axes: np.ndarray  # shape: (2, 2), rows s[0] u_1, s[1] u_2
    U_angle: float = internal()  # rotation angle of U, radians in (-pi, pi]
    Vt_angle: float = internal()  # rotation angle, or the mirror line's angle if it reflects
    Vt_reflects: bool = internal()
    circle: np.ndarray = internal()  # shape: (CIRCLE_POINTS, 2), the unit circle
    ellipse: np.ndarray = internal()  # shape: (CIRCLE_POINTS, 2), circle @ A.T

    def factors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(V^T, diag(s), U)`` in the order they act."""
        return self.Vt, np.diag(self.singular_values), self.U

    def move(self, step: int, t: float) -> np.ndarray:
        """Factor ``step`` (0: V^T, 1: Sigma, 2: U) a fraction ``t`` in [0, 1] of the way from I.

        Rotations turn, a reflection flips (:func:`orthogonal_path`), Sigma scales each axis
        linearly from 1 to its singular value.
        """
        if step == 1:
            return np.diag(1.0 + t * (self.singular_values - 1.0))
        return orthogonal_path(self.factors()[step], t)

    def staged_map(self, time: float) -> np.ndarray:
        """The map shown at ``time`` in [0, 3] of the three-move play.

        On [k, k + 1] the move ``k`` plays on top of the finished earlier ones:
        ``staged_map(1) = V^T``, ``staged_map(2) = Sigma V^T``, ``staged_map(3) = A``
        (to rounding). Drive it with a ValueTracker and apply it to the grid, circle and basis.
        """
        time = min(max(float(time), 0.0), 3.0)
        step = min(int(time), 2)
        done = np.eye(2)
        for factor in self.factors()[:step]:
            done = factor @ done
        return self.move(step, time - step) @ done

    def direct_map(self, t: float) -> np.ndarray:
        """``(1 - t) I + t A``: the whole map as one move (a flip if ``det A < 0``)."""
        return (1.0 - t) * np.eye(2) + t * self.A


def svd_ellipse(A: Matrix2) -> SVDEllipse:
    """The SVD of ``A`` and the ellipse it makes of the unit circle.

    Parameters
    ----------
    A
        A 2x2 matrix; a singular one is allowed (its ellipse is a segment, condition +inf).

    Returns
    -------
    SVDEllipse
        ``U @ diag(singular_values) @ Vt`` equals ``A`` to rounding, with the signs of
        :func:`svd2`; :meth:`SVDEllipse.staged_map` plays the three moves.

    Raises
    ------
    ValueError
        If ``A`` is not a finite 2x2 matrix.
    """
    a = _as_matrix(A)
    svd = svd_summary(a[None])
    u, vt = svd.U[0], svd.Vt[0]
    u_angle, _ = orthogonal_angle(u)
    vt_angle, vt_reflects = orthogonal_angle(vt)
    circle = unit_circle()
    return SVDEllipse(
        A=a,
        singular_values=svd.singular_values[0],
        spectral_norm=float(svd.spectral_norm[0]),
        condition_number=float(svd.condition_number[0]),
        determinant=float(svd.determinant[0]),
        U=u,
        Vt=vt,
        principal_axes=svd.principal_axes[0],
        U_angle=u_angle,
        Vt_angle=vt_angle,
        Vt_reflects=vt_reflects,
        circle=circle,
        ellipse=circle @ a.T,
    )


# --------------------------------------------------------------------------------------
# la_condition_gallery
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionGallery:
    """Several matrices side by side; index ``i`` of every array belongs to ``name[i]``."""

    name: tuple[str, ...]  # length M
    matrices: np.ndarray  # shape: (M, 2, 2)
    spectral_norm: np.ndarray  # shape: (M,)
    condition_number: np.ndarray = may_be_infinite()  # shape: (M,), +inf for a singular one
    determinant: np.ndarray  # shape: (M,)
    singular_values: np.ndarray  # shape: (M, 2)
    bar_scale: float = internal()  # largest singular value of all: the bars' shared top
    principal_axes: np.ndarray = internal()  # shape: (M, 2, 2), rows s[0] u_1, s[1] u_2
    circle: np.ndarray = internal()  # shape: (CIRCLE_POINTS, 2), the unit circle
    ellipses: np.ndarray = internal()  # shape: (M, CIRCLE_POINTS, 2), unit circle images


def condition_gallery(matrices: Sequence[Matrix2], names: Sequence[str] | None = None
                      ) -> ConditionGallery:
    """Spectral norm, condition number, determinant and ellipse of each matrix.

    Parameters
    ----------
    matrices
        One or more 2x2 matrices; singular ones are allowed (condition number +inf).
    names
        One name per matrix; None names them M1, M2, ...

    Raises
    ------
    ValueError
        If there are no matrices, a matrix is not finite and 2x2, or the names do not match.
    """
    arrays = [_as_matrix(m) for m in matrices]
    if not arrays:
        raise ValueError("the gallery needs at least one matrix")
    names = tuple(names) if names is not None else tuple(f"M{i + 1}" for i in range(len(arrays)))
    if len(names) != len(arrays):
        raise ValueError(f"{len(names)} names for {len(arrays)} matrices")
    svd = svd_summary(np.array(arrays))
    circle = unit_circle()
    return ConditionGallery(
        name=names,
        matrices=np.array(arrays),
        spectral_norm=svd.spectral_norm,
        condition_number=svd.condition_number,
        determinant=svd.determinant,
        singular_values=svd.singular_values,
        bar_scale=float(svd.singular_values.max()),
        principal_axes=svd.principal_axes,
        circle=circle,
        ellipses=np.array([circle @ a.T for a in arrays]),
    )


# --------------------------------------------------------------------------------------
# la_nn_jacobian
# --------------------------------------------------------------------------------------


def tanh_network_weights(torch_seed: int, hidden: int
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weights of the 2-``hidden``-2 network ``W2 tanh(W1 x + b1) + b2``, as the source builds it.

    What ``torch.manual_seed(torch_seed)`` then ``nn.Linear(2, hidden)`` and
    ``nn.Linear(hidden, 2)`` give (float32, PyTorch's default initialisation), drawn from a
    local generator (:mod:`compute.networks`), so the global random state is left alone.

    Returns
    -------
    W1, b1, W2, b2
        Shapes (hidden, 2), (hidden,), (2, hidden), (2,): the float32 weights, widened
        exactly to float64.
    """
    import torch

    generator = torch.Generator().manual_seed(int(torch_seed))
    layers = (*linear_layer(2, hidden, generator), *linear_layer(hidden, 2, generator))
    return tuple(p.to(torch.float64).numpy().copy() for p in layers)


@dataclass(frozen=True)
class NetworkJacobian:
    """A tanh network's Jacobian at a few points; index ``p`` belongs to ``points[p]``."""

    points: np.ndarray  # shape: (P, 2)
    outputs: np.ndarray  # shape: (P, 2), f(points)
    jacobians: np.ndarray  # shape: (P, 2, 2), J[p, r, c] = d f_r / d x_c at points[p]
    singular_values: np.ndarray  # shape: (P, 2)
    spectral_norms: np.ndarray  # shape: (P,)
    condition_numbers: np.ndarray = may_be_infinite()  # shape: (P,)
    radius: float  # of the small input circles
    linearization_errors: np.ndarray  # shape: (P,), max |true image - linear image|
    circle: np.ndarray = internal()  # shape: (CIRCLE_POINTS, 2), the unit circle
    circles: np.ndarray = internal()  # shape: (P, CIRCLE_POINTS, 2), points + radius * circle
    true_images: np.ndarray = internal()  # shape: (P, CIRCLE_POINTS, 2), f(circles)
    linear_images: np.ndarray = internal()  # shape: (P, CIRCLE_POINTS, 2), f(x0) + J (x - x0)
    principal_axes: np.ndarray = internal()  # shape: (P, 2, 2), radius * rows s_i u_i
    sweep_radii: np.ndarray = internal()  # shape: (R,), radius first, growing geometrically
    sweep_true_images: np.ndarray = internal()  # shape: (R, P, CIRCLE_POINTS, 2)
    sweep_errors: np.ndarray = internal()  # shape: (R, P), max |true - linear image| / radius
    W1: np.ndarray = internal()  # shape: (hidden, 2)
    b1: np.ndarray = internal()  # shape: (hidden,)
    W2: np.ndarray = internal()  # shape: (2, hidden)
    b2: np.ndarray = internal()  # shape: (2,)


def network_jacobian(torch_seed: int, hidden: int, points: Sequence[Sequence[float]],
                     radius: float) -> NetworkJacobian:
    """Jacobians of the seeded tanh network and its local linear picture around each point.

    Parameters
    ----------
    torch_seed
        Seed of the network's initialisation (:func:`tanh_network_weights`); 42 gives the
        source's network.
    hidden
        Width of the hidden layer.
    points
        Input points, shape (P, 2).
    radius
        Radius of the small circle drawn around each point.

    Returns
    -------
    NetworkJacobian
        The network is evaluated in float64 with the float32 weights the source draws;
        Jacobians come from reverse-mode autograd, one backward pass per output for all
        points at once. ``linear_images`` is ``f(x0) + J (x - x0)``, the ellipse the
        Jacobian predicts; ``true_images`` is where the network really sends the circle.
        The ``sweep_*`` fields repeat the true images for circles whose radius grows
        geometrically from ``radius`` to ``max(SWEEP_RADIUS, SWEEP_FACTOR * radius)``, and
        the gap to the prediction there (``f(x0) + J (x - x0)`` for the larger circle),
        divided by that radius.
    """
    import torch

    w1, b1, w2, b2 = tanh_network_weights(torch_seed, hidden)
    params = tuple(torch.from_numpy(w) for w in (w1, b1, w2, b2))

    def network(x: torch.Tensor) -> torch.Tensor:  # x: (..., 2)
        return tanh_network(params, x)

    centers = np.array(points, dtype=float).reshape(-1, 2)
    directions = unit_circle()
    offsets = radius * directions
    circles = centers[:, None, :] + offsets[None, :, :]
    sweep_radii = np.geomspace(radius, max(SWEEP_RADIUS, SWEEP_FACTOR * radius), SWEEP_STEPS)
    sweep_circles = (centers[None, :, None, :]
                     + sweep_radii[:, None, None, None] * directions[None, None, :, :])
    center_tensor = torch.from_numpy(centers).requires_grad_(True)
    output_tensor = network(center_tensor)
    # Each point's outputs depend on that point alone, so the gradient of output r summed
    # over the points is row r of every point's Jacobian.
    jacobians = np.stack([
        torch.autograd.grad(output_tensor[:, r].sum(), center_tensor, retain_graph=True)[0].numpy()
        for r in range(2)
    ], axis=1)
    outputs = output_tensor.detach().numpy()
    with torch.no_grad():
        true_images = network(torch.from_numpy(circles)).numpy()
        sweep_true_images = network(torch.from_numpy(sweep_circles)).numpy()
    linear_images = outputs[:, None, :] + offsets @ jacobians.transpose(0, 2, 1)
    sweep_linear = (outputs[None, :, None, :] + sweep_radii[:, None, None, None]
                    * (directions @ jacobians.transpose(0, 2, 1))[None])
    sweep_errors = (np.linalg.norm(sweep_true_images - sweep_linear, axis=3).max(axis=2)
                    / sweep_radii[:, None])
    svd = svd_summary(jacobians)
    return NetworkJacobian(
        points=centers,
        outputs=outputs,
        jacobians=jacobians,
        singular_values=svd.singular_values,
        spectral_norms=svd.spectral_norm,
        condition_numbers=svd.condition_number,
        radius=float(radius),
        linearization_errors=np.linalg.norm(true_images - linear_images, axis=2).max(axis=1),
        circle=directions,
        circles=circles,
        true_images=true_images,
        linear_images=linear_images,
        principal_axes=radius * svd.principal_axes,
        sweep_radii=sweep_radii,
        sweep_true_images=sweep_true_images,
        sweep_errors=sweep_errors,
        W1=w1,
        b1=b1,
        W2=w2,
        b2=b2,
    )


# --------------------------------------------------------------------------------------
# la_spectral_normalization
# --------------------------------------------------------------------------------------


def power_iteration(W: Matrix2, start: np.ndarray, iterations: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Power iteration on ``W^T W`` for the top right singular vector of ``W``.

    ``v_0 = start / |start|`` and ``v_k = W^T W v_(k-1)``, normalised. The estimate
    ``|W v_k|`` of ``s[0]`` never exceeds it (``v_k`` is a unit vector) and never decreases
    (``|B^(k+1/2) v_0|^2 / |B^k v_0|^2`` is nondecreasing for the symmetric ``B = W^T W >= 0``).

    Returns
    -------
    vectors, estimates
        Shapes (iterations + 1, 2) and (iterations + 1,); index 0 is the start.

    Raises
    ------
    NotComputable
        If ``W^T W`` sends an iterate to zero (the start is in the null space of a singular W).
    """
    w = _as_matrix(W)
    gram = w.T @ w
    vectors = [np.asarray(start, dtype=float) / np.linalg.norm(start)]
    for _ in range(iterations):
        product = gram @ vectors[-1]
        length = np.linalg.norm(product)
        if not length > 0:
            raise NotComputable("power iteration stalled: the start vector is in the null space "
                                "of W; choose another seed or W")
        vectors.append(product / length)
    vectors = np.array(vectors)
    return vectors, np.linalg.norm(vectors @ w.T, axis=1)


@dataclass(frozen=True)
class SpectralNormalization:
    """``W``, its largest singular value by power iteration, and ``W / s[0]``."""

    W: np.ndarray  # shape: (2, 2)
    singular_values: np.ndarray  # shape: (2,)
    spectral_norm: float  # s[0], from the SVD
    W_normalized: np.ndarray  # shape: (2, 2), W / s[0]: spectral norm 1
    power_iteration_estimates: np.ndarray  # shape: (K + 1,), |W v_k|; index 0 is the start
    power_iteration_vectors: np.ndarray  # shape: (K + 1, 2), the unit vectors v_k
    power_iteration_images: np.ndarray = internal()  # shape: (K + 1, 2), W v_k on the ellipse
    U: np.ndarray = internal()  # shape: (2, 2), u_1 is where W_normalized touches the circle
    Vt: np.ndarray = internal()  # shape: (2, 2), v_1 is where power iteration heads (up to sign)
    circle: np.ndarray = internal()  # shape: (CIRCLE_POINTS, 2)
    ellipse: np.ndarray = internal()  # shape: (CIRCLE_POINTS, 2), circle @ W.T
    normalized_ellipse: np.ndarray = internal()  # shape: (CIRCLE_POINTS, 2), inside the circle


def spectral_normalization(W: Matrix2 | None, scale: float, seed: int,
                           power_iterations: int) -> SpectralNormalization:
    """Estimate ``||W||_2`` by power iteration and normalise ``W`` by it.

    Parameters
    ----------
    W
        A 2x2 matrix, or None to draw ``W = scale * randn(2, 2)``.
    scale
        Scale of the drawn matrix; ignored when ``W`` is given.
    seed
        Seed of a local ``RandomState``. Its first four normals are the drawn ``W`` (as
        ``np.random.seed(seed); np.random.randn(2, 2) * scale``); the next two are the start
        of the power iteration, normalised. The four are drawn even when ``W`` is given, so a
        seed always means the same start vector.
    power_iterations
        Number of power iteration steps ``K``.

    Returns
    -------
    SpectralNormalization
        ``power_iteration_estimates`` rises towards ``spectral_norm`` and never passes it
        (values within rounding of it are clipped to it).

    Raises
    ------
    NotComputable
        If ``W`` is zero, or the power iteration stalls (:func:`power_iteration`).
    """
    stream = np.random.RandomState(seed)
    drawn = scale * stream.randn(2, 2)
    start = stream.randn(2)
    w = drawn if W is None else _as_matrix(W)
    svd = svd_summary(w[None])
    u, s, vt = svd.U[0], svd.singular_values[0], svd.Vt[0]
    if s[0] == 0:
        raise NotComputable("W is the zero matrix: it has no direction to normalise")
    vectors, estimates = power_iteration(w, start, power_iterations)
    normalized = w / s[0]
    circle = unit_circle()
    return SpectralNormalization(
        W=w,
        singular_values=s,
        spectral_norm=float(svd.spectral_norm[0]),
        W_normalized=normalized,
        power_iteration_estimates=np.minimum(estimates, s[0]),
        power_iteration_vectors=vectors,
        power_iteration_images=vectors @ w.T,
        U=u,
        Vt=vt,
        circle=circle,
        ellipse=circle @ w.T,
        normalized_ellipse=circle @ normalized.T,
    )
