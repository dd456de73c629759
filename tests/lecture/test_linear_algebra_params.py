"""Parameters of section 3 (linear algebra): what the command line refuses and accepts.

Refusals go through ``lecture.cli.main`` exactly as a user's ``--set`` would, and must end
with exit status 2 and one line naming SCENE.PARAM, the value and what is allowed, before
anything renders and with the media folder untouched. Accepted values are resolved with
``plan_jobs`` (which renders nothing) and computed as the command line does before a render.
"""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import compute.linear_algebra
from compute.results import keyframes, non_finite_fields
from lecture import cli
from lecture.catalog import entry, section
from lecture.params import ParamError
from lecture.sections.linear_algebra import (
    SOURCE_GALLERY, ConditionGalleryParams, NetworkJacobianParams, SVDEllipseParams,
    SpectralNormalizationParams,
)
from tests.lecture.rendering import case_ids, plan_low, refusal

ROOT = Path(__file__).resolve().parents[2]
SOURCE_JACOBIANS = [  # printed by the source (float32)
    [[-0.12561867, -0.3354176], [0.23783804, 0.2557892]],
    [[0.04538195, -0.19429947], [0.10090272, 0.12735607]],
    [[-0.20401104, -0.28298327], [0.20504908, 0.24390957]],
]


@pytest.fixture
def with_earlier(no_render):
    """The media folder of no_render, holding an earlier clip that must stay as it is."""
    earlier = no_render / "lecture" / "480p15" / "linear_algebra" / "08_la_svd_ellipse.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_text('{"scene": "la_svd_ellipse"}')
    return no_render


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}




REFUSED = [
    # (target, --set values, SCENE.PARAM = value, words the reason must contain)
    ("la_svd_ellipse", ["la_svd_ellipse.A=[[0, 0], [0, 0]]"],
     "la_svd_ellipse.A = [[0.0, 0.0], [0.0, 0.0]]",
     "has spectral norm 0; it must be at least 0.001"),
    ("la_svd_ellipse", ["la_svd_ellipse.A=[[1e-4, 0], [0, 1e-4]]"], "la_svd_ellipse.A",
     "at least 0.001"),
    ("la_svd_ellipse", ["la_svd_ellipse.A=[[1001, 0], [0, 1]]"], "la_svd_ellipse.A = [[1001, 0]",
     "size at most 1,000"),
    ("la_svd_ellipse", ["la_svd_ellipse.A=[[1, 2, 3], [4, 5, 6]]"], "la_svd_ellipse.A",
     "must be a 2x2 matrix"),
    ("la_svd_ellipse", ["la_svd_ellipse.A=[[1, 0]]"], "la_svd_ellipse.A = [[1, 0]]",
     "must be a 2x2 matrix"),
    ("la_svd_ellipse", ["la_svd_ellipse.A=[[nan, 0], [0, 1]]"], "la_svd_ellipse.A = [[nan, 0]",
     "finite numbers"),
    ("la_svd_ellipse", ["la_svd_ellipse.A=[[inf, 0], [0, 1]]"], "la_svd_ellipse.A = [[inf, 0]",
     "finite numbers"),
    ("la_svd_ellipse", ['la_svd_ellipse.A="identity"'], 'la_svd_ellipse.A = "identity"',
     "2x2 matrix"),
    ("la_svd_ellipse", ["la_svd_ellipse.B=1"], "la_svd_ellipse.B = 1", "unknown parameter"),
    ("la_condition_gallery", ["la_condition_gallery.matrices=[]"],
     "la_condition_gallery.matrices = []", "a list of 1 to 6 matrices"),
    ("la_condition_gallery", ["la_condition_gallery.matrices=[" + ", ".join(
        ["[[1, 0], [0, 1]]"] * 7) + "]"], "la_condition_gallery.matrices", "1 to 6"),
    ("la_condition_gallery",
     ["la_condition_gallery.matrices=[[[1, 0], [0, 1]], [[0, 0], [0, 0]]]"],
     "la_condition_gallery.matrices", "matrix 2 has spectral norm 0"),
    ("la_condition_gallery", ["la_condition_gallery.matrices=[[[1, 0], [0, 1]], [[1, 0]]]"],
     "la_condition_gallery.matrices", "entry 2: must be a 2x2 matrix"),
    ("la_condition_gallery", ["la_condition_gallery.matrices=[[1, 0], [0, 1]]"],
     "la_condition_gallery.matrices", "entry 1: must be a 2x2 matrix"),
    ("la_condition_gallery", ["la_condition_gallery.matrices=[[[nan, 0], [0, 1]]]"],
     "la_condition_gallery.matrices", "entry 1: must be a 2x2 matrix of finite numbers"),
    ("la_nn_jacobian", ["la_nn_jacobian.hidden=0"], "la_nn_jacobian.hidden = 0", "1 to 64"),
    ("la_nn_jacobian", ["la_nn_jacobian.hidden=65"], "la_nn_jacobian.hidden = 65", "1 to 64"),
    ("la_nn_jacobian", ["la_nn_jacobian.hidden=2.5"], "la_nn_jacobian.hidden = 2.5", "integer"),
    ("la_nn_jacobian", ["la_nn_jacobian.points=[[0, 3.5]]"], "la_nn_jacobian.points",
     "size at most 3"),
    ("la_nn_jacobian", ["la_nn_jacobian.points=[]"], "la_nn_jacobian.points = []", "1 to 6"),
    ("la_nn_jacobian", ["la_nn_jacobian.points=[[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], "
                        "[0, 0], [0, 0]]"], "la_nn_jacobian.points", "1 to 6"),
    ("la_nn_jacobian", ["la_nn_jacobian.points=[[0, 0, 0]]"], "la_nn_jacobian.points",
     "entry 1: must be a list of 2 finite numbers"),
    ("la_nn_jacobian", ["la_nn_jacobian.points=[[nan, 0]]"], "la_nn_jacobian.points",
     "finite numbers"),
    ("la_nn_jacobian", ["la_nn_jacobian.radius=0"], "la_nn_jacobian.radius = 0", "0.001 to 1"),
    ("la_nn_jacobian", ["la_nn_jacobian.radius=1.5"], "la_nn_jacobian.radius = 1.5", "0.001 to 1"),
    ("la_nn_jacobian", ["la_nn_jacobian.radius=nan"], "la_nn_jacobian.radius = nan", "finite"),
    ("la_nn_jacobian", ["la_nn_jacobian.torch_seed=-1"], "la_nn_jacobian.torch_seed = -1",
     "integer"),
    ("la_nn_jacobian", ["la_nn_jacobian.torch_seed=4294967296"], "la_nn_jacobian.torch_seed",
     "4,294,967,295"),
    ("la_spectral_normalization", ["la_spectral_normalization.W=[[0, 0], [0, 0]]"],
     "la_spectral_normalization.W = [[0.0, 0.0], [0.0, 0.0]]", "has spectral norm 0"),
    ("la_spectral_normalization", ["la_spectral_normalization.W=[[2000, 0], [0, 1]]"],
     "la_spectral_normalization.W", "size at most 1,000"),
    ("la_spectral_normalization", ["la_spectral_normalization.W=[[1, 2]]"],
     "la_spectral_normalization.W", 'must be "none", or a 2x2 matrix'),
    ("la_spectral_normalization", ["la_spectral_normalization.W=[[nan, 0], [0, 1]]"],
     "la_spectral_normalization.W", "finite numbers"),
    ("la_spectral_normalization", ["la_spectral_normalization.scale=0"],
     "la_spectral_normalization.scale = 0", "0.01 to 100"),
    ("la_spectral_normalization", ["la_spectral_normalization.scale=1000"],
     "la_spectral_normalization.scale = 1000", "0.01 to 100"),
    ("la_spectral_normalization", ["la_spectral_normalization.power_iterations=0"],
     "la_spectral_normalization.power_iterations = 0", "1 to 100"),
    ("la_spectral_normalization", ["la_spectral_normalization.power_iterations=101"],
     "la_spectral_normalization.power_iterations = 101", "1 to 100"),
    ("la_spectral_normalization", ["la_spectral_normalization.power_iterations=2.5"],
     "la_spectral_normalization.power_iterations = 2.5", "integer"),
]


@pytest.mark.parametrize(("target", "sets", "where", "reason"), REFUSED, ids=case_ids(REFUSED))
def test_bad_values_are_refused_in_one_line(with_earlier, capsys, target, sets, where, reason):
    before = tree(with_earlier)
    line = refusal(capsys, target, *sets)
    assert line.startswith(where) and reason in line.split(": ", 1)[-1], line
    assert tree(with_earlier) == before  # nothing written, nothing changed


def test_refusal_happens_before_any_scene_of_the_section(with_earlier, capsys):
    """A bad value in one scene stops the whole section, the good scenes included."""
    before = tree(with_earlier)
    line = refusal(capsys, "linear_algebra", "la_spectral_normalization.W=[[0, 0], [0, 0]]")
    assert "la_spectral_normalization.W" in line
    assert tree(with_earlier) == before


def test_section_lists_four_scenes_in_lecture_order(tmp_path):
    assert section("linear_algebra").heading == "D.3 Linear algebra and spectral norms"
    jobs = plan_low("linear_algebra", {}, tmp_path)
    assert [job.stem for job in jobs] == [
        "08_la_svd_ellipse", "09_la_condition_gallery", "10_la_nn_jacobian",
        "11_la_spectral_normalization"]
    assert [job.scene.class_name for job in jobs] == [
        "LaSvdEllipse", "LaConditionGallery", "LaNnJacobian", "LaSpectralNormalization"]


def test_defaults_are_the_spec_defaults(tmp_path):
    resolved = {job.scene.id: job.params.as_dict() for job in plan_low("linear_algebra", {},
                                                                    tmp_path)}
    assert resolved == {
        "la_svd_ellipse": {"A": [[2.0, 0.5], [0.3, 1.0]]},
        "la_condition_gallery": {"matrices": [[[1.0, 0.2], [0.2, 1.0]], [[5.0, 0.0], [0.0, 1.0]],
                                              [[10.0, 9.99], [9.99, 10.0]],
                                              [[1.0, 1.0], [1.0, 1.001]]]},
        "la_nn_jacobian": {"torch_seed": 42, "hidden": 8,
                           "points": [[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]], "radius": 0.1},
        "la_spectral_normalization": {"W": None, "scale": 2.0, "seed": 42,
                                      "power_iterations": 10},
    }


def test_default_parameters_compute_the_source_numbers():
    svd = SVDEllipseParams().computed()
    np.testing.assert_allclose(svd.singular_values, [2.14364206, 0.86301721], atol=5e-9)
    assert round(svd.condition_number, 4) == 2.4839
    gallery = ConditionGalleryParams().computed()
    assert gallery.name == tuple(SOURCE_GALLERY)
    assert [round(float(n), 4) for n in gallery.spectral_norm] == [1.2, 5.0, 19.99, 2.0005]
    assert [round(float(c), 2) for c in gallery.condition_number] == [1.5, 5.0, 1999.0, 4002.0]
    assert [round(float(d), 6) for d in gallery.determinant] == [0.96, 5.0, 0.1999, 0.001]
    network = NetworkJacobianParams().computed()
    np.testing.assert_allclose(network.jacobians, SOURCE_JACOBIANS, atol=1e-7)
    assert [round(float(n), 4) for n in network.spectral_norms] == [0.4908, 0.2331, 0.4722]
    # The source prints 26.9721 (float32); in float64 on its weights kappa = 26.97221.
    assert [round(float(c), 4) for c in network.condition_numbers] == [5.0554, 2.1413, 26.9722]
    normalization = SpectralNormalizationParams().computed()
    assert round(normalization.spectral_norm, 4) == 3.3131
    np.testing.assert_allclose(normalization.W, [[0.9934, -0.2765], [1.2954, 3.0461]], atol=5e-5)
    assert len(normalization.power_iteration_estimates) == 11


@pytest.mark.parametrize(("scene_id", "overrides", "expected"), [
    ("la_svd_ellipse", {"A": [[1, 2], [2, 4]]}, {"A": [[1.0, 2.0], [2.0, 4.0]]}),  # singular
    ("la_svd_ellipse", {"A": [[0, 1], [1, 0]]}, {"A": [[0.0, 1.0], [1.0, 0.0]]}),  # a flip
    ("la_svd_ellipse", {"A": [[1, 2], [3, -1]]}, {"A": [[1.0, 2.0], [3.0, -1.0]]}),
    ("la_condition_gallery", {"matrices": [[[1, 2], [2, 4]], [[1, 1], [1, 1.0000001]]]},
     {"matrices": [[[1.0, 2.0], [2.0, 4.0]], [[1.0, 1.0], [1.0, 1.0000001]]]}),
    ("la_condition_gallery", {"matrices": [[[3, 0], [0, 1]]]}, {"matrices": [[[3.0, 0.0],
                                                                              [0.0, 1.0]]]}),
    ("la_nn_jacobian", {"hidden": 1, "torch_seed": 5}, {"hidden": 1, "torch_seed": 5}),
    ("la_nn_jacobian", {"points": [[2.5, -2], [3, 3]], "radius": 0.3},
     {"points": [[2.5, -2.0], [3.0, 3.0]], "radius": 0.3}),
    ("la_spectral_normalization", {"W": [[1, 0.5], [0.4, 0.95]], "power_iterations": 100},
     {"W": [[1.0, 0.5], [0.4, 0.95]], "power_iterations": 100}),
    ("la_spectral_normalization", {"power_iterations": 1}, {"power_iterations": 1}),
])
def test_valid_overrides_resolve_to_a_variant(tmp_path, scene_id, overrides, expected):
    (job,) = plan_low(scene_id, {scene_id: overrides}, tmp_path)
    resolved = job.params.as_dict()
    assert {name: resolved[name] for name in expected} == expected
    assert not job.params.is_default()
    assert job.stem.startswith(f"{entry(scene_id).stem}--")
    result = job.scene.computed(job.params)
    assert non_finite_fields(result) == []


def test_singular_matrices_are_shown_with_infinite_condition_numbers():
    svd = entry("la_svd_ellipse").computed(SVDEllipseParams.resolve({"A": [[1, 2], [2, 4]]}))
    assert svd.condition_number == math.inf and keyframes(svd)["condition_number"] is None
    gallery = ConditionGalleryParams.resolve(
        {"matrices": [[[1, 2], [2, 4]], [[1, 1], [1, 1.0000001]]]}).computed()
    assert gallery.name == ("M1", "M2")
    assert keyframes(gallery)["condition_number"][0] is None
    np.testing.assert_allclose(gallery.condition_number[1], np.linalg.cond([[1, 1],
                                                                           [1, 1.0000001]]),
                               rtol=1e-6)
    assert gallery.condition_number[1] > 1e7  # nearly singular: finite, and very large
    network = NetworkJacobianParams.resolve({"hidden": 1}).computed()
    assert np.all(np.isinf(network.condition_numbers))


def test_w_none_draws_it_and_a_given_w_overrides_scale(tmp_path):
    for value in ("none", "None", " NONE "):
        (job,) = plan_low("la_spectral_normalization",
                      {"la_spectral_normalization": {"W": value}}, tmp_path)
        assert job.params.W is None and job.params.is_default()
    given = SpectralNormalizationParams.resolve({"W": [[3, 1], [0, 2]], "scale": 50}).computed()
    np.testing.assert_array_equal(given.W, [[3.0, 1.0], [0.0, 2.0]])
    np.testing.assert_allclose(given.spectral_norm, np.linalg.norm([[3, 1], [0, 2]], 2))


def test_a_w_blind_to_the_start_vector_is_refused_or_converges():
    # In exact arithmetic this W sends the seeded start vector to 0 and power iteration
    # stalls; in floating point W v0 is 0 (refused: NotComputable, a one-line ParamError)
    # or rounding noise that the iteration grows into v_1. Never a non-finite number.
    start = SpectralNormalizationParams().computed().power_iteration_vectors[0]
    params = SpectralNormalizationParams.resolve({"W": [[-start[1], start[0]], [0.0, 0.0]]})
    try:
        result = entry("la_spectral_normalization").computed(params)
    except ParamError as exc:
        assert exc.name == "W" and "null space" in str(exc)
        assert str(exc).startswith("la_spectral_normalization.W = ")
        return
    assert non_finite_fields(result) == []
    assert np.all(result.power_iteration_estimates <= result.spectral_norm)
    np.testing.assert_allclose(result.power_iteration_estimates[-1], result.spectral_norm,
                               rtol=1e-12)


def test_checks_run_no_computation(monkeypatch):
    """check() is cheap: resolving runs no power iteration and no network."""
    def forbidden(*args, **kwargs):
        raise AssertionError("check() ran the computation")

    for name in ("svd_ellipse", "condition_gallery", "network_jacobian",
                 "spectral_normalization", "power_iteration"):
        monkeypatch.setattr(compute.linear_algebra, name, forbidden)
    SVDEllipseParams.resolve({"A": [[1, 2], [2, 4]]})
    ConditionGalleryParams.resolve({"matrices": [[[1, 2], [2, 4]]]})
    NetworkJacobianParams.resolve({"hidden": 1})
    SpectralNormalizationParams.resolve({"W": [[1, 2], [3, 4]], "power_iterations": 100})
    SpectralNormalizationParams.resolve({"seed": 7})


def test_parameter_checks_without_the_network_do_not_import_torch():
    code = (
        "import sys\n"
        "from lecture.sections.linear_algebra import (ConditionGalleryParams,\n"
        "    SVDEllipseParams, SpectralNormalizationParams, NetworkJacobianParams)\n"
        "for params in (SVDEllipseParams, ConditionGalleryParams, SpectralNormalizationParams):\n"
        "    params.resolve({}).computed()\n"
        "NetworkJacobianParams.resolve({})\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


EXTREMES = [
    ("la_svd_ellipse", {"A": [[1000, -1000], [1000, 1000]]}),
    ("la_svd_ellipse", {"A": [[1000, 1000], [1000, 1000]]}),
    ("la_svd_ellipse", {"A": [[1e-3, 1e-300], [-1e-300, 0]]}),
    ("la_svd_ellipse", {"A": [[1000, 0], [0, 1e-300]]}),
    ("la_svd_ellipse", {"A": [[0, -1000], [-5e-324, 0]]}),
    ("la_condition_gallery", {"matrices": [[[1000, 999.999], [999.999, 1000]], [[1, 2], [2, 4]],
                                           [[1e-3, 0], [0, 0]], [[-1000, 0], [0, 1000]],
                                           [[1e-300, 1000], [0, 1e-300]], [[0, 1e-3], [0, 0]]]}),
    ("la_nn_jacobian", {"hidden": 1, "points": [[3, 3], [-3, -3], [3, -3]], "radius": 1}),
    ("la_nn_jacobian", {"hidden": 64, "torch_seed": 2**32 - 1, "radius": 0.001,
                        "points": [[-3, 3], [0, 0], [1e-300, -1e-300], [3, 0], [0, -3],
                                   [2.9999, 3]]}),
    ("la_spectral_normalization", {"W": [[1000, 1000], [1000, 1000]], "power_iterations": 100}),
    ("la_spectral_normalization", {"W": [[1e-3, 0], [0, 1e-300]], "power_iterations": 1}),
    ("la_spectral_normalization", {"W": [[1000, 0], [0, -1000]], "power_iterations": 100}),
    ("la_spectral_normalization", {"scale": 100, "seed": 2**32 - 1, "power_iterations": 100}),
    ("la_spectral_normalization", {"scale": 0.01, "seed": 0}),
]


@pytest.mark.parametrize(("scene_id", "overrides"), EXTREMES, ids=lambda v: str(v)[:50])
def test_extreme_accepted_values_compute_finite_results(scene_id, overrides):
    scene = entry(scene_id)
    result = scene.computed(scene.resolve(overrides))
    assert non_finite_fields(result) == []
    # The sidecar's JSON holds numbers only (+inf becomes null where it is allowed).
    for value in keyframes(result).values():
        flat = np.array(value, dtype=object).ravel()
        assert all(v is None or isinstance(v, (int, float, str)) for v in flat)


def test_list_shows_the_section_and_its_kinds(capsys):
    assert cli.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "linear_algebra: D.3 Linear algebra and spectral norms" in out
    assert "  11 la_spectral_normalization:" in out
    assert 'W = none  ("none", or a 2x2 matrix' in out
    assert "matrices = [[[1.0, 0.2], [0.2, 1.0]]" in out
