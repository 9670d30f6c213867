"""Stretch-form accuracy: verdicts and hold times on rendered clips through the real pose model.

``posture-check bench stretch`` renders stretch clips with the synth API (varied entry speed,
bounce amplitude and frequency, hold length, both side views), runs them in memory through the
MediaPipe estimator (VIDEO mode), analyses them with :func:`posture_check.stretch.analyze_series`
and prints per clip the expected and found verdict and the hold-time error, then the verdict
accuracy and hold-time error over all clips. It also runs a larger grid of synthetic angle series
with MediaPipe-like jitter (no rendering), printed separately and labelled as synthetic.

``--quick`` renders 4 short clips (about a minute on 2 cores); the default set takes a few minutes.
``--synthetic-only`` skips rendering and the model.
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import dataclass, fields, replace

import numpy as np

from posture_check.stretch import analyze_series, analyze_stretch, get_stretch
from posture_check.stretch.catalogue import HOLD_GRACE_S
from posture_check.stretch.form import SEVERITY
from posture_check.synth.stretch_angles import SHAPES, NoiseSpec, RepSpec, hold_truth, make_series


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="4 short rendered clips")
    parser.add_argument("--synthetic-only", action="store_true",
                        help="only the synthetic angle-series grid (no rendering, no model)")
    parser.add_argument("--fps", type=float, default=15.0, help="rendered clip frame rate")
    parser.add_argument("--size", default="360x480", help="rendered frame WIDTHxHEIGHT")
    parser.add_argument("--model", default=None, help="pose landmarker .task (default: built)")


# ---------------------------------------------------------------- expected verdicts
def expected_verdict(stretch: str, depth_deg: float, peak_speed: float, hold_s: float,
                     bounce_amp: float) -> str:
    """The verdict the catalogue's rules give for a clip's true parameters."""
    st = get_stretch(stretch)
    faults = []
    if depth_deg < st.target_deg[0]:
        faults.append("not_reached")
    if bounce_amp >= 4.0:
        faults.append("bouncing")
    if peak_speed > st.max_speed_deg_s:
        faults.append("too_fast")
    if hold_s < st.min_hold_s - HOLD_GRACE_S:
        faults.append("too_short")
    return max(faults, key=SEVERITY.__getitem__) if faults else "good"


def _summary(rows: list[dict], title: str) -> None:
    ok = [r["found"] == r["expected"] for r in rows]
    err = np.array([r["hold_err"] for r in rows if np.isfinite(r["hold_err"])])
    print(f"{title}: verdict accuracy {np.mean(ok) * 100:.1f} % ({sum(ok)}/{len(ok)})")
    if err.size:
        print(f"{title}: hold-time error mean {err.mean():+.2f} s, mean |err| "
              f"{np.abs(err).mean():.2f} s, p95 |err| {np.percentile(np.abs(err), 95):.2f} s, "
              f"max |err| {np.abs(err).max():.2f} s, "
              f"within 1 s {np.mean(np.abs(err) <= 1) * 100:.0f} %")
    verdicts = sorted({r["expected"] for r in rows} | {r["found"] for r in rows})
    head = " ".join(f"{v[:9]:>9}" for v in verdicts)
    print(f"  confusion (rows expected, columns found): {head}")
    for e in verdicts:
        counts = [sum(r["expected"] == e and r["found"] == f for r in rows) for f in verdicts]
        if any(counts):
            print(f"  {e:>40}: " + " ".join(f"{c:>9}" for c in counts))


# ---------------------------------------------------------------- synthetic grid
def synthetic_grid(quick: bool) -> list[dict]:
    rows = []
    speeds = (20.0, 35.0, 100.0, 160.0, 240.0)  # peak deg/s; limit 60
    bounces = ((0.0, 0.0), (2.0, 2.0), (5.0, 1.0), (8.0, 2.0), (6.0, 3.0))
    holds = (8.0, 12.0, 25.0, 35.0)  # min 20 s
    noises = {"1.5 deg": NoiseSpec(1.2, 1.0), "2 deg": NoiseSpec(1.5, 1.3, spike_prob=0.005),
              "2 deg+drops": NoiseSpec(1.5, 1.3, spike_prob=0.005, drop_prob=0.2,
                                       timestamp_jitter_s=0.01)}
    seeds = range(1 if quick else 2)
    for (speed, (amp, hz), hold, (nname, noise), seed) in itertools.product(
            speeds, bounces, holds, noises.items(), seeds):
        depth = 50.0
        entry = np.pi / 2 * depth / speed
        s = make_series([RepSpec(depth_deg=depth, entry_s=entry, hold_s=hold, exit_s=3.0,
                                 bounce_amp_deg=amp, bounce_hz=hz)], noise=noise, seed=seed)
        a = analyze_stretch(s.t_s, s.angle_deg, "standing_hamstring")
        rep = a.repetitions[0] if a.repetitions else None
        rows.append({
            "expected": expected_verdict("standing_hamstring", depth, speed, hold, amp),
            "found": a.verdict, "noise": nname,
            "hold_err": rep.hold_s - hold if rep is not None and len(a.repetitions) == 1
            else float("nan"),
        })
    return rows


# ---------------------------------------------------------------- ramp shapes
SHAPE_HOLDS = (10.0, 20.0, 32.0)
SHAPE_ENTRIES = (2.0, 4.0)


def shape_grid(quick: bool) -> list[dict]:
    """Hold-time error per ramp shape
    (:data:`~posture_check.synth.stretch_angles.SHAPES`): every shape x hold length x entry
    time x noise x seed, slow enough to be "good" or "too_short"."""
    noises = {"1.5 deg": NoiseSpec(1.2, 1.0), "2 deg": NoiseSpec(1.5, 1.3, spike_prob=0.005)}
    rows = []
    for shape, hold, entry, (nname, noise), seed in itertools.product(
            SHAPES, SHAPE_HOLDS, SHAPE_ENTRIES, noises.items(), range(1 if quick else 3)):
        s = make_series([RepSpec(depth_deg=50.0, entry_s=entry * 1.5 if shape == "fast_slow"
                                 or shape == "corrections" else entry, hold_s=hold,
                                 exit_s=entry, shape=shape)], noise=noise, seed=seed)
        a = analyze_stretch(s.t_s, s.angle_deg, "standing_hamstring")
        one = len(a.repetitions) == 1
        rep = a.repetitions[0] if one else None
        err_def = float("nan")
        if rep is not None:  # the definition with the band this analysis used
            t0, t1 = hold_truth(s.t_s, s.clean_deg - 2.0, 50.0, 0.0, 0.0, s.t_s[-1] + 1,
                                rep.hold_band_deg)
            err_def = rep.hold_s - (t1 - t0)
        rows.append({"shape": shape, "noise": nname, "hold": hold, "err_def": err_def,
                     "err_nominal": rep.hold_s - hold if one else float("nan"),
                     "def_minus_nominal": s.hold_truth_s[0] - hold})
    return rows


def live_shape_grid(quick: bool) -> dict[str, np.ndarray]:
    """Per ramp shape: the live checker's hold (:class:`~posture_check.stretch.online.
    OnlineStretchChecker`, frame by frame, as the live page runs it) minus the hold by
    definition on the clean series (s), over the same grid as :func:`shape_grid`."""
    from posture_check.stretch.online import finished_holds

    noises = (NoiseSpec(1.2, 1.0), NoiseSpec(1.5, 1.3, spike_prob=0.005))
    out: dict[str, list[float]] = {shape: [] for shape in SHAPES}
    for shape, hold, entry, noise, seed in itertools.product(
            SHAPES, SHAPE_HOLDS, SHAPE_ENTRIES, noises, range(1 if quick else 3)):
        s = make_series([RepSpec(depth_deg=50.0, entry_s=entry * 1.5 if shape == "fast_slow"
                                 or shape == "corrections" else entry, hold_s=hold,
                                 exit_s=entry, shape=shape)], noise=noise, seed=seed)
        holds = finished_holds(s.t_s, s.angle_deg, "standing_hamstring")
        out[shape].append(max(holds) - s.hold_truth_s[0] if holds else float("nan"))
    return {k: np.array(v) for k, v in out.items()}


def _shape_summary(rows: list[dict]) -> None:
    print(f"  {'shape':<12} {'n':>3} {'def-nominal s':>14} {'err vs def: mean':>17} "
          f"{'mean|err|':>9} {'max|err|':>8} {'<=1 s':>6} {'err vs nominal: mean':>21} "
          f"{'max|err|':>8}")
    for shape in SHAPES:
        r = [x for x in rows if x["shape"] == shape]
        e = np.array([x["err_def"] for x in r])
        en = np.array([x["err_nominal"] for x in r])
        dn = np.array([x["def_minus_nominal"] for x in r])
        ok = np.isfinite(e)
        print(f"  {shape:<12} {len(r):>3} {np.mean(dn):>+14.2f} {np.nanmean(e):>+17.2f} "
              f"{np.nanmean(np.abs(e)):>9.2f} {np.nanmax(np.abs(e)):>8.2f} "
              f"{np.mean(np.abs(e[ok]) <= 1.0) * 100 * ok.mean():>5.0f}% "
              f"{np.nanmean(en):>+21.2f} {np.nanmax(np.abs(en)):>8.2f}")


# ---------------------------------------------------------------- rendered clips
@dataclass(frozen=True)
class ClipCase:
    """One rendered stretch clip: timing (s), bounce, camera yaw and ramp shape (degrees)."""

    name: str
    stretch: str
    move_in_s: float
    hold_s: float
    move_out_s: float = 3.0
    bounce_amp: float = 0.0
    bounce_hz: float = 2.0
    yaw_deg: float = 90.0
    peak_trunk_deg: float = 70.0  # hamstring hinge depth
    shape: str = "cosine"  # ramp shape (stretch.synthetic.SHAPES); "cosine" = the renderer's own


def clip_cases(quick: bool) -> list[ClipCase]:
    quick_cases = [
        ClipCase("ham_good", "standing_hamstring", 4.0, 22.0),
        ClipCase("ham_bounce8_2hz", "standing_hamstring", 4.0, 15.0, bounce_amp=8.0),
        ClipCase("ham_short12", "standing_hamstring", 4.0, 12.0, yaw_deg=-90.0),
        ClipCase("ham_rushed", "standing_hamstring", 0.5, 21.0),
        ClipCase("ham_linear_10", "standing_hamstring", 3.0, 10.0, shape="linear"),
    ]
    if quick:
        return quick_cases
    return [
        *quick_cases,
        ClipCase("ham_good_30_left_view", "standing_hamstring", 5.0, 30.0, yaw_deg=-90.0),
        ClipCase("ham_bounce5_1hz", "standing_hamstring", 4.0, 20.0, bounce_amp=5.0,
                 bounce_hz=1.0),
        ClipCase("ham_fast1s", "standing_hamstring", 1.0, 22.0, yaw_deg=-90.0),
        ClipCase("ham_shallow50_short16", "standing_hamstring", 3.0, 16.0, peak_trunk_deg=50.0),
        ClipCase("ham_linear_32", "standing_hamstring", 4.0, 32.0, shape="linear"),
        ClipCase("ham_fast_slow_20", "standing_hamstring", 5.0, 20.0, shape="fast_slow"),
        ClipCase("ham_overshoot_20", "standing_hamstring", 3.0, 20.0, shape="overshoot"),
        ClipCase("ham_corrections_25", "standing_hamstring", 5.0, 25.0, shape="corrections"),
        ClipCase("hipflexor_good", "hip_flexor_opener", 4.0, 25.0, yaw_deg=-90.0),
        ClipCase("hipflexor_short10", "hip_flexor_opener", 3.0, 10.0, yaw_deg=-90.0),
    ]


def blend_pose(start, peak, u: float):
    """The renderer pose a fraction ``u`` of the way from ``start`` to ``peak`` (numeric fields
    interpolated, ``u`` > 1 extrapolates: an overshoot)."""
    a, b = start.to_dict(), peak.to_dict()
    num = {f.name for f in fields(start) if isinstance(a[f.name], float)
           and isinstance(b[f.name], float)}
    return replace(start, **{k: (1 - u) * a[k] + u * b[k] for k in num})


def shaped_timeline(start, peak, shape: str, *, name: str, angle: str, side: str = "both",
                    rest_s: float = 2.0, move_in_s: float = 4.0, hold_s: float = 30.0,
                    move_out_s: float = 3.0, rest_after_s: float = 2.0, step_s: float = 0.2):
    """A rendered stretch whose entry, hold and exit follow ramp shape ``shape`` of
    :data:`~posture_check.synth.stretch_angles.SHAPES` (the same profile as the synthetic angle
    series, incl. overshoot settle and hold corrections): linear keyframes every ``step_s``.
    Returns a :class:`~posture_check.synth.StretchPlan` like :func:`stretch_timeline`."""
    from posture_check.synth.stretch_angles import DEPTH_UNIT_DEG, shape_fraction
    from posture_check.synth.timeline import Keyframe, StretchPlan, Timeline

    total = rest_s + move_in_s + hold_s + move_out_s + rest_after_s
    t = np.round(np.arange(0.0, total + 1e-9, step_s), 6)
    t = np.unique(np.concatenate([t, [rest_s, rest_s + move_in_s, rest_s + move_in_s + hold_s,
                                      rest_s + move_in_s + hold_s + move_out_s, total]]))
    frac = shape_fraction(t, shape, rest_s, move_in_s, hold_s, move_out_s)
    keys = tuple(Keyframe(float(ti), blend_pose(start, peak, float(u)), "linear")
                 for ti, u in zip(t, frac, strict=True))
    b = rest_s + move_in_s
    c = b + hold_s
    d = c + move_out_s
    phases = [{"phase": "rest", "t0_s": 0.0, "t1_s": rest_s},
              {"phase": "moving_in", "t0_s": rest_s, "t1_s": b},
              {"phase": "holding", "t0_s": b, "t1_s": c},
              {"phase": "moving_out", "t0_s": c, "t1_s": d},
              {"phase": "rest", "t0_s": d, "t1_s": total}]
    label = {"name": name, "side": side, "angle": angle, "hold_s": float(hold_s),
             "expected_verdict": "good", "reps": 1, "move_in_s": float(move_in_s),
             "move_out_s": float(move_out_s), "bounce_amplitude_deg": 0.0, "bounce_hz": 0.0,
             "phases": phases, "ramp_shape": shape, "shape_depth_unit_deg": DEPTH_UNIT_DEG}
    return StretchPlan(Timeline(keys, duration_s=total), label)


def _plan(case: ClipCase):
    from posture_check.synth import HINGE_PEAK, STANDING, stretch_timeline
    from posture_check.synth.samples import LUNGE_PEAK, LUNGE_START

    common = dict(rest_s=2.0, rest_after_s=2.0, move_in_s=case.move_in_s, hold_s=case.hold_s,
                  move_out_s=case.move_out_s)
    if case.bounce_amp:
        field = "trunk_flexion_deg" if case.stretch == "standing_hamstring" else "pelvis_forward_m"
        common.update(bounce_field=field, bounce_amplitude=case.bounce_amp,
                      bounce_hz=case.bounce_hz)
    if case.stretch == "standing_hamstring":
        peak = replace(HINGE_PEAK, trunk_flexion_deg=case.peak_trunk_deg)
        if case.shape != "cosine":
            return shaped_timeline(STANDING, peak, case.shape, name=case.stretch,
                                   angle="trunk_flexion", **{k: v for k, v in common.items()
                                                             if not k.startswith("bounce")}
                                   ), "both"
        return stretch_timeline(STANDING, peak, name=case.stretch, angle="trunk_flexion",
                                side="both", **common), "both"
    return stretch_timeline(LUNGE_START, LUNGE_PEAK, name=case.stretch, angle="hip_flexion_right",
                            side="right", **common), "right"


def _phase(plan, name: str) -> tuple[float, float]:
    ph = next(p for p in plan.label["phases"] if p["phase"] == name)
    return ph["t0_s"], ph["t1_s"]


def run_clip(case: ClipCase, est, fps: float, size: tuple[int, int]) -> dict:
    from posture_check.synth import Camera, render_frames

    plan, side = _plan(case)
    cam = Camera(yaw_deg=case.yaw_deg, height_m=1.0, distance_m=3.2, fov_deg=50.0,
                 width=size[0], height=size[1])
    truth_angle = []

    def frames():
        for t, rgb, truth in render_frames(plan.timeline, cam, fps=fps):
            truth_angle.append(truth.measures[plan.label["angle"]])
            yield t, rgb

    series = est.process_frames(frames())
    a = analyze_series(series, case.stretch, side=side)
    st = get_stretch(case.stretch)
    truth = np.asarray(truth_angle)
    depth_true = float(np.max(st.direction * truth))
    t = series.t_s[:truth.size]
    speed = np.abs(np.diff(truth)) / np.diff(t) if truth.size > 1 else np.zeros(1)
    moving = np.zeros(speed.size, bool)  # true peak speed while moving in or out (no bounce)
    for ph in plan.label["phases"]:
        if ph["phase"] in ("moving_in", "moving_out"):
            moving |= (t[1:] > ph["t0_s"]) & (t[:-1] < ph["t1_s"])
    speed_true = float(np.max(speed[moving])) if moving.any() else 0.0
    exp = expected_verdict(case.stretch, depth_true, speed_true, case.hold_s, case.bounce_amp)
    reps = a.repetitions
    err_def = float("nan")
    if len(reps) == 1:  # the hold by definition on the true angle, with the band the analysis used
        depth = st.direction * truth
        h0, h1 = _phase(plan, "holding")
        plateau = float(np.median(depth[(t >= h0) & (t <= h1)]))
        t0, t1 = hold_truth(t, depth, plateau, float(depth[0]), 0.0, t[-1] + 1.0,
                            reps[0].hold_band_deg)
        err_def = reps[0].hold_s - (t1 - t0)
    return {
        "clip": case.name, "expected": exp, "found": a.verdict, "shape": case.shape,
        "hold_true": case.hold_s, "reps": len(reps), "hold_err_def": err_def,
        "hold_err": reps[0].hold_s - case.hold_s if len(reps) == 1 else float("nan"),
        "angle_true": float(st.direction * depth_true),
        "angle_found": reps[0].angle_reached_deg if reps else float("nan"),
        "speed_true": speed_true,
        "speed_found": reps[0].entry_peak_speed_deg_s if reps else float("nan"),
        "bounce_found": reps[0].bounce_amplitude_deg if reps else float("nan"),
        "detected": float(np.mean(series.detected)), "frames": len(series),
    }


def run(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    rows = synthetic_grid(args.quick)
    print(f"SYNTHETIC angle series (no rendering, MediaPipe-like jitter), {len(rows)} series, "
          f"standing_hamstring rules:")
    for nname in sorted({r["noise"] for r in rows}):
        _summary([r for r in rows if r["noise"] == nname], f"  synthetic {nname}")
    shapes = shape_grid(args.quick)
    print(f"\nHOLD TIME per ramp shape (synthetic, 50 deg, holds {SHAPE_HOLDS} s, "
          f"{len(shapes)} series; 'def' = the hold by definition on the clean series, "
          "'nominal' = the generator's ramp/hold boundaries):")
    _shape_summary(shapes)
    live = live_shape_grid(args.quick)
    print("  live checker (frame by frame, as the live page; the hold is timed at the release by "
          "the same definition), hold minus the definition on the clean series:")
    for shape, e in live.items():
        print(f"  {shape:<12} {len(e):>3} mean {np.nanmean(e):+.2f} s, mean|err| "
              f"{np.nanmean(np.abs(e)):.2f}, max|err| {np.nanmax(np.abs(e)):.2f}, "
              f"<=1 s {np.mean(np.abs(e) <= 1.0) * 100:.0f}%, no hold {int(np.isnan(e).sum())}")
    print(f"  ({time.perf_counter() - t0:.1f} s)")
    if args.synthetic_only:
        return 0
    from posture_check.pose.estimator import EstimatorOptions, PoseEstimator

    w, h = (int(v) for v in args.size.lower().split("x"))
    cases = clip_cases(args.quick)
    print(f"\nRENDERED clips through the real pose model ({len(cases)} clips, {w}x{h}, "
          f"{args.fps:g} fps):")
    print(f"  {'clip':<24} {'shape':>11} {'expected':>11} {'found':>11} {'reps':>4} {'hold':>5} "
          f"{'err s':>6} {'vs def':>6} "
          f"{'angle true/found':>17} {'peak deg/s true/found':>22} {'bounce':>6} {'det':>4}")
    out = []
    for case in cases:
        t1 = time.perf_counter()
        with PoseEstimator(EstimatorOptions(model_path=args.model, running_mode="video",
                                            num_poses=1)) as est:
            r = run_clip(case, est, args.fps, (w, h))
        out.append(r)
        print(f"  {r['clip']:<24} {r['shape']:>11} {r['expected']:>11} {r['found']:>11} "
              f"{r['reps']:>4} {r['hold_true']:>5.0f} {r['hold_err']:>+6.2f} "
              f"{r['hold_err_def']:>+6.2f} "
              f"{r['angle_true']:>8.1f}/{r['angle_found']:<8.1f} "
              f"{r['speed_true']:>10.0f}/{r['speed_found']:<11.0f} {r['bounce_found']:>6.1f} "
              f"{r['detected']:>4.2f}  ({time.perf_counter() - t1:.0f} s)", flush=True)
    _summary(out, "  rendered")
    print("  rendered hold-time error per ramp shape (found - nominal keyframes / - definition):")
    for shape in dict.fromkeys(r["shape"] for r in out):
        e = [r["hold_err"] for r in out if r["shape"] == shape]
        ed = [r["hold_err_def"] for r in out if r["shape"] == shape]
        print(f"    {shape:<12} n={len(e):<2} vs nominal mean {np.nanmean(e):+.2f} s, max |err| "
              f"{np.nanmax(np.abs(e)):.2f} s; vs definition mean {np.nanmean(ed):+.2f} s, "
              f"max |err| {np.nanmax(np.abs(ed)):.2f} s")
    print(f"total {time.perf_counter() - t0:.0f} s")
    return 0
