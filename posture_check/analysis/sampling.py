"""Adaptive frame sampling: quiet stretches of a recording measured at 5 frames a second,
motion at the full frame rate. The default for recordings (``AnalysisOptions(sampling=
"adaptive")``); ``sampling="full"`` / ``posture-check analyze --full-rate`` runs the model on
every frame.

The rule (units: body heights per second, as :mod:`posture_check.measures.stillness`):

* **Speed** between two measured frames ``a`` and ``b``: the largest image displacement of the
  mid-hip, the mid-shoulder and each ankle (the quiet-standing key points), divided by the
  body's image height and by ``t_b - t_a``, always over a span of
  :attr:`SamplingRule.interval_s` (0.2 s). An ankle the model calls hidden in either frame
  (visibility below 0.5) is left out. Speeds compare the model's original pass of each frame
  (``PoseEstimator.last_plain_image``), never a flip-averaged frame with a plain one.
* **Full rate** while moving. Once the speed has stayed below :attr:`SamplingRule.max_speed`
  (0.05) for :attr:`SamplingRule.settle_s` (0.5 s), sampling becomes **sparse**: the model runs
  on one frame in ``k = round(0.2 s x fps)``.
* **Sparse**: the next ``k`` frames are decoded and held; a second landmarker (the *scout*,
  VIDEO mode, fed only the sampled frames) measures the last one. Still below the limit: the
  ``k - 1`` frames between are linearly interpolated (image, world, visibility, presence).
  Otherwise the main landmarker measures all ``k`` held frames at full rate and the scout's
  frame is discarded, so no movement's start is ever interpolated over.
* Frames without a person, and the first 0.5 s, are always at full rate.
* Flip averaging per frame, recorded in ``PoseSeries.flip_averaged``: quiet samples and the
  settling frames before them always; motion frames when :attr:`SamplingRule.flip_motion` (the
  default); interpolated frames take the flag of the nearer end.

Blind spot: a periodic motion of 5 Hz and above is aliased to "still" (bouncing is 1-3 Hz).

Why: the model is 99.5% of an analysis's time, and standing still and holds change little from
frame to frame. The tolerance it is held to (``posture-check bench pipeline``,
:mod:`posture_check.bench.sampling_compare`), the variants measured and rejected and why 5x is
out of reach: see docs/decisions/adaptive-sampling.md (figures in docs/accuracy.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posture_check.errors import InputError
from posture_check.measures.stillness import key_points, shown_key_points
from posture_check.pose.estimator import PoseEstimator
from posture_check.pose.series import PoseSeries

__all__ = ["SamplingRule", "extract_adaptive", "pose_speed"]


@dataclass(frozen=True)
class SamplingRule:
    """See the module docstring. ``max_speed`` in body heights/s, times in seconds."""

    interval_s: float = 0.2
    max_speed: float = 0.05
    settle_s: float = 0.5
    flip_motion: bool = True


def pose_speed(image_a: np.ndarray, image_b: np.ndarray, dt: float,
               frame_size: tuple[int, int], vis_a: np.ndarray | None = None,
               vis_b: np.ndarray | None = None) -> float:
    """Speed (body heights/s) between two ``(33, 3)`` normalized image poses ``dt`` s apart;
    NaN when either pose is missing. With their ``(33,)`` visibilities, an ankle the model
    calls hidden in either pose (below :data:`~posture_check.measures.quality.MIN_VISIBILITY`)
    is left out (module docstring)."""
    size = np.asarray(frame_size, dtype=np.float64)
    px = np.stack([image_a[:, :2], image_b[:, :2]]) * size
    points, height = key_points(px)
    if dt <= 0 or not np.isfinite(points).all() or not np.isfinite(height).all():
        return float("nan")
    disp = np.linalg.norm(points[1] - points[0], axis=1)  # mid-hip, mid-shoulder, ankles
    if vis_a is not None and vis_b is not None:
        disp = np.where(shown_key_points(np.stack([vis_a, vis_b]), 2).all(axis=0), disp, 0.0)
    return float(disp.max()) / dt / float(max(height.mean(), 1e-6))


@dataclass
class _Frame:
    t: float
    img: np.ndarray
    world: np.ndarray
    vis: np.ndarray
    pres: np.ndarray
    people: int
    how: str  # "main" | "scout" | "interp"
    flip: bool  # flip-averaged (PoseSeries.flip_averaged)
    plain: np.ndarray  # the original pass's image landmarks (speeds compare these)


def _interpolate(a: _Frame, b: _Frame, times: list[float]) -> list[_Frame]:
    out = []
    for t in times:
        w = (t - a.t) / (b.t - a.t)
        near = a if w < 0.5 else b
        out.append(_Frame(t, (1 - w) * a.img + w * b.img, (1 - w) * a.world + w * b.world,
                          (1 - w) * a.vis + w * b.vis, (1 - w) * a.pres + w * b.pres,
                          a.people, "interp", near.flip, (1 - w) * a.plain + w * b.plain))
    return out


def extract_adaptive(frames: Iterator[tuple[float, np.ndarray]], main: PoseEstimator,
                     scout: PoseEstimator, fps: float, *, source: str = "",
                     rule: SamplingRule | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     expected_frames: int = 0) -> PoseSeries:
    """Landmarks of ``(t_s, rgb)`` frames with adaptive sampling (module docstring).

    ``main`` and ``scout``: two VIDEO-mode estimators with the same options. The result's
    ``meta["sampling"]`` counts the frames measured (``main``, ``scout``), interpolated and
    wasted (scout frames re-measured because motion started), and the model passes run
    (``passes``: two for a flip-averaged frame); ``PoseSeries.flip_averaged`` says which
    frames were flip-averaged."""
    rule = rule or SamplingRule()
    k = max(1, round(rule.interval_s * (fps if fps > 0 else 30.0)))
    out: list[_Frame] = []
    size: tuple[int, int] | None = None
    wasted = 0
    passes = 0
    quiet_since: float | None = None
    sparse = False
    flip_motion = rule.flip_motion and main.options.flip_average

    def measure(est: PoseEstimator, batch: Iterable[tuple[float, np.ndarray]], how: str,
                flip: bool) -> list[_Frame]:
        nonlocal size, passes
        got = []
        for frame in batch:  # one at a time: each frame's original pass is kept for speeds
            s = est.process_frames([frame], source=source, flip=flip)
            if size is None:
                size = s.frame_size
            plain = est.last_plain_image
            flipped = bool(s.flipped[0])
            passes += 2 if flipped else 1
            got.append(_Frame(float(s.t_s[0]), s.image[0], s.world[0], s.visibility[0],
                              s.presence[0], int(s.counts[0]), how, flipped,
                              s.image[0] if plain is None else plain))
        return got

    def speed_back(i: int) -> float:
        """Speed from frame ``out[i - k]`` to ``out[i]`` (both measured at full rate)."""
        if i < k or size is None:
            return float("nan")
        a, b = out[i - k], out[i]
        return pose_speed(a.plain, b.plain, b.t - a.t, size, a.vis, b.vis)

    def report() -> None:
        if progress is not None:
            progress(len(out), expected_frames)

    it = iter(frames)
    while True:
        if not sparse:
            try:
                frame = next(it)
            except StopIteration:
                break
            # settling (slower than the limit since quiet_since): flip-averaged like the
            # sparse frames it precedes; moving: the original pass only (unless flip_motion)
            out += measure(main, [frame], "main", flip_motion or quiet_since is not None)
            v = speed_back(len(out) - 1)
            if v < rule.max_speed:  # NaN compares False: unknown speed is not quiet
                quiet_since = out[-1 - k].t if quiet_since is None else quiet_since
                sparse = out[-1].t - quiet_since >= rule.settle_s
            else:
                quiet_since = None
            report()
            continue
        held = [f for _, f in zip(range(k), it, strict=False)]
        if not held:
            break
        last = out[-1]
        if len(held) == k:
            probe = measure(scout, [held[-1]], "scout", True)[0]
            v = (pose_speed(last.plain, probe.plain, probe.t - last.t, size, last.vis,
                            probe.vis) if size else float("nan"))
            if v < rule.max_speed:
                out += _interpolate(last, probe, [float(t) for t, _ in held[:-1]])
                out.append(probe)
                report()
                continue
            wasted += 1
        out += measure(main, held, "main", flip_motion)  # motion (or the end): all held
        sparse, quiet_since = False, None
        report()
    if not out or size is None:
        raise InputError(f"{source or 'input'}: no frames could be decoded")
    how = np.array([f.how for f in out])
    meta = {"model": Path(main.model_path).name, "running_mode": "video",
            "sampling": {"rule": "adaptive", "interval_frames": k,
                         "main": int((how == "main").sum()), "scout": int((how == "scout").sum()),
                         "interpolated": int((how == "interp").sum()), "wasted": wasted,
                         "passes": passes}}
    return PoseSeries(np.array([f.img for f in out]), np.array([f.world for f in out]),
                      np.array([f.vis for f in out]), np.array([f.pres for f in out]),
                      np.array([f.t for f in out]), size, source, meta,
                      people_per_frame=np.array([f.people for f in out], dtype=np.int64),
                      flip_averaged=np.array([f.flip for f in out], dtype=bool))
