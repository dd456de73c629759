"""Section 1: Monte Carlo estimates, their error bars and concentration bounds.

Every estimate is a running statistic of one stream of draws, so all checkpoints come
from a single cumulative sum: the estimate after ``n`` draws is exactly what a viewer
would get by stopping the stream at ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, stats

from compute.results import NotComputable, internal
from compute.expr import parse

__all__ = [
    "BLOCK_FLOATS",
    "ConcentrationCurves",
    "MAX_CONCENTRATION_WORK",
    "bounded_distribution",
    "MeanConvergence",
    "NonlinearExpectation",
    "checkpoints",
    "concentration",
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
    """``n_points`` log-spaced sample counts from n_min to n_max, truncated to integers.

    This is the lecture's own grid (``np.logspace(...).astype(int)``); near n_min it can
    repeat a count, which simply repeats that checkpoint's value.
    """
    return np.logspace(np.log10(n_min), np.log10(n_max), n_points).astype(int)


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
    samples = np.random.RandomState(seed).normal(mu, sigma, n_max)
    n = checkpoints(n_min, n_max, n_points)
    mean, std = _running_moments(samples, n)
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    return MeanConvergence(n, mean, z * std / np.sqrt(n), float(mu), float(confidence), samples)


def gaussian_expectation(f: str, mu: float, sigma: float) -> float:
    """E[f(X)] for X ~ N(mu, sigma^2) by adaptive quadrature over the whole line."""
    fn = parse(f, ("x",))
    density = stats.norm(mu, sigma).pdf

    def integrand(x: float) -> float:
        weight = density(x)  # 0 far out, where f may overflow: 0 * inf would be nan
        return float(fn.numpy(x)) * weight if weight > 0 else 0.0

    value, _, _, *trouble = integrate.quad(integrand, -np.inf, np.inf, limit=200,
                                           full_output=True)
    if trouble or not np.isfinite(value):
        # quad's own warning: a divergent or badly behaved integral, e.g. 1/(x - 0.001)
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
