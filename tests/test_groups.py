"""The grouping of tests for ./test.sh's two workers (tests/conftest.py)."""

from __future__ import annotations

from tests.conftest import group_rank, worker_group


def test_a_test_of_the_rendered_lecture_joins_its_group_whatever_else_it_uses():
    assert worker_group(["tmp_path", "lecture", "rendered"], "tests.lecture.test_preview") \
        == "lecture"
    assert worker_group(["dry_runs", "lecture"], "tests.lecture.test_spoken") == "lecture"
    assert worker_group(["dry_runs"], "tests.scenes.test_themes") == "dry_runs"


def test_any_other_test_runs_with_its_module():
    assert worker_group(["tmp_path", "shared_caches"], "tests.lecture.test_render") \
        == "tests.lecture.test_render"
    assert worker_group([], "tests.compute.test_expr") == "tests.compute.test_expr"


def test_the_lecture_goes_first_then_the_dry_runs_then_the_modules():
    groups = ["tests.compute.test_expr", "dry_runs", "tests.lecture.test_cli", "lecture"]
    assert sorted(groups, key=group_rank) == ["lecture", "dry_runs", "tests.compute.test_expr",
                                              "tests.lecture.test_cli"]
