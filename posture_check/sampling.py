"""Adaptive frame sampling: quiet stretches of a recording measured at 5 frames a second,
motion at the full frame rate (``AnalysisOptions(sampling="adaptive")``,
``posture-check analyze --adaptive``).

The rule (units: body heights per second, as :mod:`posture_check.measures.stillness`):

* **Speed** between two measured frames ``a`` and ``b``: the largest image displacement of the
  mid-hip, the mid-shoulder and each ankle (the quiet-standing key points), divided by the
  body's image height and by ``t_b - t_a``. Always taken over a span of
  :attr:`SamplingRule.interval_s` (0.2 s), so landmark jitter does not look like motion.
* **Full rate** while moving. Once the speed has stayed below :attr:`SamplingRule.max_speed`
  (0.05 body heights/s, half the quiet-standing limit: quiet standing sways 0.005-0.02, a
  stretch's slow entry moves 0.1-0.5) for :attr:`SamplingRule.settle_s` (0.5 s), sampling
  becomes **sparse**: the model runs on one frame in ``k = round(0.2 s x fps)``.
* **Sparse**: the next ``k`` frames are decoded and held; a second landmarker (the *scout*,
  VIDEO mode, fed only the sampled frames) measures the last one. If the speed from the last
  measured frame is still below the limit, the ``k - 1`` frames between are filled by linear
  interpolation of the landmarks (image, world, visibility, presence) and sampling stays
  sparse. Otherwise motion started inside those 0.2 s: the main landmarker (which last saw the
  body, standing still, where it still is) measures all ``k`` held frames at full rate, the
  scout's frame is discarded, and sampling is full again until the body settles. So no
  movement's start is ever interpolated over; at most one scout inference is wasted per start.
* Frames without a person, and the first 0.5 s, are always at full rate.

Blind spot: a periodic motion whose period divides 0.2 s exactly (5 Hz and above) is aliased
to "still"; bouncing in a stretch is 1-3 Hz and moves the trunk between any two samples 0.2 s
apart (tested by ``posture-check bench pipeline`` on the bouncing clip).

Flip averaging (:mod:`posture_check.flip`) is kept for every measured frame; the interpolated
ones average two flip-averaged frames. Tolerance the benchmark checks against the full-rate
analysis: every measure's median within 0.5 deg (0.5 cm for the cm measures), each stretch
hold within 0.3 s, the same stretch and repetition verdicts and finding severities.

Measured (``posture-check bench pipeline --only adaptive --minutes 2``, loaded 2-core
machine): 2.3x faster on all sample clips, 2.8x on a 2-minute 30 fps loop of them; largest
differences 0.59 deg (foot turn-out), holds 0.07 s, same stretch verdicts; two findings on
the flag threshold changed severity. So it stays opt-in; the default is ``"full"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .estimator import PoseEstimator
from .measures.stillness import _key_points
from .series import PoseSeries

__all__ = ["SamplingRule", "extract_adaptive", "pose_speed"]


@dataclass(frozen=True)
class SamplingRule:
    """See the module docstring. ``max_speed`` in body heights/s, times in seconds."""

    interval_s: float = 0.2
    max_speed: float = 0.05
    settle_s: float = 0.5


def pose_speed(image_a: np.ndarray, image_b: np.ndarray, dt: float,
               frame_size: tuple[int, int]) -> float:
    """Speed (body heights/s) between two ``(33, 3)`` normalized image poses ``dt`` s apart;
    NaN when either pose is missing."""
    size = np.asarray(frame_size, dtype=np.float64)
    px = np.stack([image_a[:, :2], image_b[:, :2]]) * size
    points, height = _key_points(px)
    if dt <= 0 or not np.isfinite(points).all() or not np.isfinite(height).all():
        return float("nan")
    disp = float(np.linalg.norm(points[1] - points[0], axis=1).max())
    return disp / dt / float(max(height.mean(), 1e-6))


@dataclass
class _Frame:
    t: float
    img: np.ndarray
    world: np.ndarray
    vis: np.ndarray
    pres: np.ndarray
    people: int
    how: str  # "main" | "scout" | "interp"


def _frames_of(series: PoseSeries, how: str) -> list[_Frame]:
    ppf = series.people_per_frame
    return [_Frame(float(series.t_s[i]), series.image[i], series.world[i],
                   series.visibility[i], series.presence[i], int(ppf[i]), how)
            for i in range(len(series))]


def _interpolate(a: _Frame, b: _Frame, times: list[float]) -> list[_Frame]:
    out = []
    for t in times:
        w = (t - a.t) / (b.t - a.t)
        out.append(_Frame(t, (1 - w) * a.img + w * b.img, (1 - w) * a.world + w * b.world,
                          (1 - w) * a.vis + w * b.vis, (1 - w) * a.pres + w * b.pres,
                          a.people, "interp"))
    return out


def extract_adaptive(frames: Iterator[tuple[float, np.ndarray]], main: PoseEstimator,
                     scout: PoseEstimator, fps: float, *, source: str = "",
                     rule: SamplingRule | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     expected_frames: int = 0) -> PoseSeries:
    """Landmarks of ``(t_s, rgb)`` frames with adaptive sampling (module docstring).

    ``main`` and ``scout``: two VIDEO-mode estimators with the same options. The result's
    ``meta["sampling"]`` counts the frames measured (``main``, ``scout``), interpolated and
    wasted (scout frames re-measured because motion started)."""
    rule = rule or SamplingRule()
    k = max(1, round(rule.interval_s * (fps if fps > 0 else 30.0)))
    out: list[_Frame] = []
    size: tuple[int, int] | None = None
    wasted = 0
    quiet_since: float | None = None
    sparse = False

    def measure(est: PoseEstimator, batch: Iterable[tuple[float, np.ndarray]], how: str
                ) -> list[_Frame]:
        nonlocal size
        s = est.process_frames(batch, source=source)
        if size is None:
            size = s.frame_size
        return _frames_of(s, how)

    def speed_back(i: int) -> float:
        """Speed from frame ``out[i - k]`` to ``out[i]`` (both measured at full rate)."""
        if i < k:
            return float("nan")
        a, b = out[i - k], out[i]
        return pose_speed(a.img, b.img, b.t - a.t, size)

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
            out += measure(main, [frame], "main")
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
            probe = measure(scout, [held[-1]], "scout")[0]
            v = pose_speed(last.img, probe.img, probe.t - last.t, size)
            if v < rule.max_speed:
                out += _interpolate(last, probe, [float(t) for t, _ in held[:-1]])
                out.append(probe)
                report()
                continue
            wasted += 1
        out += measure(main, held, "main")  # motion (or the end): every held frame
        sparse, quiet_since = False, None
        report()
    if not out or size is None:
        raise InputError(f"{source or 'input'}: no frames could be decoded")
    how = np.array([f.how for f in out])
    meta = {"model": Path(main.model_path).name, "running_mode": "video",
            "flip_average": main.options.flip_average,
            "sampling": {"rule": "adaptive", "interval_frames": k,
                         "main": int((how == "main").sum()), "scout": int((how == "scout").sum()),
                         "interpolated": int((how == "interp").sum()), "wasted": wasted}}
    return PoseSeries(np.array([f.img for f in out]), np.array([f.world for f in out]),
                      np.array([f.vis for f in out]), np.array([f.pres for f in out]),
                      np.array([f.t for f in out]), size, source, meta,
                      people_per_frame=np.array([f.people for f in out], dtype=np.int64))
