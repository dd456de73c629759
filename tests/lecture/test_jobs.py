"""lecture/jobs.py: names of outputs and cache keys, which follow exactly what a clip shows."""

from __future__ import annotations

import ast

import pytest

from lecture.catalog import SCENES, entry
from lecture.jobs import PACKAGES, ROOT, code_digest, code_files, imported_modules, plan_jobs


@pytest.fixture
def media(tmp_path):
    return tmp_path / "media"


def key(media, scene="mc_concentration", quality="l", fmt="mp4", overrides=None) -> str:
    return plan_jobs([scene], overrides or {}, quality, fmt, media)[0].cache_key


def test_defaults_keep_the_plain_name_and_variants_get_a_params_hash(media):
    default, = plan_jobs(["mc_mean_convergence"], {}, "l", "mp4", media)
    variant, = plan_jobs(["mc_mean_convergence"], {"mc_mean_convergence": {"n_max": 2000}},
                         "l", "mp4", media)
    other, = plan_jobs(["mc_mean_convergence"], {"mc_mean_convergence": {"n_max": 3000}},
                       "l", "mp4", media)
    assert default.stem == "01_mc_mean_convergence"
    assert variant.stem.startswith("01_mc_mean_convergence--") and len(variant.stem) == 32
    assert len({default.stem, variant.stem, other.stem}) == 3
    assert default.out_dir == media / "lecture" / "480p15" / "monte_carlo"
    # Setting a parameter to its default value is still the default clip.
    same, = plan_jobs(["mc_mean_convergence"], {"mc_mean_convergence": {"n_max": 10000}},
                      "l", "mp4", media)
    assert same.stem == default.stem and same.cache_key == default.cache_key


def test_cache_key_follows_quality_format_and_params(media):
    assert len({key(media), key(media, quality="m"), key(media, fmt="webm"),
                key(media, overrides={"mc_concentration": {"eps": 0.1}})}) == 4


def test_equivalent_expressions_share_one_cache_entry(media):
    spellings = ["x**2", "x ** 2", "(x**2)", "x**2.0"]
    planned = [plan_jobs(["mc_nonlinear_expectation"], {"mc_nonlinear_expectation": {"f": f}},
                         "l", "mp4", media)[0] for f in spellings]
    assert {job.stem for job in planned} == {"02_mc_nonlinear_expectation"}
    assert len({job.cache_key for job in planned}) == 1
    assert key(media, "mc_nonlinear_expectation",
               overrides={"mc_nonlinear_expectation": {"f": "x**3"}}) != planned[0].cache_key


def test_each_format_has_its_own_stem_and_cache_entry(media):
    planned = {fmt: plan_jobs(["mc_concentration"], {}, "l", fmt, media)[0]
               for fmt in ("mp4", "webm", "gif")}
    assert planned["mp4"].stem == "03_mc_concentration"
    assert planned["webm"].clip.name == "03_mc_concentration--webm.webm"
    assert planned["gif"].sidecar.name == "03_mc_concentration--gif.json"
    assert len({job.cache_key for job in planned.values()}) == 3


def digests_after_editing(relative: str) -> set[str]:
    """Ids of the scenes whose code digest changes when ``relative`` is edited."""
    edited = ROOT / relative
    assert edited.is_file(), relative

    def read(path):
        return path.read_bytes() + (b"\n# edited\n" if path == edited else b"")

    return {s.id for s in SCENES if code_digest(s, read) != code_digest(s)}


def test_editing_one_scene_file_re_renders_that_scene_only():
    for scene in SCENES:
        path = f"scenes/{scene.section}/{scene.id}.py"
        assert digests_after_editing(path) == {scene.id}


def test_editing_shared_code_re_renders_exactly_the_scenes_that_use_it():
    section_of = {s.id: s.section for s in SCENES}
    for section in {s.section for s in SCENES}:
        in_section = {i for i, sec in section_of.items() if sec == section}
        assert digests_after_editing(f"compute/{section}.py") == in_section
        assert digests_after_editing(f"lecture/sections/{section}.py") == in_section
    # A module shared by a few sections re-renders those sections' scenes, no others.
    for shared, sections in (("compute/densities.py", {"change_of_variables", "marginalization"}),
                             ("compute/networks.py", {"linear_algebra", "differentiation"})):
        assert digests_after_editing(shared) == {
            i for i, sec in section_of.items() if sec in sections}, shared
    everyone = set(section_of)
    for shared in ("scenes/theme/base.py", "scenes/theme/palette.py", "compute/results.py",
                   "lecture/params.py", "lecture/worker.py", "manim.cfg"):
        assert digests_after_editing(shared) == everyone, shared
    assert digests_after_editing("lecture/cli.py") == set()  # how to ask, not what is drawn
    assert digests_after_editing("README.md") == set()


def test_a_catalog_entry_is_part_of_its_scene_key_only(monkeypatch):
    before = {s.id: code_digest(s) for s in SCENES}
    retitled = entry("cov_tanh").__class__(**{**entry("cov_tanh").facts(), "title": "Other",
                                              "params": entry("cov_tanh").params})
    assert code_digest(retitled) != before["cov_tanh"]
    assert all(code_digest(s) == before[s.id] for s in SCENES)


def test_code_files_are_what_the_scene_imports():
    files = {str(p.relative_to(ROOT)) for p in code_files(entry("cov_tanh"))}
    assert {"scenes/change_of_variables/cov_tanh.py", "scenes/change_of_variables/helpers.py",
            "scenes/theme/base.py", "compute/change_of_variables.py", "compute/expr.py",
            "lecture/sections/change_of_variables.py", "lecture/params.py",
            "lecture/worker.py", "manim.cfg"} <= files
    assert not any(f.startswith(("scenes/monte_carlo", "compute/monte_carlo")) for f in files)
    assert "lecture/catalog.py" not in files and "lecture/cli.py" not in files


def parsed_imports(source: bytes) -> set[str]:
    """What a file imports, as Python's parser reads it: the reference for the scanner."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_import_scanner_finds_what_the_parser_finds_in_every_file_keys_follow():
    files = [f for package in PACKAGES for f in (ROOT / package).rglob("*.py")]
    assert len(files) > 60
    for file in files:
        source = file.read_bytes()
        assert imported_modules(source) == parsed_imports(source), file


def test_the_import_scanner_reads_every_form_of_import_statement():
    source = b"\n".join((  # each line opens with b" here, so the scan of this file skips them
        b"import os, numpy as np  # two",
        b"from compute.expr import (parse,",
        b"                          Expression as E)  # across lines",
        b"def f():",
        b"    from lecture import faults;" + b" import json",
        b"    import scipy.stats",
        b"from .relative import nothing",
        b'"""a docstring that mentions importing, and from where"""',
    ))
    assert imported_modules(source) == parsed_imports(source) == {
        "os", "numpy", "compute.expr", "compute.expr.parse", "compute.expr.Expression",
        "lecture", "lecture.faults", "json", "scipy.stats"}
