"""The lecture as a whole: the joined video, its chapters and captions, storyboards, and the
gallery page opened in a real (headless) browser."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import struct
import threading
from datetime import timedelta
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from PIL import Image

from lecture.assemble import assemble, chapter_title
from lecture.catalog import CARDS, SCENES, lecture_order
from lecture.gallery import key_numbers, render_command
from tests.lecture.rendering import ROOT, chromium, outputs, render

FOLDER = ("lecture", "480p15")
ARTIFACTS = ROOT / "media" / "test-artifacts"


def folder_of(media: Path) -> Path:
    return media.joinpath(*FOLDER)


def part_files(media: Path) -> list[Path]:
    return [folder_of(media) / e.section / f"{e.stem}.mp4" for e in lecture_order()]


def frame_count(video: Path) -> int:
    with av.open(str(video)) as container:
        return sum(1 for _ in container.decode(video=0))


def top_level_boxes(path: Path) -> list[str]:
    """The names of an MP4 file's top-level boxes, in file order."""
    names, data, at = [], path.read_bytes(), 0
    while at < len(data):
        size, name = struct.unpack(">I4s", data[at:at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        names.append(name.decode("latin-1"))
        at += size if size else len(data)
    return names


def test_the_lecture_holds_every_part_in_order_without_re_encoding(lecture):
    joined = folder_of(lecture) / "lecture.mp4"
    parts = part_files(lecture)
    counts = [frame_count(p) for p in parts]
    assert frame_count(joined) == sum(counts)
    with av.open(str(joined)) as container, av.open(str(parts[0])) as first:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 854, 480)
        assert bytes(stream.codec_context.extradata) == bytes(
            first.streams.video[0].codec_context.extradata)  # copied, not encoded again
        duration = float(container.duration) / av.time_base
    sidecars = [json.loads(p.with_suffix(".json").read_text()) for p in parts]
    assert abs(duration - sum(s["duration_s"] for s in sidecars)) <= len(parts) / 15
    assert top_level_boxes(joined).index("moov") < top_level_boxes(joined).index("mdat")


def test_chapters_start_where_each_part_starts(lecture):
    joined = folder_of(lecture) / "lecture.mp4"
    parts = part_files(lecture)
    starts = np.cumsum([0] + [frame_count(p) / 15 for p in parts[:-1]])
    with av.open(str(joined)) as container:
        chapters = container.chapters()
    assert len(chapters) == len(SCENES) + len(CARDS)
    assert [c["metadata"]["title"] for c in chapters] == [chapter_title(e) for e in lecture_order()]
    found = [float(c["start"] * c["time_base"]) for c in chapters]
    np.testing.assert_allclose(found, starts, atol=1 / 15)
    vtt = (folder_of(lecture) / "chapters.vtt").read_text()
    assert vtt.startswith("WEBVTT") and vtt.count(" --> ") == len(chapters)
    assert "01 Monte Carlo: the running mean" in vtt


def test_lecture_captions_follow_each_part_to_its_place(lecture):
    folder = folder_of(lecture)
    record = json.loads((folder / "lecture.json").read_text())
    joined = list(srt.parse((folder / "lecture.srt").read_text()))
    expected = []
    for part in record["parts"]:
        own = list(srt.parse((folder / part["clip"]).with_suffix(".srt").read_text()))
        shift = timedelta(seconds=part["start_s"])
        expected += [(c.start + shift, c.end + shift, c.content) for c in own]
    assert len(joined) == len(expected)
    for cue, (start, end, content) in zip(joined, expected):
        assert cue.content == content
        assert abs((cue.start - start).total_seconds()) < 0.002
        assert abs((cue.end - end).total_seconds()) < 0.002
    fifth = entry_part(record, 5)  # clip 05's first cue, by hand
    own = next(srt.parse((folder / fifth["clip"]).with_suffix(".srt").read_text()))
    match = next(c for c in joined if c.content == own.content)
    assert match.start.total_seconds() == pytest.approx(
        fifth["start_s"] + own.start.total_seconds(), abs=0.002)
    assert (folder / "lecture.vtt").read_text().count(" --> ") == len(joined)


def entry_part(record: dict, number: int) -> dict:
    scene = next(s for s in SCENES if s.number == number)
    return next(p for p in record["parts"] if p["id"] == scene.id)


def test_the_lecture_is_joined_again_only_when_a_part_changed(lecture, tmp_path):
    copy = tmp_path / "480p15"
    shutil.copytree(folder_of(lecture), copy)
    assert assemble(copy).status == "unchanged"
    sidecar = copy / "monte_carlo" / "02_mc_nonlinear_expectation.json"
    data = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**data, "cache_key": "another render"}))
    before = (copy / "lecture.mp4").stat().st_mtime_ns
    assert assemble(copy).status == "joined"
    assert (copy / "lecture.mp4").stat().st_mtime_ns != before
    assert assemble(copy).status == "unchanged"
    (copy / "monte_carlo" / "02_mc_nonlinear_expectation.mp4").unlink()
    assembly = assemble(copy)
    assert assembly.status == "incomplete" and assembly.missing == ("mc_nonlinear_expectation",)


def test_a_variant_render_leaves_the_lecture_alone(lecture):
    joined = folder_of(lecture) / "lecture.mp4"
    before = joined.read_bytes()
    run = render(lecture, "cov_tanh", "--set", "cov_tanh.transform=sigmoid(3*x)")
    assert run.returncode == 0 and "(unchanged)" in run.stdout, run.stdout + run.stderr
    assert joined.read_bytes() == before


@pytest.mark.parametrize("scene_id", ["mc_mean_convergence", "cov_grid_2d"])
def test_a_storyboard_is_nine_frames_of_the_clip(lecture, scene_id):
    files = outputs(lecture, scene_id)
    sheet = np.asarray(Image.open(files["storyboard.png"]).convert("L"), float)
    assert sheet.shape == (3 * 480, 3 * 854)
    tiles = [sheet[r * 480:(r + 1) * 480, c * 854:(c + 1) * 854] for r in range(3)
             for c in range(3)]
    assert all(tile.std() > 5 for tile in tiles[1:])  # frames, not blanks
    assert len({round(float(tile.mean()), 3) for tile in tiles}) >= 7  # taken at other times
    poster = np.asarray(Image.open(files["png"]).convert("L"), float)
    assert np.abs(tiles[-1][:400] - poster[:400]).mean() < 2  # the last tile ends the clip


def test_key_numbers_and_the_command_read_back_from_a_sidecar():
    assert key_numbers({"det": 2.0000000001, "A": [[1.7320508, -0.5], [1.0, 0.8660254]],
                        "x": list(range(300)), "condition_number": [1.5, None]}) == [
        ("det", "2"), ("A", "[1.73205, -0.5, 1, 0.866025]"),
        ("x", "300 values from 0 to 299"), ("condition_number", "[1.5, ∞]")]
    command = render_command({"scene": "mc_nonlinear_expectation", "quality": "l",
                              "params": {"f": "exp(x)", "mu": 0.0, "sigma": 1.0,
                                         "n_min": 10, "n_max": 1000000, "n_points": 200,
                                         "seed": 42}})
    assert command == ("./render.sh mc_nonlinear_expectation -q l "
                       "--set 'mc_nonlinear_expectation.f=\"exp(x)\"'")


@pytest.fixture
def served(lecture):
    """The gallery's folder on a loopback HTTP server (browsers refuse tracks from file://)."""
    directory = folder_of(lecture)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


LOAD_EVERY_VIDEO = """async () => {
  const loaded = (target, ok, bad) => new Promise((resolve, reject) => {
    target.addEventListener(ok, resolve, {once: true});
    target.addEventListener(bad, () => reject(new Error(bad + ' ' + (target.src || ''))),
                            {once: true});
  });
  const found = [];
  for (const video of document.querySelectorAll('video')) {
    if (video.readyState < 1) { const wait = loaded(video, 'loadedmetadata', 'error');
                                video.load(); await wait; }
    const tracks = [];
    for (const track of video.querySelectorAll('track')) {
      track.track.mode = 'hidden';
      if (track.readyState !== 2) await loaded(track, 'load', 'error');
      tracks.push({kind: track.kind, src: track.getAttribute('src'),
                   cues: track.track.cues.length});
    }
    found.push({src: video.querySelector('source').getAttribute('src'),
                duration: video.duration, tracks});
  }
  return found;
}"""


def test_the_gallery_plays_every_clip_with_its_captions_in_a_browser(lecture, served):
    from playwright.sync_api import sync_playwright

    folder = folder_of(lecture)
    errors, outside = [], []
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(served.rsplit("/", 1)[0]) else None)
        page.goto(served)
        videos = page.evaluate(LOAD_EVERY_VIDEO)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "gallery-480p15.png"))
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(served)
        phone.screenshot(path=str(ARTIFACTS / "gallery-480p15-phone.png"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        browser.close()
    assert errors == [] and outside == []
    assert [v["src"] for v in videos] == ["lecture.mp4"] + [  # variants are posters only
        f"{s.section}/{s.stem}.mp4" for s in SCENES]
    for video in videos:
        sidecar = (folder / video["src"]).with_suffix(".json")
        expected = json.loads(sidecar.read_text())["duration_s"]
        assert abs(video["duration"] - expected) <= 0.5, video
        assert video["tracks"] and all(t["cues"] > 0 for t in video["tracks"]), video
    assert {t["kind"] for t in videos[0]["tracks"]} == {"captions", "chapters"}
    print(f"gallery screenshots: {ARTIFACTS}")
