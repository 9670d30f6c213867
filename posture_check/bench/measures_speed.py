"""Speed of the measures: one hour of 30 fps landmarks (108,000 frames), vectorized vs per frame.

Times, on the same series in one run:

1. the full product path: ``compute_measures`` (calibrated, gated, zero-phase smoothed) plus
   ``evaluate_findings``; best of ``--repeat`` runs (goal < 100 ms);
2. the same measure definitions ("hybrid" geometry: lean, shift, obliquity, shoulder tilt, head
   shift, turn-out, knee/hip/trunk flexion) vectorized over frames, without gating/smoothing;
3. those definitions computed frame by frame in plain Python (:func:`frame_measures_python`),
   checked equal to (2) (goal: (2) at least 50x faster than (3)).

The series is a stick figure (:mod:`posture_check.synth.stick_figures`) with 300 different
postures tiled to an hour, plus landmark noise.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np

from posture_check.measures import compute_measures, evaluate_findings
from posture_check.measures.body_frame import SCALE_SEGMENTS, hybrid_block
from posture_check.measures.columns import BLOCK
from posture_check.measures.kernel import raw_measures
from posture_check.pose.landmarks import Landmark as L
from posture_check.pose.series import PoseSeries
from posture_check.synth.stick_figures import StickPose, SyntheticCamera, synthetic_series

PY_MEASURES = ("lateral_lean", "lateral_shift_cm", "pelvic_obliquity", "shoulder_tilt",
               "head_shift_cm", "foot_turnout_left", "foot_turnout_right", "knee_flexion_left",
               "knee_flexion_right", "hip_flexion_left", "hip_flexion_right", "trunk_flexion")


def hour_series(n_frames: int = 108_000, fps: float = 30.0, seed: int = 0) -> PoseSeries:
    """A stick-figure series of ``n_frames`` (300 distinct postures tiled, with pixel noise)."""
    rng = np.random.default_rng(seed)
    poses = [StickPose(lateral_lean=rng.uniform(-6, 6), pelvic_obliquity=rng.uniform(-4, 4),
                       foot_turnout_left=rng.uniform(0, 30), foot_turnout_right=rng.uniform(0, 30),
                       shoulder_tilt=rng.uniform(-3, 3)) for _ in range(300)]
    base = synthetic_series(poses, SyntheticCamera(height_m=1.2), fps=fps)
    reps = -(-n_frames // len(base))
    idx = np.tile(np.arange(len(base)), reps)[:n_frames]
    image = base.image[idx] + rng.normal(0, 0.0005, (n_frames, 33, 3)).astype(np.float32)
    world = base.world[idx] + rng.normal(0, 0.003, (n_frames, 33, 3)).astype(np.float32)
    return PoseSeries(image, world, base.visibility[idx], base.presence[idx],
                      np.arange(n_frames) / fps, base.frame_size, source="hour-synthetic")


# ------------------------------------------------------------------ per-frame Python reference
def _sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _unit(a):
    n = math.sqrt(_dot(a, a))
    return (a[0] / n, a[1] / n, a[2] / n) if n > 1e-12 else (math.nan,) * 3


def _mid(a, b):
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2)


def _deg(y, x):
    return math.degrees(math.atan2(y, x))


def frame_measures_python(px: list, world: list, pitch_deg: float) -> dict[str, float]:
    """The "hybrid" definitions for ONE frame in plain Python (lists of 33 [x, y(, z)])."""
    ratios = []
    for a, b in SCALE_SEGMENTS:
        dw = _sub(world[b], world[a])
        lp = math.hypot(px[b][0] - px[a][0], px[b][1] - px[a][1])
        if lp > 1.0:
            ratios.append(math.hypot(dw[0], dw[1]) / lp)
    s = statistics.median(ratios)
    lh, rh = px[L.LEFT_HIP], px[L.RIGHT_HIP]
    mh = ((lh[0] + rh[0]) / 2, (lh[1] + rh[1]) / 2)
    P = [((p[0] - mh[0]) * s, (p[1] - mh[1]) * s, w[2]) for p, w in zip(px, world, strict=True)]
    p = math.radians(pitch_deg)
    U = (0.0, -math.cos(p), -math.sin(p))
    h = _sub(P[L.RIGHT_HIP], P[L.LEFT_HIP])
    hu = _dot(h, U)
    R = _unit((h[0] - hu * U[0], h[1] - hu * U[1], h[2] - hu * U[2]))
    F = _cross(U, R)
    t = _sub(_mid(P[L.LEFT_SHOULDER], P[L.RIGHT_SHOULDER]), _mid(P[L.LEFT_HIP], P[L.RIGHT_HIP]))
    sh = _sub(P[L.RIGHT_SHOULDER], P[L.LEFT_SHOULDER])
    head = _sub(_mid(P[L.LEFT_EAR], P[L.RIGHT_EAR]), _mid(P[L.LEFT_HIP], P[L.RIGHT_HIP]))
    out = {"lateral_lean": _deg(_dot(t, R), _dot(t, U)), "lateral_shift_cm": _dot(t, R) * 100,
           "pelvic_obliquity": _deg(_dot(h, U), _dot(h, R)),
           "shoulder_tilt": _deg(_dot(sh, U), _dot(sh, R)), "head_shift_cm": _dot(head, R) * 100,
           "trunk_flexion": _deg(_dot(t, F), _dot(t, U))}
    for side, sg in (("left", -1.0), ("right", 1.0)):
        up = side.upper()
        f = _sub(P[L[f"{up}_FOOT_INDEX"]], P[L[f"{up}_HEEL"]])
        fu = _dot(f, U)
        f = (f[0] - fu * U[0], f[1] - fu * U[1], f[2] - fu * U[2])
        out[f"foot_turnout_{side}"] = _deg(sg * _dot(f, R), _dot(f, F))
        hip, knee, ankle = P[L[f"{up}_HIP"]], P[L[f"{up}_KNEE"]], P[L[f"{up}_ANKLE"]]
        a, b = _sub(hip, knee), _sub(ankle, knee)
        c = _cross(a, b)
        out[f"knee_flexion_{side}"] = 180.0 - _deg(math.sqrt(_dot(c, c)), _dot(a, b))
        k = _sub(knee, hip)
        d_f, d_u, k_f, k_u = -_dot(t, F), -_dot(t, U), _dot(k, F), _dot(k, U)
        out[f"hip_flexion_{side}"] = _deg(d_f * k_u - d_u * k_f, d_f * k_f + d_u * k_u)
    return out


def _best(fn, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames", type=int, default=108_000,
                        help="frames in the series (default 108000 = 1 h at 30 fps)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs, best kept (default 3)")


def run(args: argparse.Namespace) -> int:
    if args.frames < 10 or args.repeat < 1:
        raise SystemExit("--frames must be >= 10 and --repeat >= 1")
    s = hour_series(args.frames)
    n = len(s)
    print(f"series: {n} frames ({n / 30 / 60:.1f} min at 30 fps)")

    def full() -> None:
        evaluate_findings(compute_measures(s, smoothing="zero_phase"))

    t_full = _best(full, args.repeat)
    pitch = 5.0

    def vec() -> dict:
        parts = []
        for a in range(0, n, BLOCK):
            blk = hybrid_block(s.image[a:a + BLOCK], s.world[a:a + BLOCK], s.frame_size)
            parts.append(raw_measures(blk, s.frame_size, method="hybrid", pitch_deg=pitch))
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    t_vec = _best(vec, args.repeat)
    vals = vec()
    px_l, w_l = s.image_px().tolist(), s.world.astype(np.float64).tolist()
    t0 = time.perf_counter()
    py = [frame_measures_python(px_l[i], w_l[i], pitch) for i in range(n)]
    t_py = time.perf_counter() - t0
    worst = max(float(np.nanmax(np.abs(vals[k] - np.array([r[k] for r in py]))))
                for k in PY_MEASURES)
    print(f"{'path':58s} {'time':>10s} {'per frame':>11s}")
    print(f"{'compute_measures (calibrated, gated, zero-phase) + findings':58s} "
          f"{t_full * 1e3:8.1f} ms {t_full / n * 1e6:8.2f} us")
    print(f"{'definitions, vectorized (numpy)':58s} {t_vec * 1e3:8.1f} ms "
          f"{t_vec / n * 1e6:8.2f} us")
    print(f"{'definitions, frame by frame (plain Python)':58s} {t_py * 1e3:8.1f} ms "
          f"{t_py / n * 1e6:8.2f} us")
    print(f"full path goal < 100 ms: {'met' if t_full < 0.1 else 'MISSED'} ({t_full * 1e3:.1f} ms)")
    print(f"vectorized vs per-frame: {t_py / t_vec:.0f}x faster (goal >= 50x: "
          f"{'met' if t_py / t_vec >= 50 else 'MISSED'}); same results within {worst:.1e} deg/cm")
    return 0
