"""Hand Manim's frames to the video encoder without work the encoder does not need.

Profiling a 1080p clip (issue 21) showed Manim's segment encoder spending, besides
libx264's own time, about as much again on each frame before the codec sees it: it copies
the RGBA frame it was given into a new PyAV frame (``from_ndarray``), then converts that
frame to the codec's pixel format (RGBA to yuv420p in libswscale, the single largest cost
outside libx264), and it does both again for every repetition of a frame that is held
still (``repeat``: a third of the frames of a typical clip). :func:`encode_frames_once`
makes it wrap the frame without copying and convert it once per distinct frame, then
encode that one converted frame ``repeat`` times. The codec receives the same pixels
converted by the same libswscale call (same size, format and thread count as PyAV's own
``encode``), so the clip is the same.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

__all__ = ["encode_frames_once"]


def _write_frame(self: Any, pixels: Any, *, repeat: int = 1) -> None:
    """VideoSegmentEncoder.write_frame, converting ``pixels`` once for all ``repeat``."""
    import av
    from av.video.reformatter import VideoReformatter

    self._validate_frame(pixels, repeat)
    rate = self.spec.frame_rate
    time_base = Fraction(rate.denominator, rate.numerator)
    context = self._stream.codec_context
    try:
        frame = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
        if (frame.format.name, frame.width, frame.height) != (context.pix_fmt, context.width,
                                                               context.height):
            if getattr(self, "_lecture_reformatter", None) is None:
                self._lecture_reformatter = VideoReformatter()
            frame = self._lecture_reformatter.reformat(  # what PyAV's encode() would call
                frame, context.width, context.height, context.format,
                threads=context.thread_count)
        for _ in range(repeat):
            frame.pts, frame.time_base = self._next_pts, time_base
            self._next_pts += 1
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error


def encode_frames_once() -> None:
    """Make Manim's segment encoder (in this process) use :func:`_write_frame`."""
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    VideoSegmentEncoder.write_frame = _write_frame
