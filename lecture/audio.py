"""A clip's audio track: its spoken lines at their places, loudness-normalised.

:func:`track` lays each line's speech at the time its caption starts, with short fades
at its edges (no click), over silence exactly as long as the video. :func:`master` brings
it to -16 LUFS integrated (ITU-R BS.1770 as measured by ``pyloudnorm``) with a true peak
of at most -1 dBTP (the peak of the signal oversampled four times, which catches peaks
between samples): Piper normalises every sentence to full scale, so plain gain would
overshoot; a look-ahead limiter takes the few peaks down first. The lossy encoders
(AAC, Opus) add about a decibel of overshoot, so the master keeps a margin below the
ceiling; the worker measures the decoded file again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from lecture.voice import RATE, read_wav

__all__ = ["MODULES", "TARGET_LUFS", "TRUE_PEAK_DBTP", "decode", "encode_under_peak", "loudness", "master",
           "measure", "track", "true_peak_db"]

MODULES = ("pyloudnorm", "scipy.signal", "scipy.ndimage")
"""What mastering imports where it is used (a warm process imports them once for every
voiced render it forks: lecture/warm.py)."""
TARGET_LUFS = -16.0
TRUE_PEAK_DBTP = -1.0
CODEC_MARGIN_DB = 1.5  # what AAC/Opus coding may add to the true peak
FADE_S = 0.005
LIMITER_S = 0.003  # look-ahead and release of the limiter: gain changes take ~3 ms
OVERSAMPLE = 4
# true_peak_db's pieces: input samples per block, and the neighbours each block is filtered
# with (resample_poly's filter reaches 10 input samples either side at 4 times).
PEAK_BLOCK = 1 << 20
PEAK_MARGIN = 64


def track(spans: Iterable[tuple[float, Path]], duration: float) -> np.ndarray:
    """Silence of ``duration`` seconds with each (start, wav) placed at ``start``, faded in
    and out, cut at the end."""
    out = np.zeros(round(duration * RATE), np.float32)
    fade = round(FADE_S * RATE)
    ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
    for start, path in spans:
        samples = read_wav(path)
        if len(samples) >= 2 * fade:
            samples[:fade] *= ramp
            samples[-fade:] *= ramp[::-1]
        at = round(start * RATE)
        piece = samples[:max(len(out) - at, 0)]
        out[at:at + len(piece)] += piece
    return out


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness in LUFS (-inf for silence)."""
    import pyloudnorm

    if len(samples) < RATE // 2:  # the meter needs one 400 ms block
        samples = np.pad(samples, (0, RATE // 2 - len(samples)))
    return float(pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64)))


def true_peak_db(samples: np.ndarray, block: int = PEAK_BLOCK) -> float:
    """The true peak in dBTP: the largest magnitude of the signal oversampled 4 times.

    Oversampled ``block`` samples at a time, each with PEAK_MARGIN samples of its
    neighbours on either side (more than the filter reaches), so every kept sample is the
    one the whole signal oversampled at once gives: the same peak, in half the time and
    a fraction of the memory (a 13-minute lecture is 146 million oversampled samples)."""
    from scipy.signal import resample_poly

    peak = 0.0
    for start in range(0, len(samples), block):
        low, high = max(0, start - PEAK_MARGIN), min(len(samples), start + block + PEAK_MARGIN)
        up = resample_poly(samples[low:high].astype(np.float64), OVERSAMPLE, 1)
        kept = up[OVERSAMPLE * (start - low):OVERSAMPLE * (min(start + block, high) - low)]
        peak = max(peak, float(np.abs(kept).max(initial=0)))
    return 20 * np.log10(peak) if peak > 0 else -np.inf


def limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """Samples whose magnitude stays under ``ceiling``: the gain each sample needs, its
    minimum over a window around it, smoothed by a moving average half as wide (so the
    average at a peak never exceeds what the peak needs)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    width = round(LIMITER_S * RATE)
    need = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-12))
    gain = uniform_filter1d(minimum_filter1d(need, 2 * width + 1), width + 1)
    return (samples * gain).astype(np.float32)


def master(samples: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """The track at TARGET_LUFS with a true peak at most TRUE_PEAK_DBTP, and what was
    measured after. Silence stays silence."""
    level = loudness(samples)
    if not np.isfinite(level):
        return samples, {"integrated_lufs": None, "true_peak_dbtp": None}
    allowed = TRUE_PEAK_DBTP - CODEC_MARGIN_DB
    ceiling = 10 ** ((allowed - 0.5) / 20)  # sample peaks; true peaks sit a bit above
    peak = None  # the true peak of ``samples`` once measured (each measure costs)
    for _ in range(4):  # limiting lowers loudness a little: gain up and limit again
        samples = samples * np.float32(10 ** ((TARGET_LUFS - loudness(samples)) / 20))
        peak = true_peak_db(samples)
        if peak <= allowed:
            break
        samples, peak = limit(samples, ceiling), None
    if peak is None:
        peak = true_peak_db(samples)
    if peak > allowed:  # what the limiter left: a last plain gain down
        samples, peak = samples * np.float32(10 ** ((allowed - peak) / 20)), None
    return samples, measure(samples, peak)


def measure(samples: np.ndarray, peak: float | None = None) -> dict[str, float]:
    """Loudness and true peak of ``samples`` (``peak``: their true peak, known already).
    The two are measured side by side: SciPy's filters let go of the GIL, and a joined
    lecture's 13 minutes took 5.0 s one after the other, 2.9 s so."""
    if peak is None:
        with ThreadPoolExecutor(1) as pool:
            peaked = pool.submit(true_peak_db, samples)
            level = loudness(samples)
            peak = peaked.result()
    else:
        level = loudness(samples)
    return {"integrated_lufs": round(level, 2), "true_peak_dbtp": round(float(peak), 2)}


def encode_under_peak(samples: np.ndarray, write: Callable[[np.ndarray], Path]
                      ) -> dict[str, float]:
    """Write a mastered track with ``write`` (which returns the file it wrote), and measure
    what a player hears: the file's audio, decoded. Should the encoder have overshot the
    master's margin, write it once more, lower by the excess."""
    facts = measure(decode(write(samples)))
    over = facts["true_peak_dbtp"] - TRUE_PEAK_DBTP
    if over > 0:
        facts = measure(decode(write(samples * np.float32(10 ** (-(over + 0.2) / 20)))))
    return facts


def decode(path: Path) -> np.ndarray | None:
    """The first audio stream of a media file as mono float32 at RATE, from its time 0
    (the encoder's priming samples dropped); None if it has no audio."""
    import av

    with av.open(str(path)) as source:
        if not source.streams.audio:
            return None
        stream = source.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        pieces, first, as_is = [], None, False
        for frame in source.decode(stream):
            if first is None:
                first = float(frame.pts * frame.time_base) if frame.pts is not None else 0.0
                # mono float at RATE already (our AAC decodes so): the samples as they
                # are, which is what the resampler would copy out, frame by frame
                as_is = (frame.format.name in ("flt", "fltp") and frame.layout.name == "mono"
                         and frame.sample_rate == RATE)
            for out in [frame] if as_is else resampler.resample(frame):
                pieces.append(out.to_ndarray().reshape(-1))
        for out in [] if as_is else resampler.resample(None):
            pieces.append(out.to_ndarray().reshape(-1))
    samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    skip = round(-(first or 0.0) * RATE)
    return samples[skip:] if skip > 0 else np.pad(samples, (-skip, 0))
