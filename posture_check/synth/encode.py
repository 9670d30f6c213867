"""Write RGB frames to an MP4 that browsers play: H.264 (PyAV/libx264), mp4v as a fallback.

OpenCV's VideoWriter on this platform has no H.264 encoder (``avc1`` fails), so H.264 comes from
PyAV (installed with streamlit-webrtc): ``libx264``, ``yuv420p``, ``+faststart``. If PyAV or
libx264 is missing we fall back to OpenCV's MPEG-4 Part 2 (``mp4v``), which OpenCV and MediaPipe
read but most browsers do not play; a warning says so.
"""

from __future__ import annotations

import logging
import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from posture_check.atomic import atomic_path

log = logging.getLogger(__name__)


class VideoWriter:
    """Context manager: ``with VideoWriter(path, fps, (w, h)) as vw: vw.write(rgb)``.

    The file appears atomically when the writer closes without error. Frame ``i`` gets the
    presentation time ``i / fps`` exactly (time base ``1/fps`` for integer fps).
    """

    def __init__(self, path: str | os.PathLike[str], fps: float, size: tuple[int, int],
                 crf: int = 26) -> None:
        w, h = size
        if w % 2 or h % 2:
            raise ValueError(f"frame size must be even for H.264 (yuv420p), got {w}x{h}")
        self.path = Path(path)
        self.fps = fps
        self.size = (int(w), int(h))
        self.crf = crf
        self.codec = ""
        self._ctx = atomic_path(self.path, suffix=".mp4")
        self._tmp: Path | None = None
        self._container = None
        self._stream = None
        self._cv_writer = None
        self._n = 0

    def __enter__(self) -> VideoWriter:
        self._tmp = self._ctx.__enter__()
        try:
            self._open_av()
        except Exception as exc:  # any PyAV/codec failure -> fallback
            log.warning("H.264 via PyAV unavailable (%s); writing mp4v, which browsers may not "
                        "play", exc)
            self._open_cv()
        return self

    def _open_av(self) -> None:
        import av

        rate = Fraction(self.fps).limit_denominator(1001)
        self._container = av.open(str(self._tmp), mode="w", format="mp4",
                                  options={"movflags": "+faststart"})
        stream = self._container.add_stream("libx264", rate=rate)
        stream.width, stream.height = self.size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1) / rate
        stream.options = {"crf": str(self.crf), "preset": "medium", "tune": "animation"}
        stream.codec_context.thread_count = 1  # deterministic output
        self._stream = stream
        self.codec = "h264"

    def _open_cv(self) -> None:
        import cv2

        self._container = None
        self._cv_writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*"mp4v"),
                                          float(self.fps), self.size)
        if not self._cv_writer.isOpened():
            raise OSError(f"cannot open a video writer for {self.path}")
        self.codec = "mp4v"

    def write(self, rgb: np.ndarray) -> None:
        if rgb.shape != (self.size[1], self.size[0], 3) or rgb.dtype != np.uint8:
            raise ValueError(f"expected RGB uint8 {(self.size[1], self.size[0], 3)}, got "
                             f"{rgb.dtype} {rgb.shape}")
        if self._stream is not None:
            import av

            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame.pts = self._n
            frame.time_base = self._stream.codec_context.time_base
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        else:
            self._cv_writer.write(np.ascontiguousarray(rgb[:, :, ::-1]))
        self._n += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self._stream is not None:
                for packet in self._stream.encode(None):
                    self._container.mux(packet)
                self._container.close()
            elif self._cv_writer is not None:
                self._cv_writer.release()
            if exc_type is None and self._tmp is not None:
                os.chmod(self._tmp, 0o644)  # mkstemp creates 0600; clips are shared files
        finally:
            self._ctx.__exit__(exc_type, exc, tb)
