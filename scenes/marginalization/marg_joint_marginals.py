"""15 marg_joint_marginals: a joint density's shadows on its axes are its marginals.

``manim -ql scenes/marginalization/marg_joint_marginals.py MargJointMarginals`` renders the
defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.marginalization.helpers import (
    CONTOUR_COLOR, JointView, area_corners, curve_points, density_top, get_cover,
    make_joint_view,
)
from scenes.theme.base import LectureScene, Sweep
from scenes.theme.dashes import SECOND_ROUTE_DASH, dashed_points, get_dashed
from scenes.theme.numbers import caption_number, decimals_for, format_number
from scenes.theme.palette import FOREGROUND, SECOND_ROUTE, TICK_SIZE, TRUTH
from scenes.theme.panel import make_panel
from scenes.theme.plots import PlotAxes, line_swatch, make_legend

__all__ = ["MargJointMarginals"]

FIRST_CORNER = np.array([-5.7, -1.2, 0.0])  # lower-left corner of the first heat map
SECOND_SHIFT = 6.55 * RIGHT  # the second joint, in the right half of the frame
SWEEP_SECONDS = 4.5


def get_shadow_layers(axes: PlotAxes, along: np.ndarray, values: np.ndarray, sweep: Sweep,
                      sideways: bool) -> VGroup:
    """The marginal by the trapezoid sums, shaded and dashed, growing with the sweep."""
    area = VMobject(fill_color=SECOND_ROUTE, fill_opacity=0.25, stroke_width=0)
    curve = VMobject(stroke_color=SECOND_ROUTE, stroke_width=3.5, fill_opacity=0)

    def grow_area(m: VMobject) -> None:
        corners = area_corners(axes, along, values, sweep.position, sideways)
        if len(corners):
            m.set_points_as_corners(corners)

    area.add_updater(grow_area)
    curve.add_updater(lambda m: m.set_points(dashed_points(
        curve_points(axes, along, values, sweep.position, sideways), SECOND_ROUTE_DASH)))
    return VGroup(area, curve)


def get_cursor(view: JointView, sweep: Sweep, along: np.ndarray, values: np.ndarray,
               vertical: bool) -> Line:
    """A line across the joint at the sweep's head, on to the marginal's height there."""
    line = Line(ORIGIN, RIGHT, color=FOREGROUND, stroke_width=2.5)
    x0, z1 = view.x_range[0], view.z_range[1]

    def follow(m: Line) -> None:
        head = np.interp(sweep.position, np.arange(len(along)), along)
        height = np.interp(sweep.position, np.arange(len(along)), values)
        ends = ((view.heat.c2p(head, z1), view.below.c2p(head, height)) if vertical
                else (view.heat.c2p(x0, head), view.side.c2p(height, head)))
        m.put_start_and_end_on(*ends)

    line.add_updater(follow)
    return line


class MargJointMarginals(LectureScene):
    def construct(self) -> None:
        r = self.result
        x_range, z_range = (r.x[0], r.x[-1]), (r.z[0], r.z[-1])
        tops = (density_top(r.marginal_x_analytic, r.marginal_x_numerical,
                            r.other_marginal_x_numerical),
                density_top(r.marginal_z_analytic, r.marginal_z_numerical,
                            r.other_marginal_z_numerical))

        self.step("The integral")
        self.open_with(r"p(x) = \int p(x, z)\,dz \qquad p(z) = \int p(x, z)\,dx",
                       "Integrate one variable away: what is left?", run_time=1.5)

        self.step("The joint as a heat map, and its contour ellipses")
        view = make_joint_view(r, r.joint_density, r.contour_ellipses, FIRST_CORNER, tops)
        masses = ", ".join(f"{format_number(100 * m, decimals=0)}\\%" for m in r.contour_mass)
        legend = make_legend([
            (line_swatch(CONTOUR_COLOR), Tex(f"ellipses hold {masses}", font_size=TICK_SIZE)),
            (line_swatch(SECOND_ROUTE, SECOND_ROUTE_DASH),
             Tex("trapezoid sum over the grid", font_size=TICK_SIZE)),
            (line_swatch(TRUTH), MathTex(r"\mathcal{N}(\mu_x, \Sigma_{xx}),\ "
                                         r"\mathcal{N}(\mu_z, \Sigma_{zz})",
                                         font_size=TICK_SIZE + 2)),
        ], buff=0.25)
        legend.move_to([3.4, -0.6, 0])
        cover = get_cover(view.image, 1.0)  # fades out: the image appears without redrawing
        self.add(view.image, cover)
        with self.narrate(f"The joint p(x, z): a Gaussian with correlation "
                          f"{caption_number(r.correlation, decimals=2)}. Bright is dense."):
            self.play(FadeOut(cover), Create(view.frame[:3]), FadeIn(view.frame[3:]),
                      run_time=2)
            self.wait(1)
        with self.narrate(f"Its contour ellipses hold {masses.replace(chr(92), '')} "
                          "of the mass."):
            self.play(Create(view.contours), FadeIn(legend[0]), run_time=2)
            self.wait(1)

        # P(x) = sum over z.
        self.step("The mass falls onto the x axis, column by column")
        density = decimals_for(max(r.marginal_x_analytic.max(), r.marginal_z_analytic.max()), 4, 4)
        sweep_x = Sweep(len(r.x))
        layers_x = get_shadow_layers(view.below, r.x, r.marginal_x_numerical, sweep_x, False)
        cursor_x = get_cursor(view, sweep_x, r.x, r.marginal_x_numerical, vertical=True)
        panel_x = make_panel([
            ("x", lambda: sweep_x.at(r.x), decimals_for(r.x[1] - r.x[0], 2, 2, 6)),
            (r"\textstyle\int p(x,z)\,dz", lambda: sweep_x.at(r.marginal_x_numerical), density),
            (r"\mathcal{N}(x;\,\mu_x,\Sigma_{xx})", lambda: sweep_x.at(r.marginal_x_analytic),
             density),
        ])
        shadow = view.image.copy()
        with self.narrate("Add up the joint over z, column by column: "
                          "its mass falls onto the x axis."):
            self.play(shadow.animate.stretch_to_fit_height(0.04)
                      .move_to(view.below.c2p(np.mean(x_range), 0), aligned_edge=DOWN)
                      .set_opacity(0.3), run_time=1.2)
            self.remove(shadow)
            for layer in (*layers_x, cursor_x):
                layer.update()
            self.add(*layers_x, cursor_x)
            self.play(FadeIn(panel_x), FadeIn(legend[1]), run_time=1.2)
        sweep_x.play_to_end(self, ["Each column's trapezoid sum is one height "
                                   "of the marginal p(x)."], SWEEP_SECONDS)
        self.play(FadeOut(cursor_x), run_time=0.5)
        self.wait(1)

        # P(z) = sum over x, row by row.
        self.step("The same along the other axis")
        sweep_z = Sweep(len(r.z))
        layers_z = get_shadow_layers(view.side, r.z, r.marginal_z_numerical, sweep_z, True)
        cursor_z = get_cursor(view, sweep_z, r.z, r.marginal_z_numerical, vertical=False)
        panel_z = make_panel([
            ("z", lambda: sweep_z.at(r.z), decimals_for(r.z[1] - r.z[0], 2, 2, 6)),
            (r"\textstyle\int p(x,z)\,dx", lambda: sweep_z.at(r.marginal_z_numerical), density),
            (r"\mathcal{N}(z;\,\mu_z,\Sigma_{zz})", lambda: sweep_z.at(r.marginal_z_analytic),
             density),
        ])
        shadow = view.image.copy()
        with self.narrate("Sum over x instead, row by row, and the mass "
                          "lands on the z axis."):
            self.play(FadeOut(panel_x), shadow.animate.stretch_to_fit_width(0.04)
                      .move_to(view.side.c2p(0, np.mean(z_range)), aligned_edge=LEFT)
                      .set_opacity(0.3), run_time=1.2)
            self.remove(shadow)
            for layer in (*layers_z, cursor_z):
                layer.update()
            self.add(*layers_z, cursor_z)
            self.play(FadeIn(panel_z), run_time=0.8)
        sweep_z.play_to_end(self, ["Each row's sum is one height of p(z)."], SWEEP_SECONDS)
        self.play(FadeOut(cursor_z), run_time=0.5)
        self.wait(1)

        self.step("The closed forms lie under the sums")
        def formula(axes: PlotAxes, along: np.ndarray, values: np.ndarray,
                    sideways: bool) -> VMobject:
            curve = VMobject(stroke_color=TRUTH, stroke_width=7, fill_opacity=0)
            return curve.set_points_as_corners(curve_points(axes, along, values,
                                                            sideways=sideways))

        exact_x = formula(view.below, r.x, r.marginal_x_analytic, False)
        exact_z = formula(view.side, r.z, r.marginal_z_analytic, True)
        panel_gap = make_panel([
            (r"\text{largest gap}", lambda: r.max_marginal_error,
             decimals_for(r.max_marginal_error, 2, 5)),
            (r"\text{mass on grid}", lambda: r.grid_mass, 4),
        ])
        with self.narrate("By formula the marginals of a Gaussian are normal: "
                          "N(mu_x, S_xx) and N(mu_z, S_zz).",
                          spoken="By formula the marginals of a Gaussian are normal: one "
                          "with mean mew x and variance S x x, one with mean mew z and "
                          "variance S z z."):
            self.play(FadeOut(panel_z), Create(exact_x), Create(exact_z), FadeIn(legend[2]),
                      run_time=2)
            self.bring_to_front(layers_x[1], layers_z[1])
            self.wait(1)
        with self.narrate(f"The two routes agree to {caption_number(r.max_marginal_error, 1)}: "
                          "the little mass beyond the grid's edge."):
            self.play(FadeIn(panel_gap), run_time=1)
            self.wait(2)

        self.step("Another joint, another correlation, the very same shadows")
        other = make_joint_view(r, r.other_joint_density, r.other_contour_ellipses,
                                FIRST_CORNER + SECOND_SHIFT, tops)
        copies_x = get_dashed(curve_points(other.below, r.x, r.other_marginal_x_numerical),
                              SECOND_ROUTE, SECOND_ROUTE_DASH, 3.5)
        copies_z = get_dashed(curve_points(other.side, r.z, r.other_marginal_z_numerical,
                                           sideways=True), SECOND_ROUTE, SECOND_ROUTE_DASH, 3.5)
        shade = VGroup(*[VMobject(fill_color=SECOND_ROUTE, fill_opacity=0.25, stroke_width=0)
                         .set_points_as_corners(area_corners(axes, along, values,
                                                             sideways=sideways))
                         for axes, along, values, sideways in (
                             (other.below, r.x, r.other_marginal_x_numerical, False),
                             (other.side, r.z, r.other_marginal_z_numerical, True))])
        exact_x2 = exact_x.copy().shift(SECOND_SHIFT)
        exact_z2 = exact_z.copy().shift(SECOND_SHIFT)
        panel_rho = make_panel([
            (r"\rho\ \text{left}", lambda: r.correlation, 4),
            (r"\rho\ \text{right}", lambda: r.other_correlation, 4),
        ])
        cover = get_cover(other.image, 1.0)
        with self.narrate("Now a second joint with correlation "
                          f"{caption_number(r.other_correlation, decimals=2)} "
                          "instead, the same variances."):
            self.play(FadeOut(legend), FadeOut(panel_gap), run_time=0.5)
            self.add(other.image, cover)
            self.play(FadeOut(cover), Create(other.frame[:3]), FadeIn(other.frame[3:]),
                      run_time=1.5)
            self.play(Create(other.contours), FadeIn(panel_rho), run_time=1.5)
            self.wait(1)
        with self.narrate("Its shadows, summed over the grid, fall exactly "
                          "on the first joint's marginals."):
            self.play(TransformFromCopy(exact_x, exact_x2), TransformFromCopy(exact_z, exact_z2),
                      run_time=2)
            self.play(FadeIn(shade), Create(copies_x), Create(copies_z), run_time=1.5)
            self.wait(1)
        with self.narrate("The marginals alone cannot tell you "
                          "how x and z vary together."):
            self.bring_to_front(view.contours, other.contours)  # the images stay still
            self.play(Indicate(other.contours, color=FOREGROUND),
                      Indicate(view.contours, color=FOREGROUND), run_time=1.5)
            self.wait(2)
