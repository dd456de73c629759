"""The lecture's table of contents: sections, scenes, their order, titles and parameters.

Scene ids, numbers and section ids follow the spec (LECTURE_SPEC.md section 4). Only
scenes that are built are listed; the numbering leaves room for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from lecture.params import SceneParams
from lecture.sections import change_of_variables as cov
from lecture.sections import monte_carlo as mc

__all__ = ["SCENES", "SECTIONS", "SceneEntry", "entry", "resolve_targets"]


@dataclass(frozen=True)
class SceneEntry:
    id: str
    number: int  # place in the lecture, 1-based
    section: str
    title: str
    class_name: str  # in scenes/<section>.py
    params: type[SceneParams]

    @property
    def stem(self) -> str:
        return f"{self.number:02d}_{self.id}"

    @property
    def module(self) -> str:
        return f"scenes.{self.section}"


SECTIONS: dict[str, str] = {
    "monte_carlo": "D.1 Random variables, Monte Carlo and concentration",
    "change_of_variables": "D.2 Change of variables and Jacobians",
}

SCENES: tuple[SceneEntry, ...] = (
    SceneEntry("mc_mean_convergence", 1, "monte_carlo", "Monte Carlo: the running mean",
               "McMeanConvergence", mc.MeanConvergenceParams),
    SceneEntry("mc_nonlinear_expectation", 2, "monte_carlo",
               "Monte Carlo for a nonlinear expectation", "McNonlinearExpectation",
               mc.NonlinearExpectationParams),
    SceneEntry("mc_concentration", 3, "monte_carlo", "Concentration: how unlikely is a big miss?",
               "McConcentration", mc.ConcentrationParams),
    SceneEntry("cov_linear_1d", 4, "change_of_variables", "Change of variables: Y = aX + b",
               "CovLinear1D", cov.Linear1DParams),
    SceneEntry("cov_tanh", 5, "change_of_variables", "A nonlinear change of variables",
               "CovTanh", cov.MonotoneTransformParams),
    SceneEntry("cov_grid_2d", 6, "change_of_variables", "A linear map of the plane: areas and det A",
               "CovGrid2D", cov.Grid2DParams),
    SceneEntry("cov_jacobian_field", 7, "change_of_variables",
               "A nonlinear map of the plane: the Jacobian field", "CovJacobianField",
               cov.JacobianFieldParams),
)


def entry(scene_id: str) -> SceneEntry:
    for scene in SCENES:
        if scene.id == scene_id:
            return scene
    raise KeyError(scene_id)


def resolve_targets(targets: list[str]) -> list[SceneEntry]:
    """Scenes named by scene or section ids, in lecture order; all of them for none.

    Raises KeyError with the first unknown target.
    """
    if not targets:
        return list(SCENES)
    wanted: set[str] = set()
    for target in targets:
        matched = [s.id for s in SCENES if target in (s.id, s.section)]
        if not matched:
            raise KeyError(target)
        wanted.update(matched)
    return [s for s in SCENES if s.id in wanted]
