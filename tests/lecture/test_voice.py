"""The voice: synthesis and its cache, the audio master, and the spoken clips.

Synthesis is real (Piper's joe voice, fast enough for the suite). The clip checks decode
the audio of the clips the ``lecture`` fixture rendered and compare it with their caption
cues; the loudness is measured by pyloudnorm and the true peak by an FFT resampler (not
the polyphase one the master uses).
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pytest
import srt
from scipy.signal import resample

from lecture import voice as voices
from lecture.audio import decode, master, track, true_peak_db
from lecture.catalog import CARDS, SCENES, entry
from lecture.jobs import UsageError, plan_jobs
from lecture.params import show
from lecture.voice import RATE, JoeVoice, read_wav, say
from tests.lecture.rendering import digest, outputs, render

WINDOW_S = 0.05
SPEECH_DB = -40.0  # a 50 ms window of speech at -16 LUFS is louder than this
QUIET_DB = -60.0  # and the stretches between lines are quieter than this
SHORT = "card_lecture"  # one spoken line: the cheapest real render


class CountingJoe(JoeVoice):
    """Joe, counting the texts it synthesises."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def synthesize(self, text: str) -> np.ndarray:
        self.calls.append(text)
        return super().synthesize(text)


def window_db(samples: np.ndarray, start: float, end: float) -> np.ndarray:
    """RMS in dBFS of each WINDOW_S window from ``start`` to ``end`` seconds."""
    size = round(WINDOW_S * RATE)
    piece = samples[round(start * RATE):round(end * RATE)]
    piece = piece[:len(piece) // size * size].reshape(-1, size).astype(np.float64)
    return 10 * np.log10(np.mean(piece**2, axis=1) + 1e-20)


def fft_true_peak_db(samples: np.ndarray, block: int = 1 << 18, margin: int = 1 << 12
                     ) -> float:
    """The largest magnitude of ``samples`` oversampled 4 times by FFT, a block at a time:
    each block is resampled with ``margin`` samples of its neighbours on either side and
    only its own span kept (the interpolation is local, so the edges' wrap-around falls in
    the margins). One FFT of a 13-minute lecture took 35 s and 20 GB; blocks take seconds."""
    x = samples.astype(np.float64)
    peak = 0.0
    for start in range(0, len(x), block):
        low, high = max(0, start - margin), min(len(x), start + block + margin)
        up = resample(x[low:high], 4 * (high - low))
        kept = up[4 * (start - low):4 * (min(start + block, len(x)) - low)]
        peak = max(peak, float(np.abs(kept).max()))
    return 20 * np.log10(peak)


def test_speech_is_synthesised_once_per_voice_and_text(tmp_path):
    joe = CountingJoe()
    text = "So halving the error costs four times as many samples."
    first, again = say(joe, text, tmp_path), say(joe, text, tmp_path)
    assert joe.calls == [text] and first.synthesized and not again.synthesized
    assert first.path == again.path and first.seconds == again.seconds
    samples = read_wav(first.path)
    assert first.seconds == pytest.approx(len(samples) / RATE)
    words_per_second = len(text.split()) / first.seconds
    assert 1.5 < words_per_second < 4.5, words_per_second  # a person's pace, not a glitch
    assert window_db(samples, 0, first.seconds).max() > -20  # it is loud somewhere
    edge = round(voices.EDGE_KEEP_S * RATE) + 1
    assert np.abs(samples[edge:edge + round(0.03 * RATE)]).max() > 0.01  # speech starts at once
    other = say(joe, "Each new draw moves it less.", tmp_path)
    assert joe.calls == [text, "Each new draw moves it less."] and other.path != first.path


def test_the_cache_key_holds_the_voice_version(tmp_path, monkeypatch):
    joe = CountingJoe()
    first = say(joe, "kappa", tmp_path)
    monkeypatch.setattr(CountingJoe, "version", property(lambda self: "a newer model"))
    second = say(joe, "kappa", tmp_path)
    assert second.synthesized and second.path != first.path and len(joe.calls) == 2


def test_unknown_voice_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"voice = 'espeak': must be one of joe, none"):
        voices.voice("espeak")
    assert len(voices.voice("none").synthesize("anything")) == 0


def test_track_places_each_line_at_its_start_with_fades(tmp_path):
    wav = tmp_path / "tone.wav"
    voices.write_wav(wav, np.full(RATE // 10, 0.5, np.float32))
    out = track([(0.25, wav), (0.95, wav)], 1.0)
    assert len(out) == RATE
    nonzero = np.flatnonzero(out)
    at, fade = round(0.25 * RATE), round(0.005 * RATE)
    assert nonzero[0] == at + 1  # the fade-in's first sample is 0
    np.testing.assert_allclose(out[at + fade:at + RATE // 10 - fade], 0.5, atol=1e-4)
    assert out[at + RATE // 10:round(0.95 * RATE)].max() == 0  # silence between
    assert out[-1] == pytest.approx(0.5, abs=1e-4)  # the second is cut at the end


def test_master_reaches_minus_16_lufs_with_true_peak_under_minus_1():
    rng = np.random.default_rng(7)
    speechlike = rng.standard_normal(6 * RATE).astype(np.float32) * 0.05
    speechlike[::4801] = 0.99  # sharp peaks, as Piper's full-scale sentences have
    speechlike[2 * RATE:3 * RATE] = 0  # and a pause
    out, facts = master(speechlike)
    measured = pyloudnorm.Meter(RATE).integrated_loudness(out.astype(np.float64))
    assert measured == pytest.approx(-16, abs=0.3)
    assert fft_true_peak_db(out) <= -1.0
    assert facts["integrated_lufs"] == pytest.approx(measured, abs=0.01)
    assert np.all(out[2 * RATE + 200:3 * RATE - 200] == 0)  # the pause stays silent


@pytest.mark.parametrize("block", [1000, 4097, 1 << 20])
def test_the_true_peak_taken_in_blocks_is_the_whole_signals(block):
    from scipy.signal import resample_poly

    rng = np.random.default_rng(3)
    signal = (rng.standard_normal(20_011) * 0.1).astype(np.float32)
    signal[[17, 999, 1000, 4096, 12_345, 20_010]] = [0.5, -0.9, 0.95, -0.97, 0.9, 0.99]
    whole = np.abs(resample_poly(signal.astype(np.float64), 4, 1)).max()
    assert true_peak_db(signal, block) == 20 * np.log10(whole)
    assert true_peak_db(np.zeros(10, np.float32), block) == -np.inf


def test_voice_none_is_a_variant_of_its_own_and_a_bad_voice_is_refused(tmp_path):
    voiced, = plan_jobs(["cov_tanh"], {}, "l", "mp4", tmp_path)
    silent, = plan_jobs(["cov_tanh"], {}, "l", "mp4", tmp_path, voice_name="none")
    light, = plan_jobs(["cov_tanh"], {}, "l", "webm", tmp_path, theme="light", voice_name="none")
    assert (voiced.stem, silent.stem) == ("05_cov_tanh", "05_cov_tanh--silent")
    assert light.stem == "05_cov_tanh--webm--light--silent"
    assert voiced.cache_key != silent.cache_key and (voiced.voice, silent.voice) == ("joe", "none")
    with pytest.raises(UsageError, match=r"^voice = 'robot': must be one of joe, none$"):
        plan_jobs(["cov_tanh"], {}, "l", "mp4", tmp_path, voice_name="robot")


def test_the_voice_and_reader_are_part_of_every_scene_code(tmp_path):
    from lecture.jobs import ROOT, code_files

    for scene in (SCENES[0], CARDS[0]):
        files = {str(f.relative_to(ROOT)) for f in code_files(scene)}
        assert {"lecture/voice.py", "lecture/audio.py"} <= files
        if (ROOT / "lecture" / "spoken.py").exists():
            assert "lecture/spoken.py" in files


def test_a_params_file_and_the_flag_choose_the_voice(no_render, capsys):
    from lecture.cli import main

    bad = no_render / "bad.toml"
    bad.write_text('voice = "robot"\n')
    assert main([SHORT, "--params", str(bad)]) == 2
    assert capsys.readouterr().err.strip() == (
        f'error: --params {show(str(bad))}: voice = "robot": must be one of "joe", "none"')
    assert main([SHORT, "--voice", "robot"]) == 2
    assert "--voice" in capsys.readouterr().err


# Real renders of the shortest part, into a media folder of their own.

@pytest.fixture(scope="module")
def card(tmp_path_factory) -> Path:
    media = tmp_path_factory.mktemp("voice") / "media"
    media.mkdir()
    run = render(media, SHORT, shared=False)  # its own speech cache is under test
    assert run.returncode == 0, run.stdout + run.stderr
    return media


def sidecar(media: Path, stem: str | None = None) -> dict:
    return json.loads(outputs(media, SHORT, stem)["json"].read_text())


def test_a_second_render_synthesises_nothing(card):
    first = sidecar(card)
    assert first["speech"] and all(line["synthesized"] for line in first["speech"])
    cached = sorted((card / "speech" / "joe").glob("*.wav"))
    before = {p.name: p.stat().st_mtime_ns for p in cached}
    run = render(card, SHORT, "--force", shared=False)
    assert run.returncode == 0, run.stdout + run.stderr
    again = sidecar(card)
    assert again["speech"] and not any(line["synthesized"] for line in again["speech"])
    assert [(line["spoken"], line["start"], line["end"]) for line in again["speech"]] == \
        [(line["spoken"], line["start"], line["end"]) for line in first["speech"]]
    assert {p.name: p.stat().st_mtime_ns for p in (card / "speech" / "joe").glob("*.wav")} \
        == before


def test_voice_none_renders_a_silent_clip_beside_the_voiced_one(card):
    voiced = outputs(card, SHORT)
    kept = digest([voiced["mp4"], voiced["json"]])
    run = render(card, SHORT, "--voice", "none", shared=False)
    assert run.returncode == 0, run.stdout + run.stderr
    stem = f"{entry(SHORT).stem}--silent"
    silent = outputs(card, SHORT, stem)
    with av.open(str(silent["mp4"])) as container:
        assert len(container.streams.audio) == 0 and len(container.streams.video) == 1
    data = sidecar(card, stem)
    assert data["voice"]["name"] == "none" and data["speech"] == [] and data["loudness"] is None
    assert digest([voiced["mp4"], voiced["json"]]) == kept
    assert sidecar(card)["duration_s"] >= data["duration_s"]  # the voice only ever waits


# Every clip of the whole lecture (the conftest's one render of it).

def cues(path: Path) -> list[tuple[float, float]]:
    return [(c.start.total_seconds(), c.end.total_seconds())
            for c in srt.parse(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("scene_id", [s.id for s in (*CARDS, *SCENES)])
def test_each_clip_speaks_inside_its_captions_at_minus_16_lufs(lecture, scene_id):
    files = outputs(lecture, scene_id)
    data = json.loads(files["json"].read_text())
    with av.open(str(files["mp4"])) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        video_s = float(video.duration * video.time_base)
        assert audio.codec_context.name == "aac" and audio.sample_rate == RATE
        assert audio.codec_context.layout.name == "mono"
        audio_s = float(audio.duration * audio.time_base)
    assert abs(audio_s - video_s) < 1 / 15
    samples = decode(files["mp4"])
    assert abs(len(samples) / RATE - video_s) < 1 / 15
    spoken = {line["line"]: line for line in data["speech"]}
    captions = cues(files["srt"])
    assert len(spoken) == len(captions) == len(data["speech"])
    for (start, end), line in zip(captions, data["speech"]):
        assert abs(line["start"] - start) < 0.002 and line["end"] <= end + 0.002
        speech = window_db(samples, start, line["end"])
        assert np.mean(speech > SPEECH_DB) > 0.6, (line["line"], speech.round())
        assert speech[0] > SPEECH_DB or speech[1] > SPEECH_DB  # it starts with its cue
    covered = np.zeros(len(samples), bool)
    for start, end in captions:
        covered[round(start * RATE):round(end * RATE)] = True
    gaps = np.where(covered, 0.0, samples)  # everything outside the cues
    assert window_db(gaps, 0, len(gaps) / RATE).max() < QUIET_DB
    loudness = pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64))
    assert abs(loudness - (-16)) <= 1.0 and fft_true_peak_db(samples) <= -1.0
    assert data["loudness"]["integrated_lufs"] == pytest.approx(loudness, abs=0.05)


def test_the_lecture_speaks_from_start_to_end_with_each_part_on_its_cue(lecture):
    folder = lecture / "lecture" / "480p15"
    with av.open(str(folder / "lecture.mp4")) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        video_s = float(video.duration * video.time_base)
        audio_s = float(audio.duration * audio.time_base)
    assert abs(audio_s - video_s) < 1 / 15
    samples = decode(folder / "lecture.mp4")
    assert abs(len(samples) / RATE - video_s) < 1 / 15
    parts = json.loads((folder / "lecture.json").read_text())["parts"]
    for part in parts:  # speech in every part, from its first cue on
        assert window_db(samples, part["start_s"], part["end_s"]).max() > -20, part["id"]
    lecture_cues = cues(folder / "lecture.srt")
    assert len(lecture_cues) >= len(parts)
    size = round(WINDOW_S / 5 * RATE)  # 10 ms windows: when speech starts
    for start, _ in lecture_cues:
        before = min(start, 0.1)
        piece = samples[round((start - before) * RATE):round((start + 0.3) * RATE)]
        level = 10 * np.log10(np.mean(piece[:len(piece) // size * size].reshape(-1, size)**2,
                                      axis=1) + 1e-20)
        onset = np.flatnonzero(level > SPEECH_DB)[0] * size / RATE + start - before
        assert abs(onset - start) <= 0.05, (start, onset)
    loudness = pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64))
    assert abs(loudness - (-16)) <= 1.0 and fft_true_peak_db(samples) <= -1.0


def test_speech_cache_files_are_whole_wavs(card):
    for path in (card / "speech" / "joe").glob("*"):
        assert path.suffix == ".wav"
        with wave.open(str(path)) as wav:
            assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (1, RATE, 2)


@pytest.mark.parametrize(("threads", "intra_op"), [("1", 1), ("2", 2), ("", 0)])
def test_the_voice_runs_on_the_threads_its_worker_is_given(monkeypatch, threads, intra_op):
    monkeypatch.setenv("OMP_NUM_THREADS", threads)
    speaker = JoeVoice()
    assert speaker._piper.session.get_session_options().intra_op_num_threads == intra_op
    assert len(speaker.synthesize("One line.")) > RATE // 4  # and it speaks
