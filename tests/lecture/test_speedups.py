"""lecture.speedups: the same pixels as Manim's own code, with less work.

Encoding: the reference is Manim's own VideoSegmentEncoder.write_frame (copy and convert
every repetition): both write the same frames, held still for a few repetitions, and the
files' video packets must be the same bytes, decoded to the same pixels.
Images: the reference is Manim's own Camera drawing the same ImageMobjects (a heat map
partly off the frame, a rotated one, one half transparent) over the same vector shapes.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

manim_encoder = pytest.importorskip("manim.scene.video_segment_encoder")

from lecture.speedups import _overlay_PIL_image, _write_frame  # noqa: E402


def frames() -> list[tuple[np.ndarray, int]]:
    """A moving block on a coloured ground, some frames repeated (a held still)."""
    out = []
    for i in range(12):
        pixels = np.zeros((72, 128, 4), np.uint8)
        pixels[..., 2], pixels[..., 3] = 40, 255
        pixels[10 + i * 3:40 + i * 3, 20:70, 0] = 250
        pixels[30:60, 40 + i * 5:60 + i * 5, 1] = 180
        out.append((pixels, 5 if i % 4 == 0 else 1))
    return out


def encode(path: Path, codec: str, pix_fmt: str) -> tuple[str, list[np.ndarray]]:
    from manim._config.video_encoder import VideoEncoderSpec

    spec = VideoEncoderSpec(path.suffix[1:], codec, pix_fmt, 128, 72, Fraction(30),
                            (("crf", "20"),))
    encoder = manim_encoder.VideoSegmentEncoder(target=path, spec=spec)
    for pixels, repeat in frames():
        encoder.write_frame(pixels.copy(), repeat=repeat)
    encoder.finish()
    digest = hashlib.sha256()
    with av.open(str(path)) as container:
        for packet in container.demux(video=0):
            digest.update(bytes(packet))
    with av.open(str(path)) as container:
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return digest.hexdigest(), decoded


@pytest.mark.parametrize("codec, pix_fmt, suffix", [("libx264", "yuv420p", ".mp4"),
                                                    ("libvpx-vp9", "yuv420p", ".webm")])
def test_same_video_as_manims_own_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         codec: str, pix_fmt: str, suffix: str) -> None:
    reference_digest, reference = encode(tmp_path / f"manim{suffix}", codec, pix_fmt)
    monkeypatch.setattr(manim_encoder.VideoSegmentEncoder, "write_frame", _write_frame)
    digest, decoded = encode(tmp_path / f"once{suffix}", codec, pix_fmt)
    assert len(decoded) == len(reference) == sum(r for _, r in frames())
    assert digest == reference_digest
    assert all(np.array_equal(a, b) for a, b in zip(decoded, reference))


def draw_images(size: tuple[int, int]) -> np.ndarray:
    from manim import Camera, Circle, ImageMobject, Square

    camera = Camera(pixel_width=size[0], pixel_height=size[1], background_color="#202020")
    rng = np.random.default_rng(5)
    heat = ImageMobject(rng.integers(0, 256, (20, 30, 4), dtype=np.uint8))
    heat.stretch_to_fit_width(6).stretch_to_fit_height(3).move_to([5, 1, 0])  # partly off frame
    turned = ImageMobject(rng.integers(0, 256, (8, 8, 4), dtype=np.uint8)).set(height=2).rotate(0.4)
    faint = ImageMobject(np.full((4, 4, 4), 200, np.uint8)).set(height=2).shift([-3, -1, 0])
    camera.capture_mobjects([Circle(radius=2, fill_opacity=0.7), heat, turned,
                             Square(side_length=1.5, fill_opacity=1, color="#ff8800"), faint])
    return camera.pixel_array.copy()


def test_images_drawn_as_manims_camera_draws_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from manim import Camera

    reference = draw_images((320, 180))
    monkeypatch.setattr(Camera, "overlay_PIL_image", _overlay_PIL_image)
    drawn = draw_images((320, 180))
    assert np.array_equal(drawn, reference)
    background = np.full_like(reference, 0x20)
    assert np.count_nonzero(np.any(reference[..., :3] != background[..., :3], axis=2)) > 5000
