"""Section 1: Monte Carlo estimates, their error bars and concentration bounds.

Every estimate is a running statistic of one stream of draws, so all checkpoints come
from a single cumulative sum: the estimate after ``n`` draws is exactly what a viewer
would get by stopping the stream at ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compute.results import NotComputable, internal
from compute.expr import Expression, parse, singular_parts

__all__ = [
    "BLOCK_FLOATS",
    "ConcentrationCurves",
    "MAX_CONCENTRATION_WORK",
    "bounded_distribution",
    "MeanConvergence",
    "NonlinearExpectation",
    "checkpoints",
    "concentration",
    "singular_points",
    "gaussian_expectation",
    "mean_convergence",
    "nonlinear_expectation",
]

BLOCK_FLOATS = 4_000_000
"""Numbers in one block of concentration trials (32 MB of float64)."""
MAX_CONCENTRATION_WORK = 100_000_000
"""Largest ``trials * (n_max + n_points)`` the concentration scene accepts: a few seconds."""

# Bounded distributions for the concentration scene: (mean, variance, low, high).
_UNIFORM01 = (0.5, 1.0 / 12.0, 0.0, 1.0)


def checkpoints(n_min: int, n_max: int, n_points: int) -> np.ndarray:
    """``n_points`` log-spaced sample counts, the first exactly n_min and the last exactly
    n_max, truncated to integers in between; never decreasing.

    This is the lecture's own grid (``np.logspace(...).astype(int)``), whose truncation of
    the ends alone (10**log10(50) is 49.99...) lost n_max = 50 and n_min = 13. Near n_min
    it can repeat a count, which simply repeats that checkpoint's value.
    """
    n = np.logspace(np.log10(n_min), np.log10(n_max), n_points).astype(int)
    n[0], n[-1] = n_min, n_max
    return np.clip(np.maximum.accumulate(n), n_min, n_max)


def _running_moments(values: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and unbiased standard deviation of values[:k] for every k in n (1D values).

    Sums are taken around the first value so the variance does not lose digits to
    cancellation when the mean is far from zero.
    """
    shifted = values - values[0]
    sums = np.cumsum(shifted)[n - 1]
    squares = np.cumsum(shifted**2)[n - 1]
    mean_shifted = sums / n
    variance = np.maximum(squares - n * mean_shifted**2, 0.0) / np.maximum(n - 1, 1)
    return mean_shifted + values[0], np.sqrt(variance)


@dataclass(frozen=True)
class MeanConvergence:
    """The running mean of one stream of normal draws at log-spaced checkpoints."""

    n: np.ndarray  # shape (K,) sample counts
    mean: np.ndarray  # shape (K,) mean of the first n draws
    ci_half_width: np.ndarray  # shape (K,) z * sample std / sqrt(n)
    true_mean: float
    confidence: float
    samples: np.ndarray = internal()  # shape (n_max,) the stream itself

    @property
    def reference_line(self) -> np.ndarray:
        """c / sqrt(n) through the first half-width: the slope -1/2 a viewer should see."""
        return self.ci_half_width[0] * np.sqrt(self.n[0] / self.n)


def mean_convergence(
    mu: float, sigma: float, n_min: int, n_max: int, n_points: int, confidence: float, seed: int
) -> MeanConvergence:
    """Running mean of N(mu, sigma^2) draws with a normal-approximation confidence band."""
    from scipy import stats  # here: planning reads this module's limits, and needs no SciPy

    samples = np.random.RandomState(seed).normal(mu, sigma, n_max)
    n = checkpoints(n_min, n_max, n_points)
    mean, std = _running_moments(samples, n)
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    return MeanConvergence(n, mean, z * std / np.sqrt(n), float(mu), float(confidence), samples)


SUPPORT_SDS = 37.5
"""Beyond mu +- 37.5 sigma the normal density is below 1e-306 of its peak: no draw and no
double-precision integral can reach a singularity out there."""
SEARCH_POINTS = 30_001
POLE_GROWTH = 0.97
"""|f| growing like |x - r|^-a near r is integrable for a < 1 only. Over the distances a
double can resolve, a = 1 and a = 0.97 (or a log factor) cannot be told apart; growth at
least this fast is taken as a pole, slower growth (|x|^-0.5, log|x|, sin(1/x)) is not."""
QUAD_TOLERANCE = 5e-5
"""Largest accepted error estimate of a cut quadrature, per unit of (1 + |value|): half
the last of the four decimals the scene shows (quadrature's estimate is conservative:
for sin(1/x) it says 3e-5 where the error is 1e-8)."""
SQRT_2PI = np.sqrt(2 * np.pi)


def _zeros(part: Expression, low: float, high: float) -> list[float]:
    """Where ``part`` vanishes in [low, high]: grid points where it is 0, its sign changes
    and the local minima of
    |part| that reach zero to within rounding (a double root such as (x - 1)**2), located
    on a dense grid and refined by Brent's methods; at most 64 of each, those nearest
    the middle of the interval (and of the normal) first."""
    from scipy import optimize

    x = np.linspace(low, high, SEARCH_POINTS)
    g = part.numpy(x)
    scale = np.nanmax(np.abs(g), initial=0.0)
    found = [float(v) for v in x[g == 0][:64]]
    crossing = np.flatnonzero(np.sign(g[:-1]) * np.sign(g[1:]) < 0)
    for i in crossing[np.argsort(np.abs(crossing - len(x) // 2))][:64]:  # the middle first
        found.append(optimize.brentq(lambda t: float(part.numpy(t)), x[i], x[i + 1],
                                     xtol=1e-300, rtol=4 * np.finfo(float).eps))
    magnitude = np.abs(g)
    interior = np.arange(1, len(x) - 1)
    dips = interior[(magnitude[1:-1] <= magnitude[:-2]) & (magnitude[1:-1] <= magnitude[2:])]
    for i in dips[np.argsort(magnitude[dips])][:64]:
        best = optimize.minimize_scalar(lambda t: abs(float(part.numpy(t))), method="bounded",
                                        bounds=(x[i - 1], x[i + 1]),
                                        options={"xatol": 1e-15 * max(1.0, abs(x[i]))})
        if abs(float(part.numpy(best.x))) <= 1e-12 * max(scale, 1e-300) or best.fun == 0:
            found.append(float(best.x))
    return sorted(set(found))


def _growth(fn: Expression, r: float, step: float) -> float:
    """The exponent a in |f| ~ |x - r|^-a as x -> r: the slope of log max|f| over the
    windows [h, 10 h] either side of r against log(1/h), between h = 1e-4 ``step`` (the
    search grid's step: well inside any feature the grid resolves, and tan(40 x) has a
    pole every 0.08) and h a million times smaller, or at least 1,000 doubles away from r.
    A bounded f, even one oscillating without limit like sin(1/x), has slope about 0; a
    value that overflows is a pole."""
    offsets = np.concatenate([np.linspace(1.0, 10.0, 64), -np.linspace(1.0, 10.0, 64)])
    near = max(step * 1e-10, 1e3 * np.spacing(abs(r)), 1e-300)
    far = max(step * 1e-4, near * 10**1.5)
    envelope = [np.nanmax(np.abs(fn.numpy(r + h * offsets)), initial=0.0) for h in (far, near)]
    if not np.isfinite(envelope[1]):
        return np.inf
    if envelope[1] == 0:
        return 0.0
    return float(np.log10(envelope[1] / max(envelope[0], 1e-300)) / np.log10(far / near))


def singular_points(f: str, mu: float, sigma: float) -> list[float]:
    """Points near which f is unbounded yet integrable, where quadrature must split;
    raises NotComputable if E[f(X)], X ~ N(mu, sigma^2), does not exist.

    The rule, decided from the integrand and not from what quadrature returns: E[f(X)]
    exists when |f| is integrable against the normal. A whitelisted f can be unbounded
    near a finite point only where one of its singular parts (compute.expr.singular_parts:
    a denominator, a power's base, a log's argument, cos of a tan's argument) vanishes.
    Those zeros are found within mu +- SUPPORT_SDS sigma; at each, the growth of |f| is
    measured, and growth like |x - r|^-POLE_GROWTH or faster is a pole: tan(x), 1/(x - 1),
    exp(1/x) are refused; sin(1/x), 1/sqrt(|x|), log(x**2) are not. Growth in the tails
    (exp(x**2)) makes the quadrature over the whole line diverge, which is refused there.
    """
    fn = parse(f, ("x",))
    low, high = mu - SUPPORT_SDS * sigma, mu + SUPPORT_SDS * sigma
    step = (high - low) / (SEARCH_POINTS - 1)
    points = sorted({r for part in singular_parts(fn) for r in _zeros(part, low, high)},
                    key=lambda r: abs(r - mu))
    for r in points:
        if _growth(fn, r, step) >= POLE_GROWTH:
            shown = 0.0 if abs(r) < 1e-9 * sigma else r
            raise NotComputable(f"f is unbounded like 1/|x - r| or faster near x = {shown:.10g}, "
                                "so E[f(X)] does not exist; f must have a finite "
                                "expectation under N(mu, sigma^2)")
    return sorted(points)


def gaussian_expectation(f: str, mu: float, sigma: float) -> float:
    """E[f(X)] for X ~ N(mu, sigma^2) by adaptive quadrature over the whole line, in
    standard units z = (x - mu) / sigma (so a narrow normal far from 0 is not missed).

    Its existence is decided first (:func:`singular_points`). Where quadrature over the
    whole line reports trouble and f has integrable singularities (sin(1/x)), the line
    is cut at them (and sigma either side), the pieces, each with a singularity at an end
    only, are integrated separately, and the sum is accepted when quadrature's error
    estimate is within QUAD_TOLERANCE (1 + |value|).
    """
    from scipy import integrate

    fn = parse(f, ("x",))
    cuts = [(c - mu) / sigma for c in singular_points(f, mu, sigma)]

    def integrand(z: float) -> float:  # in standard units: a narrow normal far out is found
        weight = np.exp(-z**2 / 2.0) / SQRT_2PI  # scipy's pdf, without its per-call cost
        # 0 far out, where f may overflow: 0 * inf would be nan
        return float(fn.numpy(mu + sigma * z)) * weight if weight > 0 else 0.0

    value, _, _, *trouble = integrate.quad(integrand, -np.inf, np.inf, limit=200,
                                           full_output=True)
    if trouble and cuts:
        ends = sorted({c + d for c in cuts for d in (-1, 0, 1)})
        pieces = zip([-np.inf, *ends], [*ends, np.inf])
        def piecewise(z: float) -> float:  # the cut itself, where f may be 1/0, has no mass
            value = integrand(z)
            return value if np.isfinite(value) else 0.0

        results = [integrate.quad(piecewise, a, b, limit=500, full_output=True)
                   for a, b in pieces]
        value, error = sum(r[0] for r in results), sum(r[1] for r in results)
        trouble = [] if error <= QUAD_TOLERANCE * (1 + abs(value)) else \
            [f"its error estimate {error:.2g} is too large"]
    if trouble or not np.isfinite(value):
        # quad's own warning: a divergent or badly behaved integral, e.g. exp(x**2)
        why = " ".join(trouble[0].split()).split(". ")[0].rstrip(".") if trouble \
            else f"the integral is {value}"
        raise NotComputable(f"E[f(X)] has no reliable value by quadrature ({why}); "
                            "f must have a finite expectation under N(mu, sigma^2)")
    return float(value)


@dataclass(frozen=True)
class NonlinearExpectation:
    """Running Monte Carlo estimate of E[f(X)] and its error against quadrature."""

    n: np.ndarray  # shape (K,)
    estimate: np.ndarray  # shape (K,) mean of f over the first n draws
    abs_error: np.ndarray  # shape (K,) |estimate - true_value|
    true_value: float

    @property
    def reference_line(self) -> np.ndarray:
        """c / sqrt(n) with c the median of error * sqrt(n): the trend the error scatters about."""
        return np.median(self.abs_error * np.sqrt(self.n)) / np.sqrt(self.n)


def nonlinear_expectation(
    f: str, mu: float, sigma: float, n_min: int, n_max: int, n_points: int, seed: int
) -> NonlinearExpectation:
    """Monte Carlo estimate of E[f(X)], X ~ N(mu, sigma^2), at log-spaced checkpoints."""
    draws = np.random.RandomState(seed).normal(mu, sigma, n_max)
    n = checkpoints(n_min, n_max, n_points)
    estimate = np.cumsum(parse(f, ("x",)).numpy(draws))[n - 1] / n
    true_value = gaussian_expectation(f, mu, sigma)
    return NonlinearExpectation(n, estimate, np.abs(estimate - true_value), true_value)


@dataclass(frozen=True)
class ConcentrationCurves:
    """Empirical tail probability of the sample mean against two distribution-free bounds."""

    n: np.ndarray  # shape (K,)
    empirical_prob: np.ndarray  # shape (K,) fraction of trials with |mean_n - mu| >= eps
    chebyshev_bound: np.ndarray  # shape (K,) min(1, var / (n eps^2))
    hoeffding_bound: np.ndarray  # shape (K,) min(1, 2 exp(-2 n eps^2 / (b - a)^2))
    mu: float
    variance: float
    eps: float
    hist_edges: np.ndarray = internal()  # shape (B+1,) bins of the sample mean, mu +- k eps
    hist_fraction: np.ndarray = internal()  # shape (K, B) fraction of trials per bin

    @property
    def miss_bins(self) -> np.ndarray:
        """shape (B,): the bins beyond mu +- eps, whose trials missed by at least eps."""
        centres = 0.5 * (self.hist_edges[1:] + self.hist_edges[:-1])
        return np.abs(centres - self.mu) > self.eps


def _mean_bins(mu: float, variance: float, eps: float, n_min: int) -> np.ndarray:
    """Bin edges for the spread of sample means: wide enough for the first checkpoint,
    aligned so that mu +- eps fall on edges and tail bars are exactly the misses."""
    widths_of_eps = int(np.ceil(max(2 * eps, 3.5 * np.sqrt(variance / n_min)) / eps))
    per_eps = max(1, 24 // widths_of_eps)
    return mu + eps * np.linspace(-widths_of_eps, widths_of_eps, 2 * widths_of_eps * per_eps + 1)


def bounded_distribution(distribution: str, p: float) -> tuple[float, float, float, float]:
    """(mean, variance, low, high) of uniform[0, 1] or Bernoulli(p)."""
    if distribution == "uniform":
        return _UNIFORM01
    return (p, p * (1.0 - p), 0.0, 1.0)


def concentration(
    distribution: str, p: float, eps: float, n_min: int, n_max: int, n_points: int,
    trials: int, seed: int,
) -> ConcentrationCurves:
    """P(|mean_n - mu| >= eps) over independent trials, with Chebyshev and Hoeffding bounds.

    Trials are processed in blocks of at most ``BLOCK_FLOATS`` numbers (32 MB): the draws
    are summed in place, so a block's arrays stay under about 100 MB whatever ``trials``,
    ``n_max`` and ``n_points`` are. The block size does not change the result: the draws
    are taken trial by trial from one stream. The caller bounds the total work
    (``trials * (n_max + n_points) <= MAX_CONCENTRATION_WORK``).
    """
    mu, variance, low, high = bounded_distribution(distribution, p)
    n = checkpoints(n_min, n_max, n_points)
    rng = np.random.RandomState(seed)
    exceed = np.zeros(len(n))
    edges = _mean_bins(mu, variance, eps, int(n[0]))
    counts = np.zeros((len(n), len(edges) - 1))
    block = max(1, BLOCK_FLOATS // (n_max + len(n)))
    for start in range(0, trials, block):
        size = min(block, trials - start)
        draws = rng.uniform(size=(size, n_max))
        if distribution == "bernoulli":
            np.copyto(draws, draws < p)
        means = np.cumsum(draws, axis=1, out=draws)[:, n - 1] / n
        exceed += np.count_nonzero(np.abs(means - mu) >= eps, axis=0)
        bins = np.clip(np.searchsorted(edges, means, side="right") - 1, 0, len(edges) - 2)
        offsets = bins + (len(edges) - 1) * np.arange(len(n))
        counts += np.bincount(offsets.ravel(), minlength=counts.size).reshape(counts.shape)
    chebyshev = np.minimum(1.0, variance / (n * eps**2))
    hoeffding = np.minimum(1.0, 2.0 * np.exp(-2.0 * n * eps**2 / (high - low) ** 2))
    return ConcentrationCurves(n, exceed / trials, chebyshev, hoeffding, mu, variance, eps,
                               edges, counts / trials)
