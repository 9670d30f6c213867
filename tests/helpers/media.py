"""Paths of the sample and real media, cached analyses of them (one run per clip per session;
a module that uses :func:`analysed` takes the ``model_path`` fixture, which marks it slow) and
makers of bad input files."""

from __future__ import annotations

import functools
import json
from fractions import Fraction
from pathlib import Path

import numpy as np

from posture_check.pose.encode import EncoderOptions, VideoWriter

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_videos"
REAL = REPO.parent / "shared" / "real_media"


@functools.cache
def analysed(name: str, **kw):
    """AnalysisResult of a sample clip (``name`` without .mp4) or a real media file path."""
    from posture_check.analysis.pipeline import analyze
    from posture_check.analysis.results import AnalysisOptions

    path = Path(name) if "/" in name else SAMPLES / f"{name}.mp4"
    return analyze(path, AnalysisOptions(**kw))


def labels(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def write_video(path: Path, frames: list[np.ndarray], fps: int = 15) -> Path:
    """Encode RGB frames as H.264 MP4 (the package's own encoder, x264's default quality)."""
    options = EncoderOptions(crf=23, preset="medium", tune=None, fallback=False)
    with VideoWriter(path, fps, None, options) as writer:
        for f in frames:
            writer.write(np.ascontiguousarray(f))
    return path


def crop_video(src: Path, dst: Path, y0: float, y1: float) -> Path:
    """Keep rows y0..y1 (fractions of the height) of every frame of ``src``."""
    from posture_check.pose.video_io import iter_frames

    frames = []
    for _, rgb in iter_frames(src):
        h = rgb.shape[0]
        a, b = int(h * y0) // 2 * 2, int(h * y1) // 2 * 2
        frames.append(rgb[a:b])
    return write_video(dst, frames, fps=30)


def write_audio_only(path: Path, seconds: float = 1.0) -> Path:
    """An MP4 (M4A) file with one AAC audio stream and no video."""
    import av

    rate = 44100
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("aac", rate=rate)
        s.layout = "mono"
        n = int(rate * seconds)
        t = np.arange(n) / rate
        samples = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None]
        for k in range(0, n, 1024):
            chunk = samples[:, k:k + 1024]
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp",
                                               layout="mono")
            frame.sample_rate = rate
            frame.pts = k
            frame.time_base = Fraction(1, rate)
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def write_zero_frames(path: Path) -> Path:
    """A video container (MJPG AVI, 64x64) whose video stream has no frames."""
    import cv2

    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 64))
    w.release()
    return path
