"""Slides (./render.sh --slides): step cuts, manim-slides' presentation files, the reveal.js
deck in a real browser, the PowerPoint file and the PDF handout, of a short section
(linear_algebra and its card) at -q l, cut from the session's rendered lecture."""

from __future__ import annotations

import functools
import html
import http.server
import io
import json
import re
import subprocess
import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from lecture import cli
from lecture.api import render as api_render
from lecture.catalog import SCENES, SECTIONS, entry
from lecture.jobs import plan_jobs
from lecture.slides import cut, plan_decks, write_deck
from tests.lecture.rendering import ROOT, chromium, copy_clips, render

QUALITY = ("lecture", "480p15")
ARTIFACTS = ROOT / "media" / "test-artifacts" / "slides"
DECK = "linear_algebra"


@pytest.fixture(scope="module")
def media(tmp_path_factory, lecture) -> Path:
    """The deck made by render.sh --slides beside the section's clips (the session's lecture
    copied: the slides are cut from finished clips, whoever rendered them)."""
    media = tmp_path_factory.mktemp("slides") / "media"
    media.mkdir()
    clips = copy_clips(lecture, media, DECK)
    run = render(media, DECK, "--slides", "-j", "2")
    assert run.returncode == 0 and run.stdout.count("cached ") == len(clips), run.stdout
    assert f"slides/{DECK}.html" in run.stdout, run.stdout
    return media


def folder(media: Path) -> Path:
    return media.joinpath(*QUALITY)


def parts(media: Path) -> list[tuple[dict, Path]]:
    """(sidecar, clip) of the deck's card and clips, in lecture order."""
    found = []
    for scene in [entry(f"card_{DECK}"), *(s for s in SCENES if s.section == DECK)]:
        sidecar = folder(media) / scene.section / f"{scene.stem}.json"
        found.append((json.loads(sidecar.read_text()), sidecar.with_suffix(".mp4")))
    return found


def _scene_ids() -> list[str]:
    return [s.id for s in SCENES if s.section == DECK]


def steps(media: Path) -> list[dict]:
    return [step for sidecar, _ in parts(media) for step in sidecar["steps"]]


def frames(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as movie:
        return [f.to_ndarray(format="rgb24") for f in movie.decode(video=0)]


def presentation(media: Path):
    from manim_slides.config import PresentationConfig

    return PresentationConfig.from_file(folder(media) / "slides" / f"{DECK}.json")


def test_the_step_videos_joined_are_the_clip_frame_for_frame(media):
    slides = iter(presentation(media).slides)
    for sidecar, clip in parts(media):
        joined = []
        for step in sidecar["steps"]:
            video = next(slides).file
            own = frames(video)
            assert len(own) == step["frames"][1] - step["frames"][0] > 0, video.name
            with av.open(str(video)) as movie:
                first = next(p for p in movie.demux(video=0) if p.dts is not None)
                assert first.is_keyframe  # copied packets: it starts on the clip's key frame
            joined += own
        whole = frames(clip)
        assert len(joined) == len(whole), clip.name
        assert all(np.array_equal(a, b) for a, b in zip(joined, whole)), clip.name
    assert next(slides, None) is None


def _clip_with_audio(path: Path, keys: list[int], total: int, fps: int = 15) -> None:
    """A test clip: frame i is grey level 4*i, a key frame at each of ``keys``; a 440 Hz
    AAC track as long as the video."""
    with av.open(str(path), "w", format="mp4") as sink:
        video = sink.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        video.options = {"g": "1000", "sc_threshold": "0", "bf": "2"}
        audio = sink.add_stream("aac", rate=48000)
        audio.layout = "mono"
        for i in range(total):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 4 * i, np.uint8), "rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            frame.pict_type = av.video.frame.PictureType.I if i in keys else \
                av.video.frame.PictureType.NONE
            sink.mux(video.encode(frame))
        sink.mux(video.encode())
        samples = np.sin(2 * np.pi * 440 * np.arange(48000 * total // fps) / 48000)
        for start in range(0, len(samples), 1024):
            chunk = samples[start:start + 1024].astype(np.float32)[None, :]
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = 48000, start, Fraction(1, 48000)
            sink.mux(audio.encode(frame))
        sink.mux(audio.encode())


def test_a_cut_carries_each_steps_audio_span(tmp_path):
    clip = tmp_path / "voiced.mp4"
    spans = [(0, 20), (20, 27), (27, 45)]
    _clip_with_audio(clip, [a for a, _ in spans], 45)
    outs = [tmp_path / f"step{i}.mp4" for i in range(len(spans))]
    cut(clip, spans, outs)
    audio_packets = 0
    for (first, end), out in zip(spans, outs):
        with av.open(str(out)) as movie:
            levels = [f.to_ndarray(format="gray")[0, 0] for f in movie.decode(video=0)]
        assert np.allclose(levels, 4 * np.arange(first, end), atol=3), out.name
        with av.open(str(out)) as movie:
            packets = [p for p in movie.demux(audio=0) if p.dts is not None]
            span = (packets[-1].pts + packets[-1].duration - packets[0].pts) \
                * packets[0].time_base
        # within one AAC packet at each cut; the first slide also carries the encoder's
        # priming packet, the last the tail past the video's end
        slack = 1024 / 48000 * (1 + (first == 0) + (end == 45))
        assert abs(float(span) - (end - first) / 15) <= slack + 1e-9, out.name
        audio_packets += len(packets)
    with av.open(str(clip)) as movie:  # none lost, none doubled
        assert audio_packets == sum(1 for p in movie.demux(audio=0) if p.dts is not None)
    with pytest.raises(ValueError, match="not a key frame"):
        cut(clip, [(0, 10), (10, 45)], [tmp_path / "a.mp4", tmp_path / "b.mp4"])


def test_manim_slides_reads_the_presentation_files(media, tmp_path):
    loaded = presentation(media)
    assert [s.notes for s in loaded.slides] == ["\n".join(s["narration"]) for s in steps(media)]
    assert all(s["narration"] for s in steps(media))
    assert loaded.resolution == (854, 480)
    listed = subprocess.run([str(ROOT / ".venv" / "bin" / "manim-slides"), "list-scenes",
                             "--folder", str(folder(media) / "slides")],
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and DECK in listed.stdout, listed.stdout + listed.stderr
    converted = subprocess.run([str(ROOT / ".venv" / "bin" / "manim-slides"), "convert",
                                "--folder", str(folder(media) / "slides"), DECK,
                                str(tmp_path / "converted.pptx")],
                               capture_output=True, text=True, timeout=300)
    assert converted.returncode == 0, converted.stderr[-2000:]
    from pptx import Presentation

    assert len(Presentation(str(tmp_path / "converted.pptx")).slides) == len(loaded.slides)


def test_the_powerpoint_has_a_slide_per_step_with_its_video_and_narration(media):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = Presentation(str(folder(media) / "slides" / f"{DECK}.pptx"))
    expected = steps(media)
    assert len(deck.slides) == len(expected)
    for slide, step in zip(deck.slides, expected):
        movies = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        assert slide.notes_slide.notes_text_frame.text == "\n".join(step["narration"])
        rel = next(r for r in slide.part.rels.values() if r.reltype.endswith("/video"))
        with av.open(io.BytesIO(rel.target_part.blob)) as movie:
            count = sum(1 for _ in movie.decode(video=0))
        assert count == step["frames"][1] - step["frames"][0]  # its length, to the frame
        timing = slide._element.xml.split("<p:timing>")[1]  # it waits for a click to play
        assert '<p:video>' in timing and '<p:cond delay="indefinite"/>' in timing


def _pdf_pages(path: Path):
    from pypdf import PdfReader

    return PdfReader(str(path)).pages


def test_the_handout_has_each_steps_last_frame_and_narration(media):
    pages = _pdf_pages(folder(media) / "slides" / f"{DECK}.pdf")
    expected = steps(media)
    assert len(pages) == len(expected)
    lasts = []
    for sidecar, clip in parts(media):
        whole = frames(clip)
        lasts += [whole[step["frames"][1] - 1] for step in sidecar["steps"]]
    for page, step, last in zip(pages, expected, lasts):
        text = " ".join(page.extract_text().split())
        assert " ".join(" ".join(step["narration"]).split()) in text
        assert step["title"] in text
        image = np.asarray(page.images[0].image.convert("RGB"), dtype=float)
        assert image.shape == last.shape
        assert np.abs(image - last).mean() < 1.0


def test_decks_are_cached_and_written_whole(media, monkeypatch):
    from lecture import slides

    slides_dir = folder(media) / "slides"
    jobs = plan_jobs([DECK, f"card_{DECK}"], {}, "l", "mp4", media)
    deck, = plan_decks([DECK], jobs)
    before = {p.name: p.read_bytes() for p in slides_dir.glob(f"{DECK}.*")}
    assert write_deck(folder(media), deck, media)[1] is False  # nothing changed
    record = json.loads((slides_dir / f"{DECK}.json").read_text())
    record["key"] = "a part changed"
    (slides_dir / f"{DECK}.json").write_text(json.dumps(record))

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(slides, "handout", fail)
    with pytest.raises(OSError, match="disk full"):
        write_deck(folder(media), deck, media)
    assert (slides_dir / f"{DECK}.html").read_bytes() == before[f"{DECK}.html"]
    assert not list(slides_dir.glob("*.partial")) and not list((media / ".work").iterdir())
    monkeypatch.undo()
    assert write_deck(folder(media), deck, media)[1] is True
    assert {p.name: p.read_bytes() for p in slides_dir.glob(f"{DECK}.*")}.keys() == before.keys()
    after = (slides_dir / f"{DECK}.json").read_bytes()
    clips = api_render(DECK, quality="l", media=media, slides=True)  # all cached: unchanged
    assert [c.scene for c in clips] == _scene_ids()
    assert (slides_dir / f"{DECK}.json").read_bytes() == after
    gallery = (folder(media) / "index.html").read_text()
    assert f'href="slides/{DECK}.html"' in gallery and f'href="slides/{DECK}.pdf"' in gallery


def test_which_decks_a_request_makes(tmp_path):
    every = plan_jobs([], {}, "l", "mp4", tmp_path)
    assert [d.stem for d in plan_decks([], every)] == [s.id for s in SECTIONS] + ["lecture"]
    lecture = plan_decks([], every)[-1]
    assert lecture.jobs[0].scene.id == "card_lecture" and len(lecture.jobs) == len(every)
    light = plan_jobs([DECK, f"card_{DECK}"], {}, "l", "mp4", tmp_path, theme="light")
    deck, = plan_decks([DECK], light)
    assert deck.stem == f"{DECK}--light"
    assert [j.scene.id for j in deck.jobs] == [f"card_{DECK}"] + _scene_ids()
    swept = plan_jobs(["cov_tanh"], {}, "l", "mp4", tmp_path,
                      {"cov_tanh": {"bins": [20, 50]}}, theme="light")
    assert [d.stem for d in plan_decks(["cov_tanh"], swept)] == [j.stem for j in swept]
    section = plan_jobs(["change_of_variables"], {"cov_tanh": {"bins": 20}}, "l", "mp4",
                        tmp_path, theme="light")
    deck, = plan_decks(["change_of_variables"], section)
    assert re.fullmatch(r"change_of_variables--[0-9a-f]{8}--light", deck.stem), deck.stem


def test_slides_need_mp4_and_refuse_before_rendering(no_render, capsys):
    assert cli.main(["cov_tanh", "-q", "l", "--slides", "--format", "webm"]) == 2
    err = capsys.readouterr().err
    assert err == "error: --slides: needs --format mp4 (got webm)\n"
    assert not (no_render / "lecture").exists()


NOTES = "() => Reveal.getSlides().map(s => Reveal.getSlideNotes(s) || '')"
CURRENT_VIDEO = ("Reveal.getCurrentSlide().slideBackgroundContentElement"
                 ".querySelector('video')")


@pytest.fixture
def served(media):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder(media) / "slides")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _text(notes_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", notes_html)).split())


def test_the_reveal_deck_plays_a_step_holds_it_and_goes_on_with_the_arrow(media, served):
    from playwright.sync_api import sync_playwright

    expected = steps(media)
    sidecar, clip = parts(media)[0]
    held = frames(clip)[sidecar["steps"][0]["frames"][1] - 1]
    requests, errors = [], []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = browser.new_page(viewport={"width": 854, "height": 480})
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(served + f"{DECK}.html")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        assert page.evaluate("Reveal.getTotalSlides()") == len(expected)
        page.wait_for_function(f"(() => {{ const v = {CURRENT_VIDEO}; return v && v.currentTime > 0; }})()")
        page.screenshot(path=str(ARTIFACTS / "1-first-slide-playing.png"))
        page.wait_for_function(f"{CURRENT_VIDEO}.ended", timeout=30_000)
        video = page.evaluate(f"(() => {{ const v = {CURRENT_VIDEO}; return "
                              "{paused: v.paused, t: v.currentTime, d: v.duration}; })()")
        assert video["paused"] and abs(video["t"] - video["d"]) < 1 / 15
        assert abs(video["d"] - (sidecar["steps"][0]["frames"][1]) / 15) < 1 / 15
        page.screenshot(path=str(ARTIFACTS / "2-first-slide-held.png"))
        from PIL import Image

        shot = np.asarray(Image.open(ARTIFACTS / "2-first-slide-held.png").convert("RGB"),
                          dtype=float)
        assert np.abs(shot - held).mean() < 8  # the last frame stays on screen
        page.keyboard.press("ArrowRight")
        page.wait_for_function("Reveal.getIndices().h === 1")
        page.wait_for_function(f"(() => {{ const v = {CURRENT_VIDEO}; return v && "
                               "!v.paused && v.currentTime > 0; })()")
        second = page.evaluate(f"{CURRENT_VIDEO}.currentSrc")
        assert second.endswith(presentation(media).slides[1].file.name)
        page.wait_for_function(f"{CURRENT_VIDEO}.ended", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "3-second-slide-held.png"))
        notes = [_text(n) for n in page.evaluate(NOTES)]
        assert notes == [" ".join(" ".join(s["narration"]).split()) for s in expected]
        with page.expect_popup() as opened:
            page.keyboard.press("s")
        speaker = opened.value
        speaker.set_viewport_size({"width": 1280, "height": 720})
        speaker.wait_for_selector(".speaker-controls-notes")
        speaker.wait_for_function("document.querySelector('.speaker-controls-notes .value')"
                                  " && document.querySelector('.speaker-controls-notes .value')"
                                  ".textContent.trim().length > 0")
        assert _text(speaker.inner_html(".speaker-controls-notes .value")) == notes[1]
        speaker.screenshot(path=str(ARTIFACTS / "4-speaker-notes.png"))
        browser.close()
    assert errors == []
    assert all(url.startswith(served) for url in requests), requests
    print(f"slide screenshots: {ARTIFACTS}")
