"""16 marg_conditionals: slices of a joint, renormalised, are the conditionals p(x | z).

``manim -ql scenes/marginalization/marg_conditionals.py MargConditionals`` renders the
defaults.
"""

from __future__ import annotations

import numpy as np
from manim import *  # noqa: F403  (scenes/ only, as the style guide allows)

from scenes.marginalization.helpers import (
    curve_points, get_cover, get_joint_image, z_levels,
    z_ramp_colors,
)
from scenes.theme.base import LectureScene
from scenes.theme.dashes import GUIDE_DASH, SECOND_ROUTE_DASH, dashed_points, get_dashed
from scenes.theme.layout import nice_ticks, range_ticks, tick_tex
from scenes.theme.numbers import caption_number, decimals_for
from scenes.theme.palette import FOREGROUND, LABEL_SIZE, SECOND_ROUTE, TICK_SIZE, TRUTH
from scenes.theme.panel import make_panel, merge_outlines
from scenes.theme.plots import line_swatch, make_legend, plot_box, tick_column, tick_row
from scenes.theme.shapes import clip_segments, get_dot_cloud, segment_points

__all__ = ["MargConditionals"]

HEAT_CORNER, HEAT_W, HEAT_H = np.array([-5.65, -3.0, 0.0]), 5.1, 4.6  # the joint
SLICES_CORNER, SLICES_W, SLICES_H = np.array([1.3, -3.0, 0.0]), 4.6, 3.0  # p(x | z) vs x
RAMP_W = 0.16  # the colour ramp of z, beside the joint
SLICE_SECONDS = 6.0  # the slices landing on the right, all of them


class MargConditionals(LectureScene):
    def construct(self) -> None:
        r = self.result
        (x0, x1), (z0, z1) = r.x_range, r.z_range
        order = np.argsort(r.z_values, kind="stable")  # slices bottom to top
        peak = r.conditional_peak  # of every p(x | z)

        self.step("The conditional, as a ratio and in closed form")
        self.open_with(
            r"p(x\mid z) = \frac{p(x,z)}{p(z)} = \mathcal{N}\big(\mu_x + "
            r"\Sigma_{xz}/\Sigma_{zz}\,(z-\mu_z),\ "
            r"\Sigma_{xx} - \Sigma_{xz}^2/\Sigma_{zz}\big)",
            "Slice the joint at fixed z and rescale it.", run_time=1.5)

        self.step("The joint, and the lines of fixed z where it is cut")
        heat = plot_box((x0, x1), (z0, z1), HEAT_W, HEAT_H, HEAT_CORNER)
        image = get_joint_image(r.joint_density, heat, (x0, x1), (z0, z1))
        z_name = MathTex("z", font_size=LABEL_SIZE).next_to(heat.c2p(x0, z1), UP, buff=0.12)
        z_name.align_to(heat, LEFT)
        x_name = MathTex("x", font_size=LABEL_SIZE)  # right of the colour ramp of step 7
        x_name.next_to(heat.c2p(x1, z0), RIGHT, 0.35 + RAMP_W).align_to(heat, DOWN)
        frame = merge_outlines(VGroup(tick_column(heat, range_ticks(z0, z1, 5), x0),
                                      tick_row(heat, range_ticks(x0, x1, 4), z0), z_name, x_name))
        line_ends = np.array([[heat.c2p(x0, z), heat.c2p(x1, z)] for z in r.z_values])
        cut_lines = VMobject(stroke_color=FOREGROUND, stroke_width=1.5, stroke_opacity=0.6)
        cut_lines.set_points(np.concatenate([dashed_points(ends, GUIDE_DASH)
                                             for ends in line_ends]))
        count = len(r.z_values)
        cover = get_cover(image, 1.0)  # fades out, then back in part way: the image stays still
        self.add(image, cover)
        with self.narrate(f"The joint again, and {count} line{'s' if count > 1 else ''} "
                          "of fixed z where we cut it."):
            self.play(cover.animate.set_fill(opacity=0), Create(heat), FadeIn(frame), run_time=2)
            self.play(Create(cut_lines), run_time=1)
            self.wait(1)

        # P(x, z) rises out of the plane.
        self.step("Along each line the joint is a bump")
        rise, norm = ValueTracker(0.0), ValueTracker(0.0)
        normalised = r.conditional_pdf_numerical / peak

        def slice_points(k: int) -> np.ndarray:
            t = norm.get_value()
            heights = (1 - t) * r.joint_slices[k] + t * normalised[k]
            z = r.z_values[k] + rise.get_value() * r.slice_height * heights
            return heat.c2p(r.x, z).T

        raw = VGroup()
        for k in range(count):
            curve = VMobject(stroke_color=FOREGROUND, stroke_width=3, fill_opacity=0)
            curve.add_updater(lambda m, k=k: m.set_points_as_corners(slice_points(k)))
            curve.update()
            raw.add(curve)
        with self.narrate("Along each line the joint is a bump: "
                          "tall near the middle, faint in the tails."):
            # Dimming the joint redraws all above it: a short play of its own.
            self.play(cover.animate.set_fill(opacity=0.55), run_time=0.6)
            self.add(raw)
            self.play(rise.animate.set_value(1.0), run_time=2.2)
            self.wait(1)

        # Every slice becomes the same normal.
        self.step("Divide each slice by its area, p(z)")
        def on_joint(values: np.ndarray, k: int) -> np.ndarray:
            return heat.c2p(r.x, r.z_values[k] + r.slice_height * values / peak).T

        exact_joint = VGroup(*[VMobject(stroke_color=TRUTH, stroke_width=5)
                               .set_points_as_corners(on_joint(r.conditional_pdf_analytic[k], k))
                               for k in range(count)])
        grid_joint = VGroup(*[get_dashed(on_joint(r.conditional_pdf_numerical[k], k),
                                         SECOND_ROUTE, SECOND_ROUTE_DASH, 3) for k in range(count)])
        with self.narrate("Divide each by its area, the integral over x, "
                          "which is p(z): now each holds mass 1."):
            self.play(norm.animate.set_value(1.0), run_time=2.5)
            self.wait(0.5)
        self.freeze_movers()
        with self.narrate("Dashed: the grid's slice over its area. "
                          "Yellow: the closed form. They agree."):
            self.play(FadeOut(raw), FadeIn(exact_joint), FadeIn(grid_joint), run_time=1.2)
            self.wait(1)

        self.step("One slice after another on common axes, with its numbers")
        top = 1.15 * max(peak, r.conditional_pdf_numerical.max())
        tick = max(t for t in nice_ticks(0, top, 3)[2] if t <= top)
        slices = plot_box((x0, x1), (0, top), SLICES_W, SLICES_H, SLICES_CORNER)
        slices_frame = merge_outlines(VGroup(
            tick_row(slices, range_ticks(x0, x1, 4), 0),
            tick_column(slices, {0.0: "0", tick: tick_tex(tick)}, x0),
            MathTex(r"p(x\mid z)", font_size=LABEL_SIZE).next_to(slices.c2p(x0, top), UP, 0.12)
            .align_to(slices, LEFT),
            MathTex("x", font_size=LABEL_SIZE).next_to(slices.c2p(x1, 0), RIGHT, 0.2),
        ))
        legend = make_legend([
            (line_swatch(TRUTH), MathTex(r"\mathcal{N}\big(E[x\mid z],\ \mathrm{Var}[x\mid z]\big)",
                                         font_size=TICK_SIZE + 2)),
            (line_swatch(SECOND_ROUTE, SECOND_ROUTE_DASH),
             MathTex(r"p(x, z) \,/ \textstyle\int p(x,z)\,dx", font_size=TICK_SIZE + 2)),
        ], buff=0.2)
        legend.next_to(slices, UP, buff=0.55).align_to(slices, LEFT)
        exact_right = VGroup(*[VMobject(stroke_color=TRUTH, stroke_width=5)
                               .set_points_as_corners(curve_points(slices, r.x,
                                                                   r.conditional_pdf_analytic[k]))
                               for k in range(count)])
        grid_right = VGroup(*[get_dashed(curve_points(slices, r.x, r.conditional_pdf_numerical[k]),
                                         SECOND_ROUTE, SECOND_ROUTE_DASH, 3) for k in range(count)])
        shown = ValueTracker(order[0])
        sd_x, sd_z = r.marginal_std
        panel = make_panel([  # the source's rounding, more digits where numbers are small
            ("z", lambda: r.z_values[int(shown.get_value())], decimals_for(sd_z, 2, 2)),
            (r"\textstyle\int p(x,z)\,dx", lambda: r.slice_areas[int(shown.get_value())],
             decimals_for(r.slice_areas.min(), 2, 4)),
            (r"E[x\mid z]", lambda: r.conditional_means[int(shown.get_value())],
             decimals_for(sd_x, 4, 4)),
            (r"\mathrm{Var}[x\mid z]", lambda: r.conditional_variance,
             decimals_for(r.conditional_variance, 5, 5)),
        ])
        marker = Dot(radius=0.07, color=FOREGROUND)
        marker.add_updater(lambda m: m.move_to(heat.c2p(
            r.conditional_means[int(shown.get_value())], r.z_values[int(shown.get_value())])))
        marker.update()
        with self.narrate("Side by side on one axis: the same width each time; "
                          "only the mean moves."):
            self.play(Create(slices), FadeIn(slices_frame), FadeIn(legend), FadeIn(panel),
                      FadeIn(marker), run_time=1.5)
            for k in order:
                shown.set_value(k)
                self.play(TransformFromCopy(exact_joint[k], exact_right[k]),
                          TransformFromCopy(grid_joint[k], grid_right[k]),
                          run_time=SLICE_SECONDS / count)
            self.wait(1)
        self.freeze_movers()

        self.step("The peaks sit on the ridge E[x | z], a straight line")
        ridge_ends = np.array([heat.c2p(r.ridge_x[0], r.z[0]), heat.c2p(r.ridge_x[-1], r.z[-1])])
        starts, ends = clip_segments(ridge_ends[:1], ridge_ends[1:], heat.c2p(x0, z0)[:2],
                                     heat.c2p(x1, z1)[:2])
        ridge = VMobject(stroke_color=TRUTH, stroke_width=4)
        ridge.set_points(segment_points(starts, ends))
        ridge_name = MathTex(r"E[x\mid z]", font_size=LABEL_SIZE, color=TRUTH)
        if len(ends):
            ridge_name.next_to(ends[0], UP, buff=0.1)
            ridge_name.set_x(np.clip(ridge_name.get_x(), heat.get_left()[0] + 1.1,
                                     heat.get_right()[0] - 0.5))
        with self.narrate(f"The means lie on the ridge E[x | z]: x moves "
                          f"{caption_number(r.regression_slope, 3)} per unit of z."):
            self.remove(marker)  # a fade would redraw everything added after it
            self.play(Create(ridge), FadeIn(ridge_name), run_time=2)
            self.wait(1.5)

        self.step("Draws from the joint, coloured by z, scatter around the ridge")
        colors = z_ramp_colors()
        levels = z_levels(r.samples[:, 1], z0, z1, len(colors))
        inside = ((r.samples[:, 0] >= x0) & (r.samples[:, 0] <= x1)
                  & (r.samples[:, 1] >= z0) & (r.samples[:, 1] <= z1))
        radius = 0.05 if len(r.samples) <= 100 else 0.035 if len(r.samples) <= 1000 else 0.022
        clouds = VGroup(*[get_dot_cloud(heat.c2p(*r.samples[inside & (levels == i)].T).T,
                                        radius, color, 0.9)
                          for i, color in enumerate(colors) if np.any(inside & (levels == i))])
        bounds = np.linspace(z0, z1, len(colors) + 1)
        ramp = VGroup(*[Rectangle(width=RAMP_W, height=heat.c2p(0, hi)[1] - heat.c2p(0, lo)[1],
                                  fill_color=color, fill_opacity=1, stroke_width=0)
                        .move_to(heat.c2p(x1, (lo + hi) / 2)).shift((0.15 + RAMP_W / 2) * RIGHT)
                        for lo, hi, color in zip(bounds[:-1], bounds[1:], colors)])
        ramp.add(MathTex("z", font_size=TICK_SIZE).next_to(ramp, UP, buff=0.1))  # its key
        n = len(r.samples)
        with self.narrate(f"{n:,} draw{'s' if n > 1 else ''} from the joint, "
                          "coloured by their z."):
            self.play(cover.animate.set_fill(opacity=0.85),
                      exact_joint.animate.set_stroke(opacity=0.35),
                      grid_joint.animate.set_stroke(opacity=0.35), FadeIn(ramp), run_time=0.7)
            for cloud in clouds:  # band by band, from low z to high: each a held frame
                self.add(cloud)
                self.wait(2.0 / len(clouds))
            self.wait(1)
        with self.narrate("Near any z they scatter around the ridge, "
                          f"with variance {caption_number(r.conditional_variance, decimals=5)}."):
            self.bring_to_front(ridge)  # over the draws, however many
            self.play(Indicate(ridge, color=FOREGROUND, scale_factor=1.0), run_time=1.5)
            self.wait(2)
