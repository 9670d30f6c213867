"""Repeatability of each measure (same person, same setup, repeated): SEM and the smallest
detectable change SDC = 1.96 * sqrt(2) * SEM that ``posture_check.history`` uses.

Three sources of repeated measurements, each analysed exactly as a saved session is
(:func:`posture_check.analysis.pipeline.analyze_series` on the segment, then the median of each
measure):

* ``real``: the real recording ``../shared/real_media/standing_front.mp4`` (a man standing,
  shifting his weight from side to side, about +/-8 deg of lean with a ~4 s period), the first
  1.5 s (he turns at the start) skipped. Two splits: ``real interleaved`` = 4 "sessions" made of
  every 4th frame, each covering the whole sway like a real 10 s session does (the model's
  noise on real footage of a real person); ``real 2s blocks`` = consecutive 2 s blocks, each
  catching a different phase of the sway (what a too-short recording of a swaying person gives;
  reported, not used for the SDC: a saved session is a median over the whole recording).
* ``samples``: each rendered sample clip of a standing posture (``sample_videos/*_front.mp4`` and
  ``anterior_tilt_side.mp4``) cut into two halves.
* ``rendered``: the same rendered body standing neutral, recorded ``--repeats`` times (1.5 s,
  30 fps) with what changes between two real sessions: the camera put back by hand (distance
  +/- 10 cm, height +/- 5 cm, yaw +/- 3 deg, roll +/- 1 deg, all standard deviations) and the
  person standing again (lean, obliquity +/- 0.3 deg, each foot's turn-out +/- 1.5 deg, pelvic
  tilt +/- 1 deg), plus camera noise; front and right-side views.

SEM of one source = pooled within-group standard deviation sqrt(sum (x - group mean)^2 /
(N - groups)). The SDC table in :mod:`posture_check.history.sdc` takes, per measure, the
largest SEM over the sources used (a change has to beat every noise level we measured).
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

SEGMENT_S = 2.0
SKIP_S = 1.5
REPO = Path(__file__).resolve().parents[2]
REAL_CLIP = REPO.parent / "shared" / "real_media" / "standing_front.mp4"
NOT_USED = ("real 2s blocks",)
SAMPLES = ("standing_neutral_front", "lean_left8_front", "hip_hike_right5_front",
           "foot_turnout_right30_left5_front", "anterior_tilt_side")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeats", type=int, default=6,
                        help="rendered repeats per view (default 6; 0 = skip rendering)")
    parser.add_argument("--seed", type=int, default=11)


def _medians(series, segments: list) -> list[dict[str, float]]:
    from posture_check.analysis.pipeline import analyze_series

    out = []
    for seg in segments:
        sub = series[seg]
        if int(sub.detected.sum()) < 5:
            continue
        with warnings.catch_warnings():  # interleaved frames are too sparse to low-pass
            warnings.simplefilter("ignore", RuntimeWarning)
            res = analyze_series(sub)
        out.append({k: s.median for k, s in res.measures.summary().items()})
    return out


def _segments(t_s: np.ndarray, start_s: float, length_s: float) -> list[slice]:
    t = t_s - t_s[0]
    segs, a = [], start_s
    while a + length_s <= t[-1] + 1e-6:
        idx = np.flatnonzero((t >= a) & (t < a + length_s))
        segs.append(slice(int(idx[0]), int(idx[-1]) + 1))
        a += length_s
    return segs


def pooled_sem(groups: list[list[dict[str, float]]]) -> dict[str, tuple[float, int]]:
    """Measure -> (pooled within-group SD, degrees of freedom) over groups of repeats."""
    names = sorted({k for g in groups for rep in g for k in rep})
    out = {}
    for name in names:
        ss, dof = 0.0, 0
        for g in groups:
            x = np.array([rep.get(name, math.nan) for rep in g], dtype=float)
            x = x[np.isfinite(x)]
            if x.size >= 2:
                ss += float(((x - x.mean()) ** 2).sum())
                dof += x.size - 1
        out[name] = (math.sqrt(ss / dof) if dof else math.nan, dof)
    return out


def real_groups() -> dict[str, list[list[dict[str, float]]]]:
    from posture_check.analysis.pipeline import analyze
    from posture_check.analysis.results import AnalysisOptions

    res = analyze(REAL_CLIP, AnalysisOptions(sampling="full"))  # frame-to-frame model noise
    series = res.series
    t = series.t_s - series.t_s[0]
    keep = np.flatnonzero(t >= SKIP_S)
    interleaved = [keep[k::4] for k in range(4)]
    return {"real interleaved": [_medians(series, interleaved)],
            "real 2s blocks": [_medians(series, _segments(series.t_s, SKIP_S, SEGMENT_S))]}


def sample_groups() -> list[list[dict[str, float]]]:
    from posture_check.analysis.pipeline import analyze

    groups = []
    for name in SAMPLES:
        res = analyze(REPO / "sample_videos" / f"{name}.mp4")
        n = len(res.series)
        groups.append(_medians(res.series, [slice(0, n // 2), slice(n // 2, n)]))
    return groups


def rendered_groups(repeats: int, seed: int) -> list[list[dict[str, float]]]:
    from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
    from posture_check.synth.camera import Camera
    from posture_check.synth.clip import render_frames
    from posture_check.synth.pose import BodyPose
    from posture_check.synth.raster import Appearance
    from posture_check.synth.timeline import Keyframe, Timeline

    rng = np.random.default_rng(seed)
    groups = []
    for yaw in (0.0, 90.0):
        reps = []
        for k in range(repeats):
            pose = BodyPose(lateral_lean_deg=rng.normal(0, 0.3),
                            pelvic_obliquity_deg=rng.normal(0, 0.3),
                            foot_turnout_left_deg=8.0 + rng.normal(0, 1.5),
                            foot_turnout_right_deg=8.0 + rng.normal(0, 1.5),
                            pelvic_tilt_deg=rng.normal(0, 1.0))
            cam = Camera(yaw_deg=yaw + rng.normal(0, 3.0), height_m=1.0 + rng.normal(0, 0.05),
                         distance_m=3.0 + rng.normal(0, 0.10), roll_deg=rng.normal(0, 1.0))
            look = replace(Appearance(), noise_std=3.0, seed=seed * 100 + k)
            tl = Timeline((Keyframe(0.0, pose),), (), duration_s=1.5)
            frames = ((t, rgb) for t, rgb, _ in render_frames(tl, cam, appearance=look, fps=30))
            with PoseEstimator(EstimatorOptions(running_mode="video")) as est:
                series = est.process_frames(frames, source=f"rendered_{yaw:.0f}_{k}")
            reps += _medians(series, [slice(0, len(series))])
        groups.append(reps)
    return groups


def run(args: argparse.Namespace) -> int:
    from posture_check.history.sdc import sdc_from_sem

    t0 = time.perf_counter()
    sources = {**real_groups(), "samples": sample_groups()}
    if args.repeats > 0:
        sources["rendered"] = rendered_groups(args.repeats, args.seed)
    sems = {src: pooled_sem(g) for src, g in sources.items()}
    names = sorted({m for s in sems.values() for m in s})
    print(f"{'measure':24s} " + " ".join(f"{s:>16s}" for s in sems)
          + f" {'SEM used':>9s} {'SDC':>7s}")
    for m in names:
        vals = [sems[s].get(m, (math.nan, 0)) for s in sems]
        finite = [v for (v, _), s in zip(vals, sems, strict=True)
                  if math.isfinite(v) and s not in NOT_USED]
        used = max(finite) if finite else math.nan
        cells = " ".join(f"{v:8.2f} (n-g={d:2d})" if math.isfinite(v) else f"{'-':>16s}"
                         for v, d in vals)
        print(f"{m:24s} {cells} {used:9.2f} {sdc_from_sem(used):7.2f}")
    print(f"({time.perf_counter() - t0:.0f} s; SDC = 1.96 * sqrt(2) * SEM, SEM = the largest "
          f"pooled within-group SD over the sources except {', '.join(NOT_USED)}; columns: "
          "SEM (degrees of freedom))")
    return 0
