"""Benchmark: the batched Jacobian field against a per-point autograd loop.

Times :func:`compute.change_of_variables.jacobian_field` on a 200 x 200 grid (target: under
0.5 s) and, in the same run, a loop of ``torch.autograd.functional.jacobian`` calls, one per
point, as the lecture source does. The loop is timed on a subset of the grid and scaled to
the whole grid. Both are checked to give the same determinants. Run from the repo root::

    .venv/bin/python bench/jacobian_field.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compute.change_of_variables import jacobian_field  # noqa: E402
from compute.expr import parse  # noqa: E402

MAP = ("x1**2 + 0.5*x2", "x1 + sin(x2)")
RESOLUTION = 200
LOOP_POINTS = 2000
REPEATS = 5
TARGET_S = 0.5


def jacobian_field_loop(map_exprs, points: np.ndarray) -> np.ndarray:
    """Signed det J at each point, one ``torch.autograd.functional.jacobian`` call per point."""
    first, second = (parse(text, ("x1", "x2")) for text in map_exprs)

    def plane_map(point: torch.Tensor) -> torch.Tensor:
        return torch.stack([first.torch(point[0], point[1]), second.torch(point[0], point[1])])

    dets = [
        torch.linalg.det(torch.autograd.functional.jacobian(plane_map, point)).item()
        for point in torch.as_tensor(points, dtype=torch.float64)
    ]
    return np.array(dets)


def best_time(run, repeats: int) -> tuple[float, object]:
    """Best wall time of ``repeats`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    jacobian_field(MAP, (-2.0, 2.0), (-2.0, 2.0), 5)  # warm up imports and torch.func

    def batched():
        return jacobian_field(MAP, (-2.0, 2.0), (-2.0, 2.0), RESOLUTION)

    threads = torch.get_num_threads()
    batched_s, field = best_time(batched, REPEATS)
    # Element-wise ops on 40 000 points gain nothing from intra-op threads, and their
    # barriers stall when another process holds a core (as with render -j N).
    torch.set_num_threads(1)
    single_thread_s, _ = best_time(batched, REPEATS)
    torch.set_num_threads(threads)
    mesh1, mesh2 = np.meshgrid(field.x1, field.x2, indexing="ij")
    points = np.stack([mesh1.ravel(), mesh2.ravel()], axis=1)
    subset = np.random.default_rng(0).choice(len(points), LOOP_POINTS, replace=False)

    loop_s, loop_dets = best_time(lambda: jacobian_field_loop(MAP, points[subset]), 3)
    loop_full_s = loop_s * len(points) / LOOP_POINTS
    max_diff = np.max(np.abs(loop_dets - field.det_jacobian.ravel()[subset]))

    print(f"grid {RESOLUTION}x{RESOLUTION} = {len(points)} points, torch {torch.__version__}, "
          f"best of {REPEATS}")
    print(f"jacobian_field (vmap/jacrev):  {batched_s:.4f} s with {threads} threads, "
          f"{single_thread_s:.4f} s with 1 "
          f"({'within' if max(batched_s, single_thread_s) < TARGET_S else 'OVER'} "
          f"the {TARGET_S} s target)")
    print(f"per-point autograd loop:       {loop_s:.4f} s for {LOOP_POINTS} points, "
          f"{loop_full_s:.2f} s scaled to the grid")
    print(f"speed-up:                      {loop_full_s / batched_s:.0f}x")
    print(f"max |det difference| on the {LOOP_POINTS} shared points: {max_diff:.2e}")


if __name__ == "__main__":
    main()
