"""MP4 files fit for the web: the index (``moov``) before the media data (``mdat``).

Manim writes the index at the end, so a browser must fetch the end of the file before it
can start playing from a plain web server. :func:`faststart` rewrites a clip with its index
first by copying its packets (no re-encoding); :func:`top_level_boxes` reads the order back.
:func:`with_audio` does the same in one pass while adding an audio track (AAC in MP4, Opus
in WebM), its packets interleaved with the video's by time as players expect.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
import struct
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # imported where used: a warm re-run joins nothing and needs no PyAV
    import av

__all__ = ["AUDIO_CODECS", "add_audio_stream", "encode_audio", "faststart", "mux_in_time", "packets", "top_level_boxes",
           "video_end", "with_audio"]

AUDIO_CODECS = {"mp4": "aac", "webm": "libopus"}
AUDIO_BITRATE = 128_000
# FFmpeg's own AAC encoder: its "fast" coder stays closer to speech than the default
# "twoloop", which now and then overshoots a peak by 3 dB (measured on Piper's voice).
AUDIO_OPTIONS = {"aac": {"aac_coder": "fast"}, "libopus": {}}


def faststart(path: Path) -> None:
    """Rewrite the MP4 at ``path`` in place with its index first, packets copied."""
    with_audio(path, None, 0)


def add_audio_stream(sink: av.container.OutputContainer, fmt: str, rate: int
                     ) -> av.audio.stream.AudioStream:
    """A mono audio stream in the format's codec (AAC for MP4, Opus for WebM)."""
    codec = AUDIO_CODECS[fmt]
    stream = sink.add_stream(codec, rate=rate, layout="mono", options=AUDIO_OPTIONS[codec])
    stream.bit_rate = AUDIO_BITRATE
    return stream


def encode_audio(stream: av.audio.stream.AudioStream, samples: np.ndarray, rate: int
                 ) -> list[av.Packet]:
    """Every packet of mono float ``samples`` encoded by ``stream``, flushed."""
    import av

    frame = av.AudioFrame.from_ndarray(samples.astype(np.float32)[np.newaxis, :], format="flt",
                                       layout="mono")
    frame.sample_rate, frame.pts = rate, 0
    return [*stream.encode(frame), *stream.encode(None)]


def packets(source: av.container.InputContainer, *streams) -> Iterator[av.Packet]:  # type: ignore[no-untyped-def]
    """The packets of ``streams`` in decoding order, without the demuxer's final empty one."""
    return (packet for packet in source.demux(*streams) if packet.dts is not None)


def video_end(video_packets: list[av.Packet]) -> int:
    """Where a clip's video ends, in its time base: its last frame's start plus a whole
    frame (the longest packet's duration). Muxing audio can leave the last packet a few
    ticks short, and whatever is placed after the clip would then start that much early."""
    return max(p.pts for p in video_packets) + max(p.duration for p in video_packets)


def mux_in_time(sink: av.container.OutputContainer, *packet_streams) -> None:  # type: ignore[no-untyped-def]
    """Mux packets of several streams (each an iterable in decoding order), interleaved by
    decoding time."""
    import heapq

    def timed(packets, order):  # type: ignore[no-untyped-def]
        for packet in packets:
            if packet.dts is not None:  # skip the demuxer's final empty packet
                yield float(packet.dts * packet.time_base), order, packet

    for _, _, packet in heapq.merge(*(timed(p, i) for i, p in enumerate(packet_streams)),
                                    key=lambda item: item[:2]):
        sink.mux(packet)


def with_audio(path: Path, samples: np.ndarray | None, rate: int) -> None:
    """Rewrite the clip at ``path`` in place: its video packets copied, ``samples`` (mono,
    ``rate`` Hz; None: no audio) encoded beside them, an MP4's index first."""
    import av

    fmt = path.suffix.lstrip(".")
    partial = path.with_name(path.name + ".muxing")
    options = {"movflags": "+faststart"} if fmt == "mp4" else {}
    with av.open(str(path)) as source, av.open(str(partial), "w", format=fmt,
                                               options=options) as sink:
        video = source.streams.video[0]
        stream = sink.add_stream_from_template(video)
        sink.metadata.update(source.metadata)
        audio = []
        if samples is not None:
            audio = encode_audio(add_audio_stream(sink, fmt, rate), samples, rate)

        def copied():  # type: ignore[no-untyped-def]
            for packet in source.demux(video):
                packet.stream = stream
                yield packet

        mux_in_time(sink, copied(), audio)
    os.replace(partial, path)


def top_level_boxes(path: Path) -> list[str]:
    """The names of an MP4 file's top-level boxes, in file order."""
    names, at, size = [], 0, path.stat().st_size
    with path.open("rb") as file:
        while at + 8 <= size:
            file.seek(at)
            length, name = struct.unpack(">I4s", file.read(8))
            if length == 1:
                length = struct.unpack(">Q", file.read(8))[0]
            names.append(name.decode("latin-1"))
            at += length if length else size
    return names
