"""Two places where Manim (Cairo renderer) does full-frame work a 1080p clip pays for at
every frame, done the cheap way with the same pixels; :func:`install` puts both in place
for the worker's process.

Encoding. Profiling a 1080p clip (issue 21) showed Manim's segment encoder spending, besides
libx264's own time, about as much again on each frame before the codec sees it: it copies
the RGBA frame it was given into a new PyAV frame (``from_ndarray``), then converts that
frame to the codec's pixel format (RGBA to yuv420p in libswscale, the single largest cost
outside libx264), and it does both again for every repetition of a frame that is held
still (``repeat``: a third of the frames of a typical clip). :func:`_write_frame`
wraps the frame without copying and converts it once per distinct frame, then
encodes that one converted frame ``repeat`` times. The codec receives the same pixels
converted by the same libswscale call (same size, format and thread count as PyAV's own
``encode``), so the clip is the same.

Images. Manim draws an ImageMobject (a heat map, a colour bar) by pasting it into a
transparent image as large as the frame and alpha-compositing that whole image over the
frame, which costs several full-frame copies and a full-frame composite per image per
frame. Compositing a fully transparent pixel leaves the pixel below as it was (Pillow
copies it), so :func:`_overlay_PIL_image` composites only the box holding the image's
non-transparent pixels: the same pixels, a fraction of the work.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

__all__ = ["install"]


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


def _overlay_PIL_image(self: Any, pixel_array: Any, image: Any) -> None:  # noqa: N802
    """Camera.overlay_PIL_image, compositing only the box of ``image`` that is not
    fully transparent (the rest would leave ``pixel_array`` unchanged)."""
    import numpy as np
    from PIL import Image

    box = image.getbbox(alpha_only=True)
    if box is None:
        return
    left, top, right, bottom = box
    below = self.get_image(pixel_array[top:bottom, left:right].copy())
    pixel_array[top:bottom, left:right] = np.asarray(Image.alpha_composite(below,
                                                                           image.crop(box)))


def install() -> None:
    """Make Manim (in this process) encode with :func:`_write_frame` and overlay images
    with :func:`_overlay_PIL_image`."""
    from manim.camera.camera import Camera
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    VideoSegmentEncoder.write_frame = _write_frame
    Camera.overlay_PIL_image = _overlay_PIL_image
