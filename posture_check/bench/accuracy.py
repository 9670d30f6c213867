"""Accuracy of the posture measures against exact ground truth from rendered people.

Renders a random grid (uniform draws, fixed seed) of standing people with the renderer
(:mod:`posture_check.synth`): foot turn-out 0-40 deg per side, lateral lean -12..12, pelvic
obliquity -8..8, camera yaw -20..20, camera height 0.8-1.6 m, distance 2.6-3.6 m, body shapes
"default" and "female" alternating; one still frame each, run through the real pose model
(IMAGE mode), then through the measures with each estimator ("naive", "hybrid",
"calibrated"). Prints per measure and estimator: mean absolute error, 95th-percentile error,
sign-correct rate where |truth| >= 3 deg, and the share of renders measured.

The default seed (2) is the *validation* grid: the calibrated coefficients were fitted on a
different grid (seed 1, 2000 renders, :func:`draw_fit_params`: more people near 0-10 deg and
near-symmetric, toe-in included); ``--fit`` re-renders it and prints new coefficients for
:mod:`posture_check.measures.calibration`. Fitting and validation never share renders.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass

import numpy as np

from ..measures import calibration as cal
from ..measures import compute_measures
from ..measures.body_frame import hybrid_block
from ..series import PoseSeries

GOALS = {"lateral_lean": 1.5, "pelvic_obliquity": 1.5, "foot_turnout_left": 4.0,
         "foot_turnout_right": 4.0}
REPORTED = ("lateral_lean", "pelvic_obliquity", "shoulder_tilt", "foot_turnout_left",
            "foot_turnout_right", "foot_turnout_asymmetry")
METHODS = ("naive", "hybrid", "calibrated")
SHAPES = ("default", "female")
FIT_SEED, FIT_N = 1, 2000
VALIDATION_SEED = 2


@dataclass(frozen=True)
class Sample:
    """One rendered case: its landmarks (1-frame PoseSeries), truth and parameters."""

    series: PoseSeries
    truth: dict[str, float]
    params: dict


def draw_params(n: int, seed: int) -> list[dict]:
    """``n`` random grid points (the ranges in the module docstring)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        out.append({
            "pose": {"foot_turnout_left_deg": rng.uniform(0, 40),
                     "foot_turnout_right_deg": rng.uniform(0, 40),
                     "lateral_lean_deg": rng.uniform(-12, 12),
                     "pelvic_obliquity_deg": rng.uniform(-8, 8)},
            "camera": {"yaw_deg": rng.uniform(-20, 20), "height_m": rng.uniform(0.8, 1.6),
                       "distance_m": rng.uniform(2.6, 3.6)},
            "shape": SHAPES[i % len(SHAPES)],
        })
    return out


def draw_fit_params(n: int, seed: int) -> list[dict]:
    """``n`` points of the *fitting* distribution (differs from the validation grid on purpose).

    The validation grid draws each foot uniformly from 0-40 deg, which puts the most common
    real stance (both feet near 0-10 deg, about symmetric) at a corner of the grid, where a
    linear fit extrapolates. The fitting grid therefore draws each foot half the time from
    -10..14 deg (toe-in included) and half the time from 0..42 deg, makes 30% of the people
    near-symmetric (right = left + N(0, 1.5) deg), and covers slightly wider camera ranges
    (yaw -22..22 deg, height 0.75-1.65 m, distance 2.5-3.7 m). Lean and obliquity as the
    validation grid.
    """
    rng = np.random.default_rng(seed)

    def foot() -> float:
        return rng.uniform(-10, 14) if rng.random() < 0.5 else rng.uniform(0, 42)

    out = []
    for i in range(n):
        if rng.random() < 0.3:
            left = foot()
            right = left + rng.normal(0, 1.5)
        else:
            left, right = foot(), foot()
        out.append({
            "pose": {"foot_turnout_left_deg": left, "foot_turnout_right_deg": right,
                     "lateral_lean_deg": rng.uniform(-12, 12),
                     "pelvic_obliquity_deg": rng.uniform(-8, 8)},
            "camera": {"yaw_deg": rng.uniform(-22, 22), "height_m": rng.uniform(0.75, 1.65),
                       "distance_m": rng.uniform(2.5, 3.7)},
            "shape": SHAPES[i % len(SHAPES)],
        })
    return out


def render_samples(params: list[dict], progress: bool = False) -> list[Sample]:
    """Render each grid point and run the real pose model on it."""
    from ..estimator import EstimatorOptions, PoseEstimator
    from ..synth import SHAPES as BODY_SHAPES
    from ..synth import BodyPose, Camera, render_frame

    out: list[Sample] = []
    t0 = time.perf_counter()
    with PoseEstimator(EstimatorOptions(running_mode="image")) as est:
        for i, p in enumerate(params):
            cam = Camera(**p["camera"], body_height_m=BODY_SHAPES[p["shape"]].height_m)
            rgb, truth = render_frame(BodyPose(**p["pose"]), cam, shape=p["shape"])
            out.append(Sample(est.process_image(rgb), dict(truth.measures), p))
            if progress and (i + 1) % 50 == 0:
                print(f"  rendered {i + 1}/{len(params)} ({time.perf_counter() - t0:.0f} s)",
                      flush=True)
    return out


def evaluate(samples: list[Sample], method: str) -> dict[str, dict[str, float]]:
    """Per measure: MAE, p95, sign-correct rate (|truth| >= 3), measured share, n."""
    est = {k: [] for k in REPORTED}
    for s in samples:
        ms = compute_measures(s.series, smoothing=None, method=method)
        for k in REPORTED:
            est[k].append(float(ms.values[k][0]))
    out: dict[str, dict[str, float]] = {}
    for k in REPORTED:
        e = np.array(est[k])
        t = np.array([s.truth[k] for s in samples])
        ok = np.isfinite(e)
        err = np.abs(e - t)[ok]
        big = ok & (np.abs(t) >= 3.0)
        out[k] = {
            "mae": float(err.mean()) if err.size else float("nan"),
            "p95": float(np.percentile(err, 95)) if err.size else float("nan"),
            "sign_correct": float(np.mean(np.sign(e[big]) == np.sign(t[big]))) if big.any()
            else float("nan"),
            "measured": float(ok.mean()),
            "n": int(ok.sum()),
        }
    return out


def fit(samples: list[Sample]) -> dict[str, dict[str, float]]:
    """Refit the calibrated coefficients on ``samples`` (all frames front view)."""
    image = np.concatenate([s.series.image for s in samples])
    world = np.concatenate([s.series.world for s in samples])
    sizes = {s.series.frame_size for s in samples}
    if len(sizes) != 1:
        raise ValueError(f"fit needs one frame size, got {sorted(sizes)}")
    size = sizes.pop()
    blk = hybrid_block(image, world, size)  # the same columns compute_measures feeds to apply
    F = cal.features(blk.px, blk.world, size)
    truth = {k: np.array([s.truth[k] for s in samples]) for k in samples[0].truth}
    return cal.fit_coefficients(F, truth)


def format_table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """Side-by-side table: rows = measures, column groups = estimators."""
    methods = list(results)
    head = f"{'measure':24s}" + "".join(f" | {m:^27s}" for m in methods) + " | goal MAE"
    sub = f"{'':24s}" + "".join(f" | {'MAE':>6s} {'p95':>6s} {'sign':>6s} {'meas':>5s}"
                                for _ in methods) + " |"
    lines = [head, sub, "-" * len(head)]
    for k in REPORTED:
        row = f"{k:24s}"
        for m in methods:
            r = results[m][k]
            row += (f" | {r['mae']:6.2f} {r['p95']:6.2f} {r['sign_correct'] * 100:5.1f}%"
                    f" {r['measured'] * 100:4.0f}%")
        goal = GOALS.get(k)
        if goal is not None:
            cal_mae = results[methods[-1]][k]["mae"]
            row += f" | <= {goal:.1f} {'met' if cal_mae <= goal else 'MISSED'}"
        else:
            row += " |"
        lines.append(row)
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=int, default=300, help="renders in the grid (default 300)")
    parser.add_argument("--seed", type=int, default=VALIDATION_SEED,
                        help=f"grid seed (default {VALIDATION_SEED}: the validation grid)")
    parser.add_argument("--quick", action="store_true", help="40 renders (about 15 s)")
    parser.add_argument("--fit", action="store_true",
                        help=f"render the fitting grid (seed {FIT_SEED}, {FIT_N} renders, "
                        "draw_fit_params) and print refitted calibration coefficients")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_text_atomic

    if args.fit:
        print(f"fitting grid: seed {FIT_SEED}, {FIT_N} renders")
        coef = fit(render_samples(draw_fit_params(FIT_N, FIT_SEED), progress=True))
        for name, c in coef.items():
            print(f"{name} = {json.dumps(c)}")
        return 0
    n = 40 if args.quick else args.n
    if n < 1:
        raise SystemExit("--n must be >= 1")
    print(f"accuracy grid: seed {args.seed}, {n} renders (turn-out 0-40/side, lean -12..12, "
          "obliquity -8..8, yaw -20..20, camera 0.8-1.6 m high, shapes default/female)")
    t0 = time.perf_counter()
    samples = render_samples(draw_params(n, args.seed), progress=True)
    t_render = time.perf_counter() - t0
    results = {m: evaluate(samples, m) for m in METHODS}
    print(format_table(results))
    print("errors in degrees; sign = sign correct where |truth| >= 3 deg; meas = share of "
          f"renders measured (person found, front view). {n} renders, rendering + model "
          f"{t_render:.0f} s.")
    if args.seed == FIT_SEED:
        print("NOTE: this is the fitting grid; calibrated figures here are in-sample.")
    if args.json:
        write_text_atomic(args.json, json.dumps({"seed": args.seed, "n": n,
                                                 "results": results}, indent=2))
    return 0
