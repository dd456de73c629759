"""Section 2 (D.2): a density moves with its samples and is rescaled by the stretch.

Render one clip with its defaults through Manim itself:
``manim -ql scenes/change_of_variables.py CovTanh``.
"""

from __future__ import annotations

import ast

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from compute.change_of_variables import UNIT_SQUARE, map_points
from compute.expr import parse, to_latex
from scenes.theme import (
    FIRST_AXIS, LABEL_SIZE, REFERENCE, SAMPLE, SECOND_AXIS, SECOND_ROUTE, TICK_SIZE, TRUTH,
    LectureScene, clip_segments, dot_cloud_points, get_dashed_line, get_dot_cloud, get_heat_map,
    get_histogram, get_polyline, get_segments, histogram_points, make_axes, make_color_bar,
    make_panel, nice_ceiling, nice_ticks, segment_points, tick_tex,
)

__all__ = ["CovGrid2D", "CovJacobianField", "CovLinear1D", "CovTanh"]

MAX_DOTS = 400  # draws drawn as dots in the 1D scenes; the histograms use all of them
DOT_COLOR = BLUE_B  # a lighter blue than the bars, so dots read on top of them
LEGEND_SIZE = 26


def _ticks(values: list[float]) -> dict[float, str]:
    return {v: tick_tex(v) for v in values}


def _spread(n: int) -> np.ndarray:
    """n fractions in [0.06, 0.94], evenly mixed (golden ratio), for placing dots in bars."""
    return 0.06 + 0.88 * ((np.arange(n) * 0.6180339887498949 + 0.31) % 1.0)


def _bin_heights(edges: np.ndarray, heights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Height of the histogram bar each value falls in."""
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(heights) - 1)
    return heights[index]


def _latex_in(source: str, old: str, new: str, variables: tuple[str, ...]) -> str:
    """LaTeX of an expression with variable ``old`` renamed ``new`` (x -> z)."""
    tree = ast.parse(source, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == old:
            node.id = new
    return to_latex(parse(ast.unparse(tree), variables))


def _legend(entries: list[tuple[VMobject, str]]) -> VGroup:
    """Rows of (line sample, MathTex label), left-aligned."""
    rows = VGroup()
    for swatch, tex in entries:
        rows.add(VGroup(swatch, MathTex(tex, font_size=LEGEND_SIZE)).arrange(RIGHT, buff=0.2))
    return rows.arrange(DOWN, aligned_edge=LEFT, buff=0.15)


def _swatch(color, dashed: bool = False) -> VMobject:
    line = Line(ORIGIN, 0.6 * RIGHT, color=color, stroke_width=3)
    return DashedLine(ORIGIN, 0.6 * RIGHT, color=color, stroke_width=3, dash_length=0.1) \
        if dashed else line


class CovLinear1D(LectureScene):
    scene_id = "cov_linear_1d"

    def construct(self) -> None:
        r, p = self.result, self.p

        # Step 1: the formula.
        self.open_with(
            "Change of variables: Y = aX + b",
            r"p_Y(y) = p_X\!\left(\frac{y-b}{a}\right)\left|\frac{dx}{dy}\right|,\qquad"
            r"\left|\frac{dx}{dy}\right| = \frac{1}{|a|}",
            "Stretch a random variable and its density must drop, "
            "so the total stays one.")

        # Step 2: X, its histogram, some of its draws as dots, and p_X.
        low = min(r.x_grid[0], r.y_grid[0], r.x_hist_edges[0], r.y_hist_edges.min())
        high = max(r.x_grid[-1], r.y_grid[-1], r.x_hist_edges[-1], r.y_hist_edges.max())
        lo, hi, x_ticks = nice_ticks(low, high, 8)
        top = nice_ceiling(1.08 * max(r.x_hist_density.max(), r.y_hist_density.max(),
                                      r.density_x.max(), r.density_analytic.max()))
        axes, axis_labels = make_axes(
            [lo, hi], [0, top], r"x \text{ and } y", r"\text{density}", _ticks(x_ticks),
            {0.0: "0", top / 2: tick_tex(top / 2), top: tick_tex(top)},
            np.array([0.25, -0.75, 0]), width=11.4, height=3.9)

        stretch, shift, squash = ValueTracker(1.0), ValueTracker(0.0), ValueTracker(1.0)
        n_dots = min(MAX_DOTS, len(r.x_samples))
        x_dots = r.x_samples[:n_dots]
        dot_heights = _spread(n_dots) * _bin_heights(r.x_hist_edges, r.x_hist_density, x_dots)

        def moved(xs: np.ndarray) -> np.ndarray:
            return stretch.get_value() * xs + shift.get_value()

        bars = get_histogram(axes, r.x_hist_edges, r.x_hist_density)
        bars.add_updater(lambda m: m.set_points(histogram_points(
            axes, moved(r.x_hist_edges), r.x_hist_density / squash.get_value())))
        dots = get_dot_cloud(axes.c2p(x_dots, dot_heights).T, 0.03, DOT_COLOR)
        dots.add_updater(lambda m: m.set_points(dot_cloud_points(
            axes.c2p(moved(x_dots), dot_heights / squash.get_value()).T, 0.03)))
        p_x = get_polyline(axes, r.x_grid, r.density_x, color=TRUTH)
        p_x_label = MathTex(r"p_X = \mathcal{N}(0, 1)", color=TRUTH, font_size=LEGEND_SIZE)
        p_x_label.next_to(axes.c2p(0, r.density_x.max()), UR, buff=0.15)
        with self.narrate(f"{p.n_samples:,} draws of X ~ N(0, 1): their histogram, "
                          "some of them as dots, and p_X."):
            self.play(Create(axes), FadeIn(axis_labels), run_time=1)
            self.play(FadeIn(bars), FadeIn(dots), Create(p_x), FadeIn(p_x_label), run_time=1.5)
            self.wait(1)

        # Step 3: the map, one piece at a time; every piece moves the draws and the bars.
        before = get_dashed_line(axes, r.x_grid, r.density_x, num_dashes=50)
        grows = abs(p.a) > 1
        with self.narrate(f"Multiply by |a| = {abs(p.a):g}: the draws spread "
                          f"{'out' if grows else 'in'}, and the bars "
                          f"{'widen and sink' if grows else 'narrow and rise'}."):
            self.play(ReplacementTransform(p_x, before), FadeOut(p_x_label), run_time=1)
            self.play(stretch.animate.set_value(abs(p.a)), squash.animate.set_value(abs(p.a)),
                      run_time=3)
            self.wait(1)
        if p.a < 0:
            with self.narrate("The minus sign mirrors every draw; "
                              "a mirror changes no heights."):
                self.play(stretch.animate.set_value(p.a), run_time=2.5)
                self.wait(1)
        if p.b != 0:
            with self.narrate(f"Adding b = {p.b:g} slides everything over "
                              "and changes no heights either."):
                self.play(shift.animate.set_value(p.b), run_time=2)
                self.wait(1)

        # Step 4: the draws of Y and their summary. The draws stop moving: no more updaters.
        bars.clear_updaters()
        dots.clear_updaters()
        y_bars = get_histogram(axes, r.y_hist_edges, r.y_hist_density)
        self.remove(bars)
        self.add(y_bars, dots)
        panel = make_panel([
            (r"\text{mean of } y", lambda: r.sample_mean, 4),
            (r"\text{std of } y", lambda: r.sample_std, 4),
            (r"|dx/dy|", lambda: r.jacobian_factor, 4),
        ])
        with self.narrate(f"The draws of Y: mean {r.sample_mean:.4f}, std {r.sample_std:.4f}, "
                          f"close to b and |a|."):
            self.play(FadeIn(panel), run_time=1.5)
            self.wait(1)

        # Step 5: two routes to p_Y agree.
        # The two curves coincide: a wide yellow band with the teal dashes on top of it.
        analytic = get_polyline(axes, r.y_grid, r.density_analytic, color=TRUTH, stroke_width=7)
        by_change = get_dashed_line(axes, r.y_grid, r.density_change_of_variables,
                                    color=SECOND_ROUTE, num_dashes=60)
        by_change.set_stroke(width=3.5)
        legend = _legend([
            (_swatch(REFERENCE, dashed=True), r"p_X \text{ before}"),
            (_swatch(TRUTH), r"\mathcal{N}(b,\, a^2)"),
            (_swatch(SECOND_ROUTE, dashed=True), r"p_X\big((y-b)/a\big)\,|dx/dy|"),
        ])
        corner = UL if p.b >= (lo + hi) / 2 else UR
        legend.move_to(axes.c2p(lo if corner is UL else hi, top), aligned_edge=corner)
        legend.shift(0.3 * (RIGHT if corner is UL else LEFT) + 0.05 * DOWN)
        with self.narrate("Yellow: N(b, a^2) by formula. Dashed: p_X moved back "
                          "and scaled by |dx/dy|."):
            self.play(FadeIn(legend[:2]), Create(analytic), run_time=2)
            self.play(FadeIn(legend[2]), Create(by_change), run_time=2)
            self.wait(1.5)

        # Step 6: the factor is why the peak moved.
        peak_x, peak_y = r.density_x.max(), r.density_analytic.max()
        arrow = Arrow(axes.c2p(p.b, peak_x), axes.c2p(p.b, peak_y), buff=0, color=WHITE,
                      stroke_width=4, max_tip_length_to_length_ratio=0.3)
        level_x = np.array([min(0, p.b) - 0.3, max(0, p.b) + 0.3])  # from p_X's peak to the arrow
        level = DashedLine(axes.c2p(level_x[0], peak_x), axes.c2p(level_x[1], peak_x),
                           color=REFERENCE, dash_length=0.08)
        factor = MathTex(rf"\times\left|\frac{{dx}}{{dy}}\right| = {r.jacobian_factor:.4g}",
                         font_size=30)
        bar_tops = np.repeat(r.y_hist_density, 2)
        _place_clear(factor, arrow, axes, [
            (r.y_grid, r.density_analytic, False), (r.x_grid, r.density_x, False),
            (np.stack([r.y_hist_edges[:-1], r.y_hist_edges[1:]], 1).ravel(), bar_tops, True),
            (level_x, np.array([peak_x, peak_x]), False),
        ], legend)
        with self.narrate(f"The peak is multiplied by |dx/dy| = {r.jacobian_factor:.4g}: "
                          f"the same mass on a {'wider' if grows else 'narrower'} range."):
            self.play(Create(level), GrowArrow(arrow), Write(factor), run_time=2)
            self.wait(2.5)


def _place_clear(label: Mobject, anchor: Mobject, axes: Axes,
                 curves: list[tuple[np.ndarray, np.ndarray, bool]], avoid: Mobject) -> None:
    """Put ``label`` beside ``anchor`` where it crosses no curve and misses ``avoid``.

    Each curve is (xs, ys, filled) in axes coordinates; a filled one (histogram bars) must
    pass wholly below the label, a line may pass below or above it. Candidates run outward
    to the right, then to the left; inside the axes.
    """
    screen = [(axes.c2p(np.asarray(xs, float), np.asarray(ys, float)), filled)
              for xs, ys, filled in curves]
    margin = 0.08
    for direction in (RIGHT, LEFT):
        for extra in np.arange(0, 8, 0.15):
            label.next_to(anchor, direction, buff=0.2 + extra)
            (x0, y0, _), (x1, y1, _) = label.get_corner(DL), label.get_corner(UR)
            if x0 < axes.get_left()[0] + 0.2 or x1 > axes.get_right()[0] + 0.3:
                break
            clear = not (x0 < avoid.get_right()[0] + margin
                         and x1 > avoid.get_left()[0] - margin
                         and y0 < avoid.get_top()[1] + margin
                         and y1 > avoid.get_bottom()[1] - margin)
            for points, filled in screen:
                order = np.argsort(points[0])
                xs, ys = points[0][order], points[1][order]
                ends = [x for x in (x0 - margin, x1 + margin) if xs[0] <= x <= xs[-1]]
                span = np.concatenate([ys[(xs >= x0 - margin) & (xs <= x1 + margin)],
                                       np.interp(ends, xs, ys)])
                below = np.all(span < y0 - margin)
                clear &= below or (not filled and np.all(span > y1 + margin))
            if clear:
                return
    label.next_to(anchor, RIGHT, buff=0.2)


class CovTanh(LectureScene):
    scene_id = "cov_tanh"

    def construct(self) -> None:
        r, p = self.result, self.p

        # Step 1: the formula for a monotone g.
        g_tex = _latex_in(p.transform, "x", "z", ("z",))
        self.open_with(
            "A nonlinear change of variables",
            rf"p_Y(y) = p_Z\big(g^{{-1}}(y)\big)\left|\frac{{dg^{{-1}}}}{{dy}}\right|,"
            rf"\qquad g(z) = {g_tex}",
            "Push Gaussian draws through a curve: where it is flat, "
            "the draws pile up.")

        # Step 2: three plots sharing the y axis: g, the density of y, and |dz/dy|.
        z_lo, z_hi, z_ticks = nice_ticks(r.z_samples.min(), r.z_samples.max(), 5)
        y_lo, y_hi, y_ticks = nice_ticks(r.y_samples.min(), r.y_samples.max(), 5)
        capped = r.density.max() > 2.5 * r.hist_density.max()  # a density with a spike
        d_max = 1.5 * r.hist_density.max() if capped else max(r.density.max(),
                                                               r.hist_density.max())
        _, d_hi, d_ticks = nice_ticks(0, 1.05 * d_max, 3)
        _, f_hi, f_ticks = nice_ticks(0, 1.02 * r.jacobian_factor.max(), 3)
        height, middle_y = 3.6, -0.85
        curve_axes, curve_labels = make_axes(
            [z_lo, z_hi], [y_lo, y_hi], "z", "y = g(z)", _ticks(z_ticks), _ticks(y_ticks),
            np.array([-3.75, middle_y, 0]), width=3.7, height=height)
        density_axes, density_labels = make_axes(
            [0, d_hi], [y_lo, y_hi], "p_Y(y)", "y", _ticks(d_ticks), {},
            np.array([0.55, middle_y, 0]), width=3.0, height=height)
        factor_axes, factor_labels = make_axes(
            [0, f_hi], [y_lo, y_hi], r"|dz/dy|", "y", _ticks(f_ticks), {},
            np.array([4.55, middle_y, 0]), width=2.9, height=height)

        # The graph of g through points the compute step evaluated: sorted draws (dense where
        # z is likely) and the density grid (dense where y changes fast).
        keep = np.unique(np.linspace(0, len(r.z_samples) - 1, 300).astype(int))
        order = np.argsort(r.z_samples)[keep]
        graph_z = np.concatenate([r.z_samples[order], r.z_grid])
        graph_y = np.concatenate([r.y_samples[order], r.y_grid])
        curve = get_polyline(curve_axes, np.sort(graph_z), graph_y[np.argsort(graph_z)],
                             color=WHITE)
        n_dots = min(300, len(r.z_samples))
        z_dots, y_dots, spread = r.z_samples[:n_dots], r.y_samples[:n_dots], _spread(n_dots)
        on_axis = curve_axes.c2p(z_dots, y_lo + (0.02 + 0.1 * spread) * (y_hi - y_lo)).T
        on_curve = curve_axes.c2p(z_dots, y_dots).T
        in_bars = density_axes.c2p(
            np.minimum(spread * _bin_heights(r.hist_edges, r.hist_density, y_dots), d_hi),
            y_dots).T
        travel = ValueTracker(0.0)

        def dot_positions() -> np.ndarray:
            s = travel.get_value()
            return (on_axis + np.clip(s, 0, 1) * (on_curve - on_axis)
                    + np.clip(s - 1, 0, 1) * (in_bars - on_curve))

        dots = get_dot_cloud(on_axis, 0.03, DOT_COLOR)
        dots.add_updater(lambda m: m.set_points(dot_cloud_points(dot_positions(), 0.03)))
        with self.narrate("Left: the transform y = g(z), with draws of z "
                          "from N(0, 1) along the bottom."):
            self.play(Create(curve_axes), FadeIn(curve_labels), Create(curve), run_time=1.5)
            self.play(FadeIn(dots), run_time=1)
            self.wait(1)

        # Step 3: each draw goes up to the curve, then across to its value of y.
        with self.narrate("Each draw rises to the curve, which gives its y..."):
            self.play(Create(density_axes), FadeIn(density_labels), run_time=1)
            self.play(travel.animate.set_value(1), run_time=2.5)
        with self.narrate("...and slides across: draws crowd where the curve is flat."):
            self.play(travel.animate.set_value(2), run_time=2.5)
            self.wait(1)

        # Step 4: the histogram of y against p_Y by change of variables.
        bars = get_histogram(density_axes, r.hist_edges, np.minimum(r.hist_density, d_hi),
                             sideways=True)
        p_y = get_dashed_line(density_axes, np.minimum(r.density, d_hi), r.y_grid,
                              color=SECOND_ROUTE, num_dashes=45)
        p_y.set_stroke(width=4.5)
        with self.narrate("Their histogram, and p_Y from the formula (dashed): "
                          "the two agree."):
            self.play(FadeIn(bars), FadeOut(dots), run_time=1.5)
            self.play(Create(p_y), run_time=2)
            self.wait(1)

        # Step 5: the factor |dz/dy| = 1/|g'|, and a sweep along y.
        factor_curve = get_polyline(factor_axes, r.jacobian_factor, r.y_grid, color=WHITE)
        steepest, flattest = int(np.argmin(r.jacobian_factor)), int(np.argmax(r.jacobian_factor))
        last = len(r.y_grid) - 1
        # Then on to the end farther from the flattest point (away from the start on a tie).
        far_end = max((0, last), key=lambda end: (round(abs(end - flattest) / (0.1 * last)),
                                                  abs(end - steepest)))
        k = ValueTracker(steepest)
        at = lambda values: values[int(round(k.get_value()))]  # noqa: E731
        panel = make_panel([
            ("y", lambda: at(r.y_grid), 4),
            (r"|dz/dy|", lambda: at(r.jacobian_factor), 4),
            (r"p_Y(y)", lambda: at(r.density), 4),
        ])
        with self.narrate("Right: |dz/dy| = 1/|g'(z)|, the factor "
                          "that rescales the density."):
            self.play(Create(factor_axes), FadeIn(factor_labels), run_time=1)
            self.play(Create(factor_curve), FadeIn(panel), run_time=1.5)
            self.wait(1)

        guide = DashedLine(curve_axes.c2p(z_lo, 0), factor_axes.c2p(f_hi, 0), color=REFERENCE,
                           dash_length=0.1, stroke_width=2)
        guide.add_updater(lambda m: m.set_y(curve_axes.c2p(z_lo, at(r.y_grid))[1]))
        rising = np.sign(r.z_grid[-1] - r.z_grid[0])
        direction = lambda: (curve_axes.c2p(1, rising / at(r.jacobian_factor))  # noqa: E731
                             - curve_axes.c2p(0, 0))
        tangent = Line(LEFT, RIGHT, color=YELLOW, stroke_width=4)
        tangent.add_updater(lambda m: m.put_start_and_end_on(
            *[curve_axes.c2p(at(r.z_grid), at(r.y_grid)) + s * 0.45 * normalize(direction())
              for s in (-1, 1)]))
        markers = VGroup(*[Dot(radius=0.06, color=WHITE) for _ in range(3)])
        markers.add_updater(lambda m: [
            dot.move_to(axes.c2p(x, at(r.y_grid))) for dot, axes, x in zip(
                m, (curve_axes, density_axes, factor_axes),
                (at(r.z_grid), min(at(r.density), d_hi), at(r.jacobian_factor)))])
        self.play(FadeIn(guide), FadeIn(tangent), FadeIn(markers), run_time=0.5)
        with self.narrate("Where the curve flattens, |dz/dy| blows up, "
                          "and so does the density."):
            self.play(k.animate.set_value(flattest), rate_func=linear,
                      run_time=1.5 + 3.5 * abs(flattest - steepest) / last)
            self.wait(1)
        with self.narrate("Steep parts spread the draws thin; "
                          "flat parts pile them up."):
            self.play(k.animate.set_value(far_end), rate_func=linear,
                      run_time=1.5 + 3.5 * abs(far_end - flattest) / last)
            self.wait(1.5)


VIEW_LOW = np.array([-6.4, -3.6])  # the plane's window in cov_grid_2d, below the header
VIEW_HIGH = np.array([6.4, 1.2])


def _rotation(theta_deg: float) -> np.ndarray:
    theta = np.deg2rad(theta_deg)
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


class CovGrid2D(LectureScene):
    scene_id = "cov_grid_2d"

    def construct(self) -> None:
        r, p = self.result, self.p

        # Step 1: the formula.
        self.open_with(
            "A linear map of the plane",
            r"y = A x,\qquad p_Y(y) = \frac{p_X(A^{-1} y)}{|\det A|}",
            "A linear map moves every point and scales every area "
            "by the same factor.")

        # Step 2: the grid, the unit square and the basis vectors, in a window below the header.
        half = (VIEW_HIGH - VIEW_LOW) / 2
        origin = np.append((VIEW_LOW + VIEW_HIGH) / 2, 0)
        row_spread = np.linalg.norm(r.A, axis=1)  # std of the mapped draws along y1, y2
        reach = np.maximum.reduce([np.full(2, 2.2), 2.2 * row_spread,
                                   np.abs(r.unit_square_image).max(axis=0) + 0.5])
        unit = min(1.0, *(half / reach))
        corners = np.array([[sx, sy] for sx in (-1, 1) for sy in (-1, 1)]) * half / unit
        lines = int(min(30, np.ceil(np.abs(corners @ np.linalg.inv(r.A).T).max()
                                    + half.max() / unit) + 1))
        k = np.arange(-lines, lines + 1, dtype=float)
        fixed = np.full_like(k, lines)
        starts = np.concatenate([np.stack([k, -fixed], 1), np.stack([-fixed, k], 1)])
        ends = np.concatenate([np.stack([k, fixed], 1), np.stack([fixed, k], 1)])
        axis_rows = np.flatnonzero(np.concatenate([k, k]) == 0)

        def to_screen(points: np.ndarray) -> np.ndarray:
            points = np.atleast_2d(points)
            return origin + unit * np.column_stack([points, np.zeros(len(points))])

        def clipped(points_from: np.ndarray, points_to: np.ndarray) -> np.ndarray:
            return segment_points(*clip_segments(to_screen(points_from), to_screen(points_to),
                                                 VIEW_LOW, VIEW_HIGH))

        progress = ValueTracker(0.0)
        stages = ([("stretch", 1.0)] if p.A is None and tuple(p.scale) != (1.0, 1.0) else []) \
            + ([("rotate", 2.0)] if p.A is None and p.theta_deg % 360 != 0 else []) \
            + ([("apply", 1.0)] if p.A is not None else [])
        stages = stages or [("apply", 1.0)]  # theta 0 and scale [1, 1]: the identity
        if stages[0][0] == "rotate":
            progress.set_value(1.0)  # scale [1, 1]: the stretch is the identity, skip it
        final = stages[-1][1]

        def matrix() -> np.ndarray:
            s = progress.get_value()
            if s >= final:
                return r.A
            if p.A is not None:
                return (1 - s) * np.eye(2) + s * r.A
            if s <= 1:
                return np.diag(1 + s * (np.array(p.scale) - 1))
            return _rotation(p.theta_deg * (s - 1)) @ np.diag(p.scale)

        backdrop = get_segments(np.zeros((0, 3)), np.zeros((0, 3)), REFERENCE, 1, 0.35)
        backdrop.set_points(clipped(starts, ends))
        grid = get_segments(np.zeros((0, 3)), np.zeros((0, 3)), GREY_B, 1.5, 0.8)
        grid.add_updater(lambda m: m.set_points(clipped(starts @ matrix().T, ends @ matrix().T)))
        axes_lines = get_segments(np.zeros((0, 3)), np.zeros((0, 3)), WHITE, 2.5)
        axes_lines.add_updater(lambda m: m.set_points(
            clipped(starts[axis_rows] @ matrix().T, ends[axis_rows] @ matrix().T)))
        square = VMobject(fill_color=TRUTH, fill_opacity=0.3, stroke_color=TRUTH, stroke_width=3)
        square.add_updater(lambda m: m.set_points_as_corners(
            to_screen(np.vstack([UNIT_SQUARE, UNIT_SQUARE[:1]]) @ matrix().T)))
        for mover in (grid, axes_lines, square):
            mover.update()  # points before the first animation, which needs them to fade in

        def basis_arrow(i: int, color) -> Arrow:
            return Arrow(origin, to_screen(matrix()[:, i])[0], buff=0, color=color,
                         stroke_width=5, max_tip_length_to_length_ratio=0.25)

        basis = VGroup(basis_arrow(0, FIRST_AXIS), basis_arrow(1, SECOND_AXIS))
        for i, (arrow, color) in enumerate(zip(basis, (FIRST_AXIS, SECOND_AXIS))):
            arrow.add_updater(lambda m, i=i, color=color: m.become(basis_arrow(i, color)))
        names = VGroup(
            MathTex("x_1", font_size=LABEL_SIZE).next_to([VIEW_HIGH[0], origin[1], 0], UL, 0.1),
            MathTex("x_2", font_size=LABEL_SIZE).next_to([origin[0], VIEW_HIGH[1], 0], DR, 0.1),
        )
        # Labels sit above the moving layers (z_index), so they are redrawn on top of them.
        for name in names:
            name.add_background_rectangle(opacity=0.8, buff=0.05).set_z_index(2)
        area = MathTex(r"\text{area} = 1", font_size=LABEL_SIZE)
        area.add_background_rectangle(opacity=0.8, buff=0.06).set_z_index(2)
        area.next_to(to_screen(np.array([1.0, 0.5]))[0], RIGHT, buff=0.2)
        with self.narrate("The grid, the unit square of area 1, and the basis "
                          "vectors e1 and e2."):
            self.play(FadeIn(backdrop), Create(grid), Create(axes_lines), FadeIn(names),
                      run_time=1.5)
            self.play(FadeIn(square), FadeIn(basis), FadeIn(area), run_time=1)
            self.wait(1)

        # Step 3: samples of N(0, I); those inside the unit square are lit.
        n_dots = min(1500, len(r.samples))
        samples = r.samples[:n_dots]
        inside = np.all((samples >= 0) & (samples <= 1), axis=1)

        def cloud_points(chosen: np.ndarray) -> np.ndarray:
            s = progress.get_value()
            moved = r.transformed_samples[:n_dots][chosen] if s >= final \
                else samples[chosen] @ matrix().T
            centers = to_screen(moved)
            visible = np.all((centers[:, :2] > VIEW_LOW + 0.04)
                             & (centers[:, :2] < VIEW_HIGH - 0.04), axis=1)
            return dot_cloud_points(centers[visible], 0.03)

        outside_dots = get_dot_cloud(np.zeros((0, 3)), 0.03, SAMPLE, 0.75)
        outside_dots.add_updater(lambda m: m.set_points(cloud_points(~inside)))
        inside_dots = get_dot_cloud(np.zeros((0, 3)), 0.03, SAMPLE, 0.75)
        inside_dots.add_updater(lambda m: m.set_points(cloud_points(inside)))
        outside_dots.update()
        inside_dots.update()
        basis.set_z_index(1)
        with self.narrate(f"{p.n_samples:,} draws of N(0, I). "
                          "The ones inside the square light up."):
            self.play(FadeIn(outside_dots), FadeIn(inside_dots), run_time=1.5)
            self.play(inside_dots.animate.set_fill(WHITE, 1), run_time=1)
            self.wait(1)

        # Step 4: the map, in the pieces it is built from.
        lines_for = {
            "stretch": f"Stretch by {p.scale[0]:g} along x1 and {p.scale[1]:g} along x2: "
                       "the square's area changes.",
            "rotate": f"Then rotate by {p.theta_deg:g} degrees: "
                      "the square turns, its area stays.",
            "apply": "Apply A: lines stay straight and parallel, "
                     "and the draws go along.",
        }
        self.play(FadeOut(area), run_time=0.5)
        for name, end in stages:
            with self.narrate(lines_for[name]):
                self.play(progress.animate.set_value(end), run_time=3 if len(stages) > 1 else 4)
                self.wait(1)

        # Step 5: the area is |det A|; the density is divided by it. Nothing moves any more:
        # without updaters the grid and the draws are drawn once, not on every frame.
        for mover in (grid, axes_lines, square, basis, outside_dots, inside_dots):
            mover.clear_updaters()
        new_area = MathTex(rf"\text{{area}} = |\det A| = {abs(r.det):.2f}",
                           font_size=LABEL_SIZE)
        new_area.add_background_rectangle(opacity=0.8, buff=0.06).set_z_index(2)
        shape = VGroup(square, basis)
        side = RIGHT if shape.get_right()[0] + new_area.width + 0.4 < VIEW_HIGH[0] else LEFT
        new_area.next_to(shape, side, buff=0.2)
        a = r.A
        matrix_tex = MathTex(
            rf"A = \begin{{bmatrix}} {a[0, 0]:.4f} & {a[0, 1]:.4f} \\ "
            rf"{a[1, 0]:.4f} & {a[1, 1]:.4f} \end{{bmatrix}}", font_size=28)
        panel = make_panel([
            (r"\det A", lambda: r.det, 4),
            (r"1/|\det A|", lambda: r.density_scale, 4),
        ])
        matrix_tex.next_to(panel, DOWN, buff=0.2).align_to(panel, RIGHT)
        image_names = VGroup(*[MathTex(f"y_{i}", font_size=LABEL_SIZE).move_to(name)
                               .add_background_rectangle(opacity=0.8, buff=0.05).set_z_index(2)
                               for i, name in enumerate(names, start=1)])
        with self.narrate(f"The square's image has area |det A| = {abs(r.det):.2f}."):
            self.play(FadeIn(new_area), FadeIn(panel), FadeIn(matrix_tex),
                      ReplacementTransform(names, image_names), run_time=1.5)
            self.wait(1.5)
        if r.det < 0:
            with self.narrate("det A is negative: the plane is flipped over. "
                              "Area scales by |det A|."):
                self.play(Indicate(basis, color=WHITE), run_time=1.5)
                self.wait(1)
        with self.narrate(f"Lit draws stay inside: same mass, area x {abs(r.det):.2f}, "
                          f"so density x {r.density_scale:.2f}."):
            self.play(Indicate(square, scale_factor=1.05, color=TRUTH), run_time=1.5)
            self.wait(3)


def _pick_points(r, map_exprs: tuple[str, str]) -> list[tuple[int, int]]:
    """Grid indices of three points for the small squares: large, small and middling |det J|.

    Candidates sit at 20%, 50% and 80% of each axis. After the largest |det J|, each pick
    is the candidate (of the smallest, then of the middle band of |det J|) whose image lies
    farthest from the images already picked, so the bent squares do not pile up.
    """
    n1, n2 = len(r.x1), len(r.x2)
    candidates = [(i, j) for i in sorted({round(f * (n1 - 1)) for f in (0.2, 0.5, 0.8)})
                  for j in sorted({round(f * (n2 - 1)) for f in (0.2, 0.5, 0.8)})]
    size = {ij: abs(r.det_jacobian[ij]) for ij in candidates}
    image = dict(zip(candidates, map_points(
        map_exprs, np.array([[r.x1[i], r.x2[j]] for i, j in candidates]))))
    low, high = min(size.values()), max(size.values())
    picks = [max(candidates, key=size.get)]

    def farthest(pool: list[tuple[int, int]]) -> tuple[int, int]:
        return max(pool, key=lambda ij: min(np.linalg.norm(image[ij] - image[q]) for q in picks))

    rest = [ij for ij in candidates if ij not in picks]
    picks.append(farthest([ij for ij in rest if size[ij] <= low + 0.05 * (high - low)] or rest))
    rest = [ij for ij in rest if ij not in picks]
    band = [ij for ij in rest if low + 0.25 * (high - low) <= size[ij] <= low + 0.75 * (high - low)]
    picks.append(farthest(band or rest))
    return picks


def _away(box: Mobject, group: VGroup) -> np.ndarray:
    """The compass direction (of eight) pointing from the nearest other member to ``box``."""
    others = [m.get_center() for m in group if m is not box]
    nearest = min(others, key=lambda c: np.linalg.norm(c - box.get_center()))
    angle = np.arctan2(*(box.get_center() - nearest)[1::-1])
    step = np.round(angle / (np.pi / 4)) * np.pi / 4
    return np.round(np.array([np.cos(step), np.sin(step), 0.0]))


class CovJacobianField(LectureScene):
    scene_id = "cov_jacobian_field"

    def construct(self) -> None:
        r, p = self.result, self.p
        first, second = (parse(text, ("x1", "x2")) for text in p.map)

        # Step 1: the map and the formula.
        self.open_with(
            "A nonlinear map: the Jacobian field",
            rf"y = \big({to_latex(first)},\; {to_latex(second)}\big),\qquad "
            r"p_Y(y) = \frac{p_X(x)}{|\det J(x)|}",
            "A curved map stretches some places and squeezes others; "
            "J says by how much.", run_time=2.5)

        # Step 2: axes holding both the domain and its image; grid and three small squares.
        (x_lo, x_hi), (y_lo, y_hi) = p.x_range, p.y_range
        mesh = np.stack([m.ravel() for m in np.meshgrid(np.linspace(x_lo, x_hi, 41),
                                                        np.linspace(y_lo, y_hi, 41))], axis=1)
        image = map_points(p.map, mesh)
        low = np.minimum(image.min(axis=0), [x_lo, y_lo])
        high = np.maximum(image.max(axis=0), [x_hi, y_hi])
        low, high = low - 0.04 * (high - low), high + 0.04 * (high - low)
        bx_lo, bx_hi, bx_ticks = nice_ticks(low[0], high[0], 5)
        by_lo, by_hi, by_ticks = nice_ticks(low[1], high[1], 5)
        unit = min(6.6 / (bx_hi - bx_lo), 4.35 / (by_hi - by_lo))
        width, height = unit * (bx_hi - bx_lo), unit * (by_hi - by_lo)
        plane, plane_labels = make_axes(
            [bx_lo, bx_hi], [by_lo, by_hi], r"x_1 \mapsto y_1", r"x_2 \mapsto y_2",
            _ticks(bx_ticks), _ticks(by_ticks),
            np.array([-2.5, -2.85 + height / 2, 0]), width=width, height=height)
        origin = plane.c2p(0, 0)

        def to_screen(points: np.ndarray) -> np.ndarray:
            points = np.atleast_2d(points)
            return origin + unit * np.column_stack([points, np.zeros(len(points))])

        def bend(point: np.ndarray) -> np.ndarray:
            x1, x2 = (point[:2] - origin[:2]) / unit
            return to_screen(np.array([first.numpy(x1, x2), second.numpy(x1, x2)]))[0]

        def polyline_points(paths: list[np.ndarray]) -> np.ndarray:
            return np.concatenate([segment_points(to_screen(path[:-1]), to_screen(path[1:]))
                                   for path in paths])

        t = np.linspace(0, 1, 48)
        ticks_1, ticks_2 = np.linspace(x_lo, x_hi, 9), np.linspace(y_lo, y_hi, 9)
        paths = ([np.column_stack([np.full_like(t, v), y_lo + t * (y_hi - y_lo)]) for v in ticks_1]
                 + [np.column_stack([x_lo + t * (x_hi - x_lo), np.full_like(t, v)])
                    for v in ticks_2])
        backdrop = get_segments(np.zeros((0, 3)), np.zeros((0, 3)), REFERENCE, 1, 0.35)
        backdrop.set_points(polyline_points(paths))
        grid = get_segments(np.zeros((0, 3)), np.zeros((0, 3)), GREY_B, 1.5, 0.9)
        grid.set_points(polyline_points(paths))

        picks = _pick_points(r, p.map)
        side = 0.13 * min(x_hi - x_lo, y_hi - y_lo)
        s = np.linspace(-0.5, 0.5, 12)
        squares, tags = VGroup(), VGroup()
        for n, (i, j) in enumerate(picks, start=1):
            c = np.array([r.x1[i], r.x2[j]])
            half = np.full_like(s, 0.5)
            edge = np.concatenate([np.column_stack([s, -half]), np.column_stack([half, s]),
                                   np.column_stack([-s, half]), np.column_stack([-half, -s])])
            box = VMobject(fill_color=TRUTH, fill_opacity=0.25, stroke_color=TRUTH,
                           stroke_width=2.5)
            box.set_points_as_corners(to_screen(c + side * np.vstack([edge, edge[:1]])))
            squares.add(box)
            tag = MathTex(str(n), font_size=TICK_SIZE)
            tag.add_background_rectangle(opacity=0.8, buff=0.04)
            tags.add(tag)
        for tag, box in zip(tags, squares):
            tag.add_updater(lambda m, box=box: m.next_to(box, _away(box, squares), buff=0.06))
        with self.narrate("A grid on the domain, and three small squares "
                          "of the same size."):
            self.play(Create(plane), FadeIn(plane_labels), FadeIn(backdrop), Create(grid),
                      run_time=1.5)
            self.play(FadeIn(squares), FadeIn(tags), run_time=1)
            self.wait(1)

        # Step 3: the map bends the grid and the squares with it.
        with self.narrate("Apply the map: grid lines bend, "
                          "and the squares bend with them."):
            self.play(ApplyPointwiseFunction(bend, VGroup(grid, squares)), run_time=4)
            self.wait(1.5)

        # Step 4: up close the map is J, a linear map: squares become parallelograms.
        parallelograms = VGroup()
        for (i, j) in picks:
            c = np.array([r.x1[i], r.x2[j]])
            centre = map_points(p.map, c[None])[0]
            corners = centre + side * ((UNIT_SQUARE - 0.5) @ r.jacobians[i, j].T)
            parallelograms.add(DashedVMobject(
                Polygon(*to_screen(corners), color=SECOND_ROUTE, stroke_width=4), num_dashes=16))
        panel = make_panel([(rf"|\det J|\ \text{{at}}\ {n}",
                             lambda ij=ij: abs(r.det_jacobian[ij]), 4)
                            for n, ij in enumerate(picks, start=1)])
        with self.narrate("Up close the map is linear: J turns each square "
                          "into a parallelogram (dashed)."):
            self.play(Create(parallelograms), run_time=2)
            self.wait(1)
        with self.narrate("Its area is |det J| times the square's, "
                          "as the panel shows for each."):
            self.play(FadeIn(panel), run_time=1.5)
            self.wait(1.5)

        # Step 5: |det J| everywhere, as a heat map with a colour bar.
        size = 2.7
        aspect = (x_hi - x_lo) / (y_hi - y_lo)
        map_w, map_h = (size, size / aspect) if aspect >= 1 else (size * aspect, size)
        heat_axes, heat_labels = make_axes(
            [x_lo, x_hi], [y_lo, y_hi], "x_1", "x_2",
            _ticks(nice_ticks(x_lo, x_hi, 3)[2]), _ticks(nice_ticks(y_lo, y_hi, 3)[2]),
            np.array([3.35, -2.8 + map_h / 2 + 0.05, 0]), width=map_w, height=map_h)
        magnitude = np.abs(r.det_jacobian)
        top = nice_ceiling(magnitude.max()) if magnitude.max() > 0 else 1.0
        heat = get_heat_map((magnitude / top).T[::-1], map_w, map_h).move_to(heat_axes)
        bar = make_color_bar(top, r"|\det J|", map_h, nice_ticks(0, top, 3)[2])
        bar.next_to(heat, RIGHT, buff=0.3).align_to(heat, DOWN)
        bar[2].next_to(bar[0], UP, buff=0.2)
        markers = VGroup()
        for n, (i, j) in enumerate(picks, start=1):
            ring = Circle(radius=0.08, color=WHITE, stroke_width=3)
            ring.move_to(heat_axes.c2p(r.x1[i], r.x2[j]))
            tag = MathTex(str(n), font_size=TICK_SIZE).next_to(ring, UR, buff=0.02)
            tag.add_background_rectangle(opacity=0.8, buff=0.04)
            markers.add(ring, tag)
        with self.narrate("The same factor over the whole domain: "
                          "|det J| as a heat map."):
            self.play(FadeIn(heat), Create(heat_axes), FadeIn(heat_labels), FadeIn(bar),
                      run_time=2)
            self.play(FadeIn(markers), run_time=1)
            self.wait(1.5)

        folds = r.det_jacobian.min() <= 0 <= r.det_jacobian.max()
        with self.narrate("Where det J reaches zero the map folds or flattens, "
                          "and has no inverse there." if folds else
                          "det J never reaches zero here, so the map "
                          "is invertible near every point."):
            self.wait(3)
