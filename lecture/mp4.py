"""MP4 files fit for the web: the index (``moov``) before the media data (``mdat``).

Manim writes the index at the end, so a browser must fetch the end of the file before it
can start playing from a plain web server. :func:`faststart` rewrites a clip with its index
first by copying its packets (no re-encoding); :func:`top_level_boxes` reads the order back.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import av

__all__ = ["faststart", "top_level_boxes"]


def faststart(path: Path) -> None:
    """Rewrite the MP4 at ``path`` in place with its index first, packets copied."""
    partial = path.with_name(path.name + ".faststart")
    with av.open(str(path)) as source, \
            av.open(str(partial), "w", format="mp4", options={"movflags": "+faststart"}) as sink:
        video = source.streams.video[0]
        stream = sink.add_stream_from_template(video)
        sink.metadata.update(source.metadata)
        for packet in source.demux(video):
            if packet.dts is None:  # the demuxer's final empty packet
                continue
            packet.stream = stream
            sink.mux(packet)
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
