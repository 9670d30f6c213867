"""Write RGB frames to an MP4 that browsers play: H.264 (PyAV/libx264), mp4v as a fallback.

The one video encoder of the package: the annotated report video, the rendered sample clips and
the benchmarks' long recordings all go through :class:`VideoWriter`. OpenCV's VideoWriter on
this platform has no H.264 encoder (``avc1`` fails), so H.264 comes from PyAV (installed with
streamlit-webrtc): ``libx264``, ``yuv420p``, ``+faststart``. Where PyAV or libx264 is missing and
``fallback`` is on, OpenCV's MPEG-4 Part 2 (``mp4v``) is written instead, which OpenCV and
MediaPipe read but most browsers do not play; a warning says so.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from posture_check.atomic import atomic_path

__all__ = ["EncoderOptions", "VideoWriter"]

log = logging.getLogger(__name__)

#: Time base of writers given real timestamps (milliseconds).
MS = Fraction(1, 1000)


@dataclass(frozen=True)
class EncoderOptions:
    """How the H.264 stream is encoded.

    ``crf``: x264 quality (lower is better, 23 is x264's default); ``preset``/``tune``: x264's;
    ``threads``: encoder threads (1 gives byte-identical files run to run; None = x264 picks);
    ``fallback``: write mp4v when H.264 cannot be opened, instead of raising.
    """

    crf: int = 26
    preset: str = "medium"
    tune: str | None = "animation"
    threads: int | None = 1
    fallback: bool = True


class VideoWriter:
    """Context manager: ``with VideoWriter(path, fps, (w, h)) as vw: vw.write(rgb)``.

    The file appears atomically when the writer closes without error. Without timestamps frame
    ``i`` gets the presentation time ``i / fps`` exactly (time base ``1/fps``); ``write(rgb,
    t_s)`` keeps a recording's own times instead (time base 1 ms), so a variable-frame-rate
    input plays at its own pace. ``size`` ``(w, h)`` may be None: the first frame sets it.
    All frames of one writer are written the same way (all with times or none).
    """

    def __init__(self, path: str | os.PathLike[str], fps: float,
                 size: tuple[int, int] | None = None,
                 options: EncoderOptions = EncoderOptions()) -> None:
        if size is not None:
            _check_even(*size)
        self.path = Path(path)
        self.fps = fps
        self.size = None if size is None else (int(size[0]), int(size[1]))
        self.options = options
        self.codec = ""
        self._ctx = atomic_path(self.path, suffix=".mp4")
        self._tmp: Path | None = None
        self._container = None
        self._stream = None
        self._cv_writer = None
        self._timed: bool | None = None
        self._n = 0

    @property
    def frames_written(self) -> int:
        return self._n

    def __enter__(self) -> VideoWriter:
        self._tmp = self._ctx.__enter__()
        return self

    def _open(self, timed: bool) -> None:
        self._timed = timed
        try:
            self._open_av(timed)
        except Exception as exc:  # any PyAV/codec failure -> fallback
            if not self.options.fallback:
                raise
            log.warning("H.264 via PyAV unavailable (%s); writing mp4v, which browsers may not "
                        "play", exc)
            self._open_cv()

    def _open_av(self, timed: bool) -> None:
        import av

        size = self._size()
        o = self.options
        rate = Fraction(self.fps).limit_denominator(1001)
        self._container = av.open(str(self._tmp), mode="w", format="mp4",
                                  options={"movflags": "+faststart"})
        stream = self._container.add_stream("libx264", rate=rate)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        if timed:
            stream.time_base = MS
            stream.codec_context.time_base = MS
        else:
            stream.codec_context.time_base = Fraction(1, 1) / rate
        stream.options = {"crf": str(o.crf), "preset": o.preset,
                          **({"tune": o.tune} if o.tune else {})}
        if o.threads is not None:
            stream.codec_context.thread_count = o.threads
        self._stream = stream
        self.codec = "h264"

    def _open_cv(self) -> None:
        import cv2

        self._container = None
        self._cv_writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*"mp4v"),
                                          float(self.fps), self._size())
        if not self._cv_writer.isOpened():
            raise OSError(f"cannot open a video writer for {self.path}")
        self.codec = "mp4v"

    def _size(self) -> tuple[int, int]:
        if self.size is None:
            raise RuntimeError("VideoWriter: the frame size is set by the first frame")
        return self.size

    def write(self, rgb: np.ndarray, t_s: float | None = None) -> None:
        """Append one RGB uint8 frame ``(h, w, 3)``, at ``t_s`` seconds if given."""
        if self._tmp is None:
            raise RuntimeError("VideoWriter.write outside its with-block")
        if self.size is None:
            _check_even(rgb.shape[1], rgb.shape[0])
            self.size = (int(rgb.shape[1]), int(rgb.shape[0]))
        if rgb.shape != (self.size[1], self.size[0], 3) or rgb.dtype != np.uint8:
            raise ValueError(f"expected RGB uint8 {(self.size[1], self.size[0], 3)}, got "
                             f"{rgb.dtype} {rgb.shape}")
        if self._timed is None:
            self._open(t_s is not None)
        elif self._timed != (t_s is not None):
            raise ValueError("give every frame a time, or none")
        if self._stream is not None:
            import av

            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if t_s is not None:
                frame.pts = round(float(t_s) * 1000)
                frame.time_base = MS
            else:
                frame.pts = self._n
                frame.time_base = self._stream.codec_context.time_base
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        else:
            self._cv_writer.write(np.ascontiguousarray(rgb[:, :, ::-1]))
        self._n += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            try:
                if exc_type is None and self._n == 0:
                    raise ValueError(f"{self.path}: no frames to write")
                if exc_type is None and self._stream is not None:  # flush the encoder
                    for packet in self._stream.encode(None):
                        self._container.mux(packet)
            finally:
                if self._container is not None:
                    self._container.close()
                elif self._cv_writer is not None:
                    self._cv_writer.release()
        except BaseException as err:
            self._ctx.__exit__(type(err), err, err.__traceback__)
            raise
        self._ctx.__exit__(exc_type, exc, tb)


def _check_even(w: int, h: int) -> None:
    if w % 2 or h % 2:
        raise ValueError(f"frame size must be even for H.264 (yuv420p), got {w}x{h}")
