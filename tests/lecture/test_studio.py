"""The studio (``./render.sh --studio``): its form follows the parameter kinds, it says what
the command line says, it previews and renders through the same pipeline, and it answers
only to its own loopback address with files from inside the media folder.

The browser test drives Debian's chromium with Playwright against a studio this module
starts with ``./render.sh --studio`` on a fresh media folder; it renders one scene at -q l.
"""

from __future__ import annotations

import dataclasses
import http.client
import inspect
import json
import os
import shlex
import shutil
import signal
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from compute.results import keyframes
from lecture import cli, params
from lecture.catalog import SCENES, entry
from lecture.jobs import plan_jobs
from lecture.previews import preview_file
from lecture.studio.forms import MAX_VALUE, WIDGETS, command, overrides, scene_form, toml_table
from tests.lecture.rendering import ROOT, refusal, render

ARTIFACTS = Path(os.environ.get("LECTURE_STUDIO_SHOTS", ROOT / "media" / "test-artifacts"))
NON_MONOTONE, MONOTONE = "sin(3*x)", "sigmoid(2*x)"


def test_every_parameter_kind_has_a_widget_and_a_new_kind_has_none():
    kinds = {obj for obj in vars(params).values() if inspect.isclass(obj)
             and dataclasses.is_dataclass(obj) and hasattr(obj, "coerce")}
    assert kinds == set(WIDGETS)
    for scene in SCENES:
        scene_form(scene)  # every field of every scene gets its widget

    @dataclasses.dataclass(frozen=True)
    class Colour:
        def describe(self) -> str:
            return "a colour"

    with pytest.raises(KeyError):
        WIDGETS[Colour]


def test_a_number_field_carries_its_kinds_bounds():
    form = {f["name"]: f for f in scene_form(entry("mc_concentration"))}
    assert (form["trials"]["spec"]["min"], form["trials"]["spec"]["max"]) == (1, 1_000_000)
    assert form["p"]["spec"]["min"] == 0 and form["p"]["spec"]["max"] == 1
    assert form["distribution"]["spec"]["options"] == ["uniform", "bernoulli"]
    cov = {f["name"]: f for f in scene_form(entry("marg_joint_marginals"))}["cov"]
    assert (cov["spec"]["widget"], cov["spec"]["rows"], cov["spec"]["cols"]) == ("grid", 2, 2)
    assert cov["default"] == [["1.0", "0.7"], ["0.7", "1.5"]]


@pytest.mark.parametrize("scene", SCENES, ids=lambda s: s.id)
def test_the_defaults_on_the_form_read_back_as_the_defaults(scene):
    cells = {f["name"]: f["default"] for f in scene_form(scene)}
    assert overrides(scene, cells) == {}
    assert scene.resolve(overrides(scene, cells)) == scene.params()


CASES = [
    ("cov_tanh", {"transform": "sigmoid(2*x)"}, {"transform": "sigmoid(2*x)"}),
    ("cov_tanh", {"transform": "x + 'quoted' $HOME \"; rm"}, {"transform": "x + 'quoted' $HOME \"; rm"}),
    ("la_svd_ellipse", {"A": [["3", "-1.5"], ["0", "2e-3"]]}, {"A": [[3, -1.5], [0, 0.002]]}),
    ("cov_grid_2d", {"A": [["1", "2"], ["3", "4"]], "scale": [["1", "1"]]},
     {"A": [[1, 2], [3, 4]], "scale": [1, 1]}),
    ("cov_grid_2d", {"A": None, "n_samples": "12"}, {"n_samples": 12}),
    ("la_nn_jacobian", {"points": [[["0.5", "-1"]]]}, {"points": [[0.5, -1]]}),
    ("cov_jacobian_field", {"map": ["x1", "x2**2"]}, {"map": ["x1", "x2**2"]}),
    ("mc_concentration", {"distribution": "bernoulli", "eps": "abc"},
     {"distribution": "bernoulli", "eps": "abc"}),
    ("la_svd_ellipse", {"A": [["1", "abc"], ["0", "1"]]}, {"A": "[[1, abc], [0, 1]]"}),
]


@pytest.mark.parametrize("scene_id, cells, expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_the_command_line_and_the_toml_table_give_the_forms_overrides(scene_id, cells, expected):
    """The line, split as a shell splits it and read by cli's own parser, and the table,
    read as a --params file, give the same values as the form (good or bad)."""
    scene = entry(scene_id)
    values = overrides(scene, cells)
    assert values == expected
    words = shlex.split(command(scene, values, "l"))
    assert words[0] == "./render.sh"
    args = cli.build_parser().parse_intermixed_args(words[1:])
    assert (args.targets, args.quality) == ([scene_id], "l")
    assert cli.collect_overrides(args.sets, None, args.targets)[0] == {scene_id: values}
    assert tomllib.loads(toml_table(scene, values)) == {scene_id: values}


def test_oversized_and_misshapen_inputs_are_refused_naming_the_field():
    scene = entry("cov_tanh")
    with pytest.raises(params.ParamError, match=r"cov_tanh\.transform = .*studio takes at most"):
        overrides(scene, {"transform": "x" * (MAX_VALUE + 1)})
    with pytest.raises(params.ParamError, match=r"cov_tanh\.transform = .*expected a text"):
        overrides(scene, {"transform": ["x"]})
    with pytest.raises(params.ParamError, match=r"cov_tanh\.path = .*unknown parameter"):
        overrides(scene, {"path": "../../etc/passwd"})


# -- a studio started as a user starts it -------------------------------------------------

@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """``./render.sh --studio`` on a fresh media folder, without a display; yields its URL
    and media folder, and stops it with Ctrl-C (exit status 0)."""
    media = tmp_path_factory.mktemp("studio") / "media"
    media.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    process = subprocess.Popen([str(ROOT / "render.sh"), "--studio"], cwd=media.parent,
                               env={**env, "LECTURE_MEDIA_DIR": media.name},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()  # printed once the server answers
    assert line.startswith("studio    http://127.0.0.1:"), line + process.stderr.read()
    yield line.split()[1], media
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0 and out == "studio    stopped\n", out + err


def call(url: str, path: str, body: bytes | dict | None = None, headers: dict | None = None,
         ) -> tuple[int, bytes]:
    """One raw HTTP request (the path is sent as it is, not normalised)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    connection.request("POST" if body is not None else "GET", path, body, sent)
    reply = connection.getresponse()
    return reply.status, reply.read()


def test_a_foreign_host_or_origin_is_refused(studio):
    url, _ = studio
    port = urlsplit(url).port
    assert call(url, "/api/catalog")[0] == 200
    for host in ("evil.example", f"evil.example:{port}", f"localhost:{port + 1}",
                 f"127.0.0.1:{port + 1}", ""):
        status, body = call(url, "/api/catalog", headers={"Host": host})
        assert status == 400 and b"refused: Host" in body, host
    status, body = call(url, "/api/check", {"scene": "cov_tanh"},
                        {"Origin": "http://evil.example"})
    assert status == 403 and b"refused: Origin" in body


def test_files_come_only_from_inside_the_media_folder(studio, tmp_path):
    url, media = studio
    inside = media / "lecture" / "note.txt"
    inside.parent.mkdir(parents=True, exist_ok=True)
    inside.write_text("inside")
    (tmp_path / "secret.txt").write_text("outside")
    (media / "link").symlink_to(tmp_path, target_is_directory=True)
    assert call(url, "/media/lecture/note.txt") == (200, b"inside")
    for path in ("/media/../../etc/passwd", "/media/%2e%2e/%2e%2e/etc/passwd",
                 "/media/lecture/../../" + str(tmp_path / "secret.txt"),
                 "/media//etc/passwd", "/media/link/secret.txt", "/media/lecture/missing"):
        status, body = call(url, path)
        assert status in (403, 404) and b"outside" not in body and b"root:" not in body, path


def started(media: Path) -> set[Path]:
    """The logs and work folders of every render or preview begun in ``media``."""
    return {*media.glob("logs/*/*"), *media.glob(".work/*")}


def test_path_like_oversized_and_bad_values_are_refused_and_nothing_renders(studio, capsys):
    url, media = studio
    before = started(media)
    path_like = {"scene": "cov_tanh", "quality": "l", "values": {"transform": "../../etc/passwd"}}
    status, body = call(url, "/api/render", path_like)
    expected = refusal(capsys, "cov_tanh", "cov_tanh.transform=../../etc/passwd")
    assert status == 400 and json.loads(body)["error"] == {"field": "transform",
                                                           "message": expected}
    status, body = call(url, "/api/check", {"scene": "../../etc/passwd", "values": {}})
    assert status == 400 and "unknown scene" in json.loads(body)["error"]["message"]
    long = {"scene": "cov_tanh", "values": {"transform": "x+" * 2000}}
    status, body = call(url, "/api/render", long)
    assert status == 400 and "studio takes at most 2,000" in json.loads(body)["error"]["message"]
    status, body = call(url, "/api/render", {"scene": "cov_tanh",
                                            "values": {"transform": "x" * 100_000}})
    assert status == 413
    status, _ = call(url, "/api/render", b"scene=cov_tanh", {"Content-Type": "text/plain"})
    assert status == 415
    assert call(url, "/api/render/cov_tanh")[0] == 404  # no render was started
    assert started(media) == before


RECORD_PROGRESS = """() => {
  window.seen = [];
  new MutationObserver(() => window.seen.push(document.querySelector('#progress').value))
    .observe(document.querySelector('#status'), {childList: true, characterData: true,
                                                 subtree: true});
}"""

PLAY = """async () => {
  const video = document.querySelector('#player video');
  const track = video.querySelector('track');
  video.muted = true;
  await video.play();
  await new Promise((done) => { const t = () => video.currentTime > 1 ? done()
                                                                      : setTimeout(t, 50); t(); });
  return {time: video.currentTime, cues: track.track.cues ? track.track.cues.length : 0,
          src: video.querySelector('source').getAttribute('src'),
          captions: track.getAttribute('src')};
}"""


def test_the_page_checks_previews_and_renders_as_the_command_line_does(studio, capsys):
    from playwright.sync_api import expect, sync_playwright

    url, media = studio
    scene = entry("cov_tanh")
    expected_error = refusal(capsys, "cov_tanh", f"cov_tanh.transform={NON_MONOTONE}")
    job, = plan_jobs(["cov_tanh"], {"cov_tanh": {"transform": MONOTONE}}, "l", "mp4", media)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors, before = [], started(media)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--autoplay-policy=no-user-gesture-required"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.click("a[data-scene=cov_tanh]")
        field = page.locator(".field[data-field=transform]")
        expect(field.locator("input")).to_have_value("tanh(x)")  # the default
        assert page.locator(".field[data-field=n_samples] input").get_attribute("max") == "1000000"

        field.locator("input").fill(NON_MONOTONE)
        expect(field.locator(".error")).to_have_text(expected_error, timeout=30_000)
        expect(page.locator("#render-button")).to_be_disabled()
        expect(page.locator("#command")).to_contain_text(NON_MONOTONE)
        page.screenshot(path=str(ARTIFACTS / "studio-error.png"), full_page=True)
        assert call(url, "/api/render/cov_tanh")[0] == 404 and started(media) == before

        field.locator("input").fill(MONOTONE)
        expect(field.locator(".error")).to_have_text("", timeout=30_000)
        expect(page.locator("#preview-button")).to_be_enabled()
        words = shlex.split(page.locator("#command").inner_text())
        args = cli.build_parser().parse_intermixed_args(words[1:])
        assert cli.collect_overrides(args.sets, None, args.targets)[0] == {
            "cov_tanh": {"transform": MONOTONE}}

        page.click("#preview-button")
        sheet = page.locator("#sheets img")
        page.wait_for_function("['done', 'failed'].includes(document.body.dataset.preview)",
                               timeout=300_000)
        assert sheet.count() == 1, (errors, page.locator("#general").inner_text())
        page.wait_for_function("document.querySelector('#sheets img').naturalWidth > 0")
        src = sheet.get_attribute("src").split("?")[0]
        assert src == "/media/" + preview_file(job).relative_to(media).as_posix()
        assert call(url, src)[1] == preview_file(job).read_bytes()
        page.screenshot(path=str(ARTIFACTS / "studio-preview.png"), full_page=True)

        page.select_option("#quality", "l")
        page.evaluate(RECORD_PROGRESS)
        page.click("#render-button")
        page.wait_for_function("document.body.dataset.render === 'rendering'")
        again = call(url, "/api/render", {"scene": "cov_tanh", "quality": "l",
                                          "values": {"transform": MONOTONE}})
        assert again[0] == 409 and "already" in json.loads(again[1])["error"]["message"]
        page.wait_for_function("document.body.dataset.render === 'done'", timeout=600_000)
        seen = page.evaluate("window.seen")
        moving = [v for v in seen if 0 < v]
        assert len(set(moving)) >= 3 and moving == sorted(moving), seen
        played = page.evaluate(PLAY)
        page.evaluate("document.querySelector('#player video').pause()")
        page.screenshot(path=str(ARTIFACTS / "studio-playing.png"), full_page=True)
        browser.close()
    assert errors == []
    assert played["time"] > 1 and played["cues"] > 0, played
    assert played["src"] == "/media/" + job.clip.relative_to(media).as_posix()
    assert played["captions"] == played["src"].removesuffix(".mp4") + ".vtt"

    sidecar = json.loads(job.sidecar.read_text())
    params_ = scene.resolve({"transform": MONOTONE})
    assert sidecar["keyframes"] == json.loads(json.dumps(keyframes(scene.computed(params_))))
    assert job.stem in (media / "lecture" / "480p15" / "index.html").read_text()  # gallery
    run = render(media, "cov_tanh", "--set", f"cov_tanh.transform={MONOTONE}")
    assert run.returncode == 0 and run.stdout.startswith(f"cached    {job.clip}"), run.stdout
