"""Section 1 (D.1): Monte Carlo estimation and concentration. Parameters of its scenes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compute.expr import parse
from lecture.params import (
    SEED, Choice, Count, ExprKind, ParamError, Real, SceneParams, param,
)

__all__ = ["ConcentrationParams", "MeanConvergenceParams", "NonlinearExpectationParams"]

POINTS = Count(2, 2000)
MEAN = Real(ge=-1000, le=1000)
STD = Real(ge=0.001, le=1000)


def _check_range(params: SceneParams) -> None:
    if params.n_max <= params.n_min:
        raise ParamError("n_max", params.n_max, f"must be an integer > n_min ({params.n_min})")


@dataclass(frozen=True)
class MeanConvergenceParams(SceneParams):
    mu: float = param(0.0, MEAN, "mean of the normal distribution sampled")
    sigma: float = param(1.0, STD, "its standard deviation")
    n_min: int = param(10, Count(2, 10**7), "first checkpoint (sample count)")
    n_max: int = param(10_000, Count(3, 10**7), "last checkpoint; the stream has n_max draws")
    n_points: int = param(50, POINTS, "number of log-spaced checkpoints")
    confidence: float = param(0.95, Real(ge=0.5, le=0.999), "coverage of the shaded band")
    seed: int = param(42, SEED, "seed of the local random stream")

    def check(self) -> None:
        _check_range(self)

    def compute(self):
        from compute.monte_carlo import mean_convergence

        return mean_convergence(self.mu, self.sigma, self.n_min, self.n_max, self.n_points,
                                self.confidence, self.seed)


@dataclass(frozen=True)
class NonlinearExpectationParams(SceneParams):
    f: str = param("x**2", ExprKind(("x",)), "the function whose expectation is estimated")
    mu: float = param(0.0, MEAN, "mean of X")
    sigma: float = param(1.0, STD, "standard deviation of X")
    n_min: int = param(10, Count(1, 10**7), "first checkpoint (sample count)")
    n_max: int = param(1_000_000, Count(2, 10**7), "last checkpoint; the stream has n_max draws")
    n_points: int = param(200, POINTS, "number of log-spaced checkpoints")
    seed: int = param(42, SEED, "seed of the local random stream")

    def check(self) -> None:
        _check_range(self)
        x = np.linspace(self.mu - 8 * self.sigma, self.mu + 8 * self.sigma, 2001)
        if not np.all(np.isfinite(parse(self.f, ("x",)).numpy(x))):
            raise ParamError("f", self.f, "must be finite for every x within mu +- 8 sigma")

    def compute(self):
        from compute.monte_carlo import nonlinear_expectation

        return nonlinear_expectation(self.f, self.mu, self.sigma, self.n_min, self.n_max,
                                     self.n_points, self.seed)


@dataclass(frozen=True)
class ConcentrationParams(SceneParams):
    distribution: str = param("uniform", Choice(("uniform", "bernoulli")),
                              "uniform on [0, 1], or bernoulli with success probability p")
    p: float = param(0.5, Real(gt=0, lt=1), "success probability (bernoulli only)")
    eps: float = param(0.05, Real(ge=0.001, lt=1), "deviation whose probability is bounded")
    n_min: int = param(10, Count(1, 10**6), "first checkpoint (sample count)")
    n_max: int = param(2000, Count(2, 10**6), "last checkpoint")
    n_points: int = param(40, POINTS, "number of log-spaced checkpoints")
    trials: int = param(2000, Count(1, 10**6), "independent repetitions per checkpoint")
    seed: int = param(42, SEED, "seed of the local random stream")

    def check(self) -> None:
        from compute.monte_carlo import MAX_CONCENTRATION_WORK

        _check_range(self)
        if self.trials * (self.n_max + self.n_points) > MAX_CONCENTRATION_WORK:
            raise ParamError("trials", self.trials,
                             f"trials * (n_max + n_points) must be at most "
                             f"{MAX_CONCENTRATION_WORK:,} (n_max is {self.n_max:,}, "
                             f"n_points {self.n_points:,})")

    def compute(self):
        from compute.monte_carlo import concentration

        return concentration(self.distribution, self.p, self.eps, self.n_min, self.n_max,
                             self.n_points, self.trials, self.seed)
