"""The lecture's table of contents: every section and scene, written once.

A scene's id, number, section, title and one-line summary live here and nowhere else.
Everything else reads them: the parameters (``params``), the scene file
``scenes/<section>/<id>.py`` with its class named after the id, the title on screen, the
sidecar, ``--list`` and the README. Ids and numbers follow LECTURE_SPEC.md section 4.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from difflib import get_close_matches
from dataclasses import dataclass
from typing import Any

from lecture.params import ParamError, SceneParams
from lecture.sections import change_of_variables as cov
from lecture.sections import differentiation as diff
from lecture.sections import linear_algebra as la
from lecture.sections import marginalization as marg
from lecture.sections.cards import CardParams
from lecture.sections import monte_carlo as mc

__all__ = [
    "CARDS", "LECTURE_TITLE", "SCENES", "SECTIONS", "SceneEntry", "Section", "entry",
    "lecture_order", "nearest_ids", "resolve_targets", "section",
]


LECTURE_TITLE = "Reviewing Mathematical and Computational Foundations for Machine Learning"


@dataclass(frozen=True)
class Section:
    id: str
    code: str  # the lecture source's numbering, "D.1"
    title: str
    equation: str  # LaTeX: the section's key equation, on its title card
    preview: str  # one line on what the viewer will see, on its title card

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}"


@dataclass(frozen=True)
class SceneEntry:
    id: str
    number: int  # place in the lecture, 1-based
    section: str
    title: str  # shown on screen, in the sidecar, --list and the README
    summary: str  # one line: what the clip shows
    params: type[SceneParams]
    scene_file: str = ""  # for a scene not in a file of its own (the title cards)

    @property
    def stem(self) -> str:
        return f"{self.number:02d}_{self.id}"

    @property
    def module(self) -> str:
        """The scene's module, ``scenes.<section>.<id>``."""
        return self.scene_file or f"scenes.{self.section}.{self.id}"

    @property
    def class_name(self) -> str:
        """The scene class: the id in CamelCase (``cov_grid_2d`` -> ``CovGrid2d``)."""
        name = self.module.rsplit(".", 1)[-1] if self.scene_file else self.id
        return "".join(part.capitalize() for part in name.split("_"))

    def facts(self) -> dict[str, Any]:
        """What the catalog says of this scene (part of its cache key)."""
        return {"id": self.id, "number": self.number, "section": self.section,
                "title": self.title, "summary": self.summary}

    @contextmanager
    def _naming(self) -> Iterator[None]:
        try:
            yield
        except ParamError as exc:
            exc.scene = self.id
            raise

    def resolve(self, overrides: Mapping[str, Any]) -> SceneParams:
        """Defaults updated by ``overrides``, checked; a ParamError names this scene."""
        with self._naming():
            return self.params.resolve(overrides)

    def computed(self, params: SceneParams) -> Any:
        """``params.computed()``: the result, or a ParamError naming this scene."""
        with self._naming():
            return params.computed()


SECTIONS: tuple[Section, ...] = (
    Section("monte_carlo", "D.1", "Random variables, Monte Carlo and concentration",
            r"\bar X_N = \frac{1}{N}\sum_{i=1}^{N} X_i \;\to\; \mathbb{E}[X],\qquad"
            r"\text{error} \propto \frac{1}{\sqrt{N}}",
            "Averages of random draws settle down; we measure how fast, and how surely."),
    Section("change_of_variables", "D.2", "Change of variables and Jacobians",
            r"p_Y(y) = p_X\big(g^{-1}(y)\big)\,\big|\det J_{g^{-1}}(y)\big|",
            "Push a density through a map and watch it stretch, squeeze and rescale."),
    Section("linear_algebra", "D.3", "Linear algebra and spectral norms",
            r"A = U\Sigma V^{\top},\qquad \|A\|_2 = \sigma_{\max},\qquad"
            r"\kappa(A) = \frac{\sigma_{\max}}{\sigma_{\min}}",
            "Every matrix turns circles into ellipses; their axes give its norm and condition."),
    Section("differentiation", "D.4", "Differentiation and curvature",
            r"f(x + \alpha v) \approx f(x) + \alpha\, v^{\top}\nabla f(x)"
            r" + \tfrac{\alpha^2}{2}\, v^{\top} H v",
            "Slopes and curvature along a direction, without ever building the Hessian."),
    Section("marginalization", "D.5", "Marginalization of probability distributions",
            r"p(x) = \int p(x, z)\,dz,\qquad p(x \mid z) = \frac{p(x, z)}{p(z)}",
            "Integrate a joint density for its shadows; slice it to condition on what you saw."),
)

SCENES: tuple[SceneEntry, ...] = (
    SceneEntry("mc_mean_convergence", 1, "monte_carlo", "Monte Carlo: the running mean",
               "The running mean of one stream of normal draws closes in on mu inside its "
               "95% band, whose width falls like 1/sqrt(N).",
               mc.MeanConvergenceParams),
    SceneEntry("mc_nonlinear_expectation", 2, "monte_carlo",
               "Monte Carlo for a nonlinear expectation",
               "A running estimate of E[f(X)] converges to the quadrature value, its error "
               "again falling like 1/sqrt(N).",
               mc.NonlinearExpectationParams),
    SceneEntry("mc_concentration", 3, "monte_carlo",
               "Concentration: how often is the mean far off?",
               "Over many repeated trials, how often the mean misses by eps, against the "
               "Chebyshev and Hoeffding bounds.",
               mc.ConcentrationParams),
    SceneEntry("cov_linear_1d", 4, "change_of_variables", "Change of variables: Y = aX + b",
               "Normal draws stretched and shifted: the histogram widens and sinks, and "
               "p_Y by formula meets p_X rescaled by |dx/dy|.",
               cov.Linear1DParams),
    SceneEntry("cov_tanh", 5, "change_of_variables", "A nonlinear change of variables",
               "Gaussian draws pushed through a monotone curve pile up where it is flat; "
               "|dz/dy| blows up there and so does p_Y.",
               cov.MonotoneTransformParams),
    SceneEntry("cov_grid_2d", 6, "change_of_variables", "A linear map of the plane",
               "A grid, the unit square and Gaussian draws under A = R(theta) S: areas "
               "scale by |det A| and the density by its inverse.",
               cov.Grid2DParams),
    SceneEntry("cov_jacobian_field", 7, "change_of_variables",
               "A nonlinear map: the Jacobian field",
               "A curved map bends the grid; up close it is J, and |det J| over the domain "
               "is drawn as a heat map.",
               cov.JacobianFieldParams),
    SceneEntry("la_svd_ellipse", 8, "linear_algebra", "The SVD: turn, stretch, turn",
               "The unit circle becomes an ellipse under A in three moves, V^T, Sigma and U "
               "(a turn may be a flip); the semi-axes are the singular values.",
               la.SVDEllipseParams),
    SceneEntry("la_condition_gallery", 9, "linear_algebra",
               "Condition numbers: a gallery of ellipses",
               "Side by side, matrices from round to nearly flat: their ellipses, singular "
               "values on one scale, norm, condition number and det.",
               la.ConditionGalleryParams),
    SceneEntry("la_nn_jacobian", 10, "linear_algebra",
               "A network's Jacobian: the local linear map",
               "Small circles pushed through a tanh network against the ellipses its "
               "Jacobian predicts, with norms and condition numbers.",
               la.NetworkJacobianParams),
    SceneEntry("la_spectral_normalization", 11, "linear_algebra",
               "Spectral normalization by power iteration",
               "Power iteration finds W's largest singular value step by step; W divided by "
               "it fits inside the unit circle.",
               la.SpectralNormalizationParams),
    SceneEntry("diff_tangent_curvature", 12, "differentiation",
               "Slope and curvature: the tangent sweep",
               "A tangent line rides along f while f'' below shades convex and concave "
               "stretches and marks the inflection points.",
               diff.TangentCurvatureParams),
    SceneEntry("diff_jvp_hvp", 13, "differentiation",
               "Directional derivatives: JVP and HVP",
               "f(x, y) near a point: the gradient, a direction v, and the slice along v "
               "against its first- and second-order Taylor curves.",
               diff.JvpHvpParams),
    SceneEntry("diff_nn_linearization", 14, "differentiation",
               "A network, linearised: why not the Hessian",
               "A small network's output along a direction against its JVP line; per-tensor "
               "JVP and HVP norms, and what a full Hessian would cost.",
               diff.NnLinearizationParams),
    SceneEntry("marg_joint_marginals", 15, "marginalization", "Marginals: the joint's shadow",
               "A correlated Gaussian's mass sweeps onto each axis; the marginals by formula "
               "and by integration agree, and cannot tell the correlation.",
               marg.JointMarginalsParams),
    SceneEntry("marg_conditionals", 16, "marginalization",
               "Conditionals: slices of the joint",
               "Slices p(x | z) rise out of the joint at several z, each a normal whose mean "
               "runs along the ridge E[x | z].",
               marg.ConditionalsParams),
)


CARD_SCENE = "scenes.cards.title_card"
CARDS: tuple[SceneEntry, ...] = (
    SceneEntry("card_lecture", 0, "cards", LECTURE_TITLE,
               "The opening card: the lecture's title and its sections.", CardParams,
               CARD_SCENE),
    *(SceneEntry(f"card_{s.id}", 0, "cards", s.heading, s.preview, CardParams, CARD_SCENE)
      for s in SECTIONS),
)
"""Title cards, rendered and cached like scenes: the lecture's, then one per section."""


def lecture_order() -> list[SceneEntry]:
    """Every part of the full lecture in order: its card, then each section's card and clips."""
    parts = [CARDS[0]]
    for s in SECTIONS:
        parts.append(entry(f"card_{s.id}"))
        parts.extend(scene for scene in SCENES if scene.section == s.id)
    return parts


def section(section_id: str) -> Section:
    return next(s for s in SECTIONS if s.id == section_id)


def entry(scene_id: str) -> SceneEntry:
    for scene in (*CARDS, *SCENES):
        if scene.id == scene_id:
            return scene
    raise KeyError(scene_id)


def nearest_ids(name: str, ids: Iterable[str]) -> str:
    """A short hint for an unknown id: the closest known ids, and where to see them all."""
    close = get_close_matches(name, list(ids), n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    return hint + "./render.sh --list shows them all"


def resolve_targets(targets: list[str]) -> list[SceneEntry]:
    """Scenes named by scene or section ids (or ``cards``), in lecture order; for none, the
    whole lecture: its cards and every scene.

    Raises KeyError with the first unknown target.
    """
    everything = [*CARDS, *SCENES]
    if not targets:
        return everything
    wanted: set[str] = set()
    for target in targets:
        matched = [s.id for s in everything if target in (s.id, s.section)]
        if not matched:
            raise KeyError(target)
        wanted.update(matched)
    return [s for s in everything if s.id in wanted]
