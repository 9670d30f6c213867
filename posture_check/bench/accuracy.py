"""Accuracy of the posture measures on rendered people, in family and out of family.

Scenes come from :mod:`posture_check.bench.scenes`: each of three axes (body shape, clothes and
light, camera) has a *fit* family and a *held-out* family with values outside the fit ranges
(older, heavier, slimmer, shorter and taller bodies with other proportions; long dark or
low-contrast clothes and other light; camera yaw 12-25 deg, roll -6..6, heights, distances and
fields of view outside the fit ranges). One still frame per scene goes through the real pose
model (IMAGE mode) twice, on the frame and on its mirror image, so every estimator can be read
with and without flip averaging (:mod:`posture_check.pose.flip`) from the same model runs.

Sets (``SETS``; name, seed, size, family per axis):

* ``fit``: what :mod:`posture_check.measures.calibration` may learn from (``--fit``);
* ``in_family``: fresh scenes of the fit family (the figure most projects report);
* ``held_body``, ``held_clothes``, ``held_camera``: one axis held out at a time;
* ``held_all``: every axis held out at once: **the headline figures**;
* ``held_print``: the fit family with bold prints on the clothes in a cluttered room (blocks of
  colour on the wall): busy footage, against ``in_family``'s plain clothes and walls;
  ``held_all_print``: the same prints and clutter with held-out bodies and cameras, against
  ``held_all``;
* ``interval_cal``: more scenes of the ``held_all`` families (another seed), used to set the
  90% interval widths (:mod:`posture_check.measures.uncertainty`, ``--intervals``), so that the
  interval coverage printed for ``held_all`` is measured on scenes it never saw;
* ``side_in_family``, ``side_held_all``, ``side_interval_cal``: the same for side views and the
  sagittal measures (trunk flexion, hip and knee flexion), which have no fitted part and so no
  fit set.

Per measure and estimator it prints MAE, 95th-percentile error, sign-correct rate where
|truth| >= 3 deg, the share of scenes measured, and the coverage of the 90% interval
(:mod:`posture_check.measures.uncertainty`). The estimator kept for each measure is the one with
the lowest held-out MAE among those that are never worse than the naive reading out of family
(:data:`posture_check.measures.specs.ESTIMATOR`).

Renders are cached (``--cache DIR``, default ``<user cache>/bench-accuracy``) keyed by set and
code version, so re-running after a change to the measures costs seconds, not minutes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from posture_check.bench.scenes import AXES, Scene, draw_scenes
from posture_check.measures import calibration as cal
from posture_check.measures import compute_measures
from posture_check.measures.body_frame import hybrid_block
from posture_check.pose.flip import average_with_mirror, unmirror
from posture_check.pose.series import PoseSeries

GOALS = {"lateral_lean": 1.0, "pelvic_obliquity": 2.0, "foot_turnout_left": 4.0,
         "foot_turnout_right": 4.0}
REPORTED = ("lateral_lean", "pelvic_obliquity", "shoulder_tilt", "foot_turnout_left",
            "foot_turnout_right", "foot_turnout_asymmetry")
# pelvic_tilt is not among them: its proxy (the trunk-thigh angle) is compared only with the
# person's own baseline, never with a true pelvis angle, which BlazePose cannot see
SIDE_REPORTED = ("trunk_flexion", "hip_flexion_left", "hip_flexion_right", "knee_flexion_left",
                 "knee_flexion_right")
METHODS = ("naive", "hybrid", "calibrated")
# a spirit-level app reads a phone's roll to about a degree (the "given" roll's interval term,
# uncertainty.ROLL_HALF_WIDTH_90["given"], is 1.0)
GIVEN_ROLL_ERROR_DEG = 1.0


@dataclass(frozen=True)
class SetSpec:
    """A set of rendered scenes: its name, random seed, size and body/clothes/camera family."""

    name: str
    seed: int
    n: int
    family: dict[str, str]
    view: str = "front"

    @property
    def reported(self) -> tuple[str, ...]:
        """The measures this set validates (frontal ones, or sagittal ones for side views)."""
        return REPORTED if self.view == "front" else SIDE_REPORTED


def _fam(body: str, clothes: str, camera: str) -> dict[str, str]:
    return {"body": body, "clothes": clothes, "camera": camera}


SETS: dict[str, SetSpec] = {s.name: s for s in (
    SetSpec("fit", 1, 1200, _fam("fit", "fit", "fit")),
    SetSpec("in_family", 2, 200, _fam("fit", "fit", "fit")),
    SetSpec("held_body", 3, 200, _fam("held", "fit", "fit")),
    SetSpec("held_clothes", 4, 200, _fam("fit", "held", "fit")),
    SetSpec("held_camera", 5, 200, _fam("fit", "fit", "held")),
    SetSpec("held_all", 6, 300, _fam("held", "held", "held")),
    SetSpec("interval_cal", 7, 300, _fam("held", "held", "held")),
    SetSpec("held_print", 8, 200, _fam("fit", "print", "fit")),
    SetSpec("held_all_print", 9, 300, _fam("held", "print", "held")),
    SetSpec("side_in_family", 12, 150, _fam("fit", "fit", "fit"), "side"),
    SetSpec("side_held_all", 16, 200, _fam("held", "held", "held"), "side"),
    SetSpec("side_interval_cal", 17, 200, _fam("held", "held", "held"), "side"),
)}
_CACHE_VERSION = 2
_SIDE_CACHE_VERSION = 3  # 3: side views include split stances (scenes.SPLIT_STANCE_SHARE)


@dataclass(frozen=True, eq=False)
class Samples:
    """Rendered scenes of one set, as arrays: model output on the frame (``plain``) and on its
    mirror mapped back (``mirror``), each ``(N, 33, 3)`` / ``(N, 33)``; truth per measure
    ``(N,)``; camera parameters ``(N,)``; ``frame_size``."""

    plain: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    mirror: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    truth: dict[str, np.ndarray]
    camera: dict[str, np.ndarray]
    frame_size: tuple[int, int]
    roll_estimate: np.ndarray  # (N,) camera roll from the scene (measures' sign), NaN = none

    def __len__(self) -> int:
        return int(self.plain[0].shape[0])

    def series(self, flip: bool) -> PoseSeries:
        """All scenes as one PoseSeries (one frame each, 1 s apart: never smoothed)."""
        arrays = average_with_mirror(self.plain, self.mirror) if flip else self.plain
        n = len(self)
        return PoseSeries(*arrays, np.arange(n, dtype=float), self.frame_size, "bench",
                          {"flip_average": flip})


def _render_chunk(scenes: list[Scene]) -> dict[str, np.ndarray]:
    from posture_check.measures.body_frame import estimate_pitch_deg
    from posture_check.measures.camera_roll import estimate_roll_deg
    from posture_check.pose.estimator import EstimatorOptions, PoseEstimator
    from posture_check.synth import render_frame

    rows: dict[str, list] = {k: [] for k in ("img", "wld", "vis", "pre", "mimg", "mwld", "mvis",
                                             "mpre", "truth", "cam", "roll")}
    with PoseEstimator(EstimatorOptions(running_mode="image", num_poses=1)) as est:
        for sc in scenes:
            rgb, truth = render_frame(sc.pose, sc.camera, sc.shape, sc.appearance)
            a = est.process_image(rgb)
            b = est.process_image(np.ascontiguousarray(rgb[:, ::-1]))
            mb = unmirror(b.image, b.world, b.visibility, b.presence)
            for key, arr in zip(("img", "wld", "vis", "pre"),
                                (a.image, a.world, a.visibility, a.presence), strict=True):
                rows[key].append(arr[0])
            for key, arr in zip(("mimg", "mwld", "mvis", "mpre"), mb, strict=True):
                rows[key].append(arr[0])
            # camera roll from the scene's lines, perspective-corrected with the body's pitch
            both = average_with_mirror((a.image, a.world, a.visibility, a.presence), mb)
            pitch = float(estimate_pitch_deg(both[1])[0])
            px = both[0][0, :, :2] * np.array(a.frame_size)
            roll = estimate_roll_deg(rgb, px, pitch if np.isfinite(pitch) else 0.0).roll_deg
            rows["roll"].append(np.nan if roll is None else roll)
            rows["truth"].append(dict(truth.measures))
            rows["cam"].append({"yaw_deg": sc.camera.yaw_deg, "height_m": sc.camera.height_m,
                                "distance_m": sc.camera.distance_m, "fov_deg": sc.camera.fov_deg,
                                "roll_deg": sc.camera.roll_deg})
    out = {k: np.stack(rows[k]) for k in ("img", "wld", "vis", "pre", "mimg", "mwld", "mvis",
                                           "mpre", "roll")}
    for key in rows["truth"][0]:
        out[f"truth_{key}"] = np.array([t[key] for t in rows["truth"]])
    for key in rows["cam"][0]:
        out[f"cam_{key}"] = np.array([c[key] for c in rows["cam"]])
    return out


def default_cache() -> Path:
    from posture_check.pose.wheels import cache_dir

    return cache_dir() / "bench-accuracy"


def render_set(spec: SetSpec, cache: Path | None = None, workers: int = 2,
               progress: bool = False) -> Samples:
    """Render (or load from ``cache``) the scenes of ``spec`` through the real pose model."""
    from posture_check.atomic import atomic_path

    path = None
    if cache is not None:
        version = _CACHE_VERSION if spec.view == "front" else _SIDE_CACHE_VERSION
        key = f"{spec.name}-s{spec.seed}-n{spec.n}-v{version}.npz"
        path = Path(cache) / key
        if path.is_file():
            with np.load(path, allow_pickle=False) as z:
                return _samples({k: z[k] for k in z.files})
    scenes = draw_scenes(spec.n, spec.seed, spec.family, spec.view)
    size = scenes[0].camera.size
    t0 = time.perf_counter()
    chunks = [scenes[i::max(workers, 1) * 4] for i in range(max(workers, 1) * 4)]
    parts = []
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            for i, part in enumerate(pool.map(_render_chunk, chunks)):
                parts.append(part)
                if progress:
                    print(f"  {spec.name}: chunk {i + 1}/{len(chunks)} "
                          f"({time.perf_counter() - t0:.0f} s)", flush=True)
    else:
        parts = [_render_chunk(c) for c in chunks]
    order = np.concatenate([np.arange(len(scenes))[i::len(chunks)] for i in range(len(chunks))])
    data = {k: np.concatenate([p[k] for p in parts])[np.argsort(order)] for k in parts[0]}
    data["frame_size"] = np.asarray(size)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, suffix=".npz") as tmp:
            np.savez_compressed(tmp, **data)
    return _samples(data)


def _samples(d: dict[str, np.ndarray]) -> Samples:
    return Samples((d["img"], d["wld"], d["vis"], d["pre"]),
                   (d["mimg"], d["mwld"], d["mvis"], d["mpre"]),
                   {k[6:]: d[k] for k in d if k.startswith("truth_")},
                   {k[4:]: d[k] for k in d if k.startswith("cam_")},
                   (int(d["frame_size"][0]), int(d["frame_size"][1])), d["roll"])


def estimates(samples: Samples, method: str, flip: bool, roll: bool | str,
              measures: tuple[str, ...] = REPORTED) -> dict[str, np.ndarray]:
    """Per measure ``(N,)`` estimates (NaN where gated), and the 90% interval bounds.

    ``roll``: True / ``"scene"`` = remove the camera roll estimated from the scene's lines;
    ``"given"`` = the roll a user would type in from a spirit level (the true roll plus a
    reading error uniform in +-:data:`GIVEN_ROLL_ERROR_DEG`, fixed seed); False = none.
    """
    known = np.isfinite(samples.roll_estimate)
    if roll == "given":
        err = np.random.default_rng(0).uniform(-GIVEN_ROLL_ERROR_DEG, GIVEN_ROLL_ERROR_DEG,
                                               len(samples))
        roll_deg: np.ndarray | float = -samples.camera["roll_deg"] + err
        source: np.ndarray | str = "given"
    else:
        on = bool(roll)
        roll_deg = np.nan_to_num(samples.roll_estimate) if on else 0.0
        source = np.where(known & on, "scene", "none")
    ms = compute_measures(samples.series(flip), smoothing=None, method=method,
                          independent_frames=True, roll_deg=roll_deg, roll_source=source)
    out = {k: ms.values[k] for k in measures}
    for k in measures:
        lo, hi = ms.interval90(k)
        out[f"{k}_lo"], out[f"{k}_hi"] = lo, hi
    return out


def evaluate(samples: Samples, method: str, flip: bool, roll: bool | str,
             measures: tuple[str, ...] = REPORTED) -> dict[str, dict[str, float]]:
    """Per measure: MAE, p95, sign-correct rate (|truth| >= 3), measured share, ci90 coverage."""
    est = estimates(samples, method, flip, roll, measures)
    out: dict[str, dict[str, float]] = {}
    for k in measures:
        e, t = est[k], samples.truth[k]
        ok = np.isfinite(e)
        err = np.abs(e - t)[ok]
        big = ok & (np.abs(t) >= 3.0)
        lo, hi = est[f"{k}_lo"][ok], est[f"{k}_hi"][ok]
        inside = (t[ok] >= lo) & (t[ok] <= hi)
        out[k] = {
            "mae": float(err.mean()) if err.size else float("nan"),
            "p95": float(np.percentile(err, 95)) if err.size else float("nan"),
            "sign_correct": float(np.mean(np.sign(e[big]) == np.sign(t[big]))) if big.any()
            else float("nan"),
            "measured": float(ok.mean()),
            "coverage": float(inside.mean()) if inside.size and np.isfinite(lo).any()
            else float("nan"),
            "n": int(ok.sum()),
        }
    return out


def fit(samples: Samples, flip: bool = True) -> dict[str, dict[str, float]]:
    """Refit the calibration coefficients on ``samples`` (flip-averaged, scene roll removed)."""
    s = samples.series(flip)
    ok = s.detected
    blk = hybrid_block(s.image[ok], s.world[ok], s.frame_size,
                       np.nan_to_num(samples.roll_estimate[ok]))
    F = cal.features(blk.px, blk.world, s.frame_size)
    truth = {k: v[ok] for k, v in samples.truth.items()}
    return cal.fit_coefficients(F, truth)


INTERVAL_SETS = ("interval_cal",)
SIDE_INTERVAL_SETS = ("side_interval_cal",)
# left/right twins: the estimators are mirror-symmetric, so one width serves both sides
_TWINS = (("foot_turnout_left", "foot_turnout_right"), ("hip_flexion_left", "hip_flexion_right"),
          ("knee_flexion_left", "knee_flexion_right"))


def interval_table(sets: list[Samples], measures: tuple[str, ...] = REPORTED,
                   yaw_bins: tuple[float, ...] | None = None, monotone: bool = True,
                   flip: bool = True) -> dict[str, tuple[float, ...]]:
    """The model-error half-widths of :data:`posture_check.measures.uncertainty.HALF_WIDTH_90`.

    Per measure and |estimated subject yaw| bin (``yaw_bins``, default
    :data:`~posture_check.measures.uncertainty.YAW_BINS`, the turn from facing the camera or
    facing away): the 90th percentile of the product estimator's absolute error (flip averaged,
    the *true* camera roll removed, so the roll enters the interval once, through its own term)
    over ``sets`` (:data:`INTERVAL_SETS` for the frontal measures, :data:`SIDE_INTERVAL_SETS`
    with one bin for the sagittal ones: every axis outside the fit family, as footage we never
    rendered is; held_all and side_held_all, the coverage checks, are not among them). Left
    and right twins share one width. ``monotone``: the widths never shrink as the turn grows
    (a running maximum over the bins: a sparse bin must not promise more), which holds for the
    frontal measures. :func:`full_interval_table` assembles the product's table.
    """
    from posture_check.measures.uncertainty import YAW_BINS

    errs: dict[str, list[np.ndarray]] = {k: [] for k in measures}
    yaws: list[np.ndarray] = []
    for smp in sets:
        ms = compute_measures(smp.series(flip), smoothing=None, method="product",
                              independent_frames=True, roll_deg=-smp.camera["roll_deg"],
                              roll_source="given")
        a = np.abs(ms.subject_yaw_deg)
        yaws.append(np.minimum(a, 180.0 - a))
        for k in errs:
            errs[k].append(np.abs(ms.values[k] - smp.truth[k]))
    yaw = np.concatenate(yaws)
    edges = (*(YAW_BINS if yaw_bins is None else yaw_bins), np.inf)
    out: dict[str, tuple[float, ...]] = {}
    for k in errs:
        twins = next((t for t in _TWINS if k in t and all(x in errs for x in t)), (k,))
        e = np.concatenate([np.concatenate(errs[x]) for x in twins])
        yaw_k = np.concatenate([yaw] * len(twins))
        row = []
        for lo, hi in itertools.pairwise(edges):
            m = np.isfinite(e) & (yaw_k >= lo) & (yaw_k < hi)
            row.append(float(np.percentile(e[m], 90)) if m.any() else float("nan"))
        out[k] = tuple(round(float(v), 2) for v in (np.fmax.accumulate(row) if monotone
                                                      else row))
    return out


KNEES = ("knee_flexion_left", "knee_flexion_right")


def full_interval_table(front: list[Samples], side: list[Samples], flip: bool = True
                        ) -> dict[str, tuple[float, ...]]:
    """:data:`~posture_check.measures.uncertainty.HALF_WIDTH_90` from the frontal and the side
    interval sets: frontal measures by their turn bins; trunk and hip flexion (side views only)
    one width; knee flexion (any view) a front width (turn < 45 deg, from the frontal sets: a
    front view sees a knee bend foreshortened) and a side width (from the side sets)."""
    from posture_check.measures.uncertainty import SIDE_SPLIT_DEG

    table = interval_table(front, flip=flip)
    knees_front = interval_table(front, KNEES, (0.0, SIDE_SPLIT_DEG), monotone=False, flip=flip)
    by_side = interval_table(side, SIDE_REPORTED, (0.0, SIDE_SPLIT_DEG), monotone=False,
                             flip=flip)
    for k, (_, side_w) in by_side.items():
        table[k] = (knees_front[k][0], side_w) if k in KNEES else (side_w,)
    return table


def skeleton_gate_line(samples: Samples) -> str:
    """How many scenes the skeleton-proportion gate
    (:func:`~posture_check.measures.gating.body_proportions_ok`) takes out of this set, with and
    without flip averaging."""
    from posture_check.measures.gating import MIN_HIP_PER_TRUNK, body_proportions_ok

    counts = []
    for flip in (True, False):
        s = samples.series(flip)
        blk = hybrid_block(s.image, s.world, s.frame_size, 0.0)
        counts.append(int((~body_proportions_ok(blk.world)).sum()))
    return (f"skeleton gate (3D hip width < {MIN_HIP_PER_TRUNK:g} x trunk): {counts[0]} of "
            f"{len(samples)} scenes gated flip-averaged, {counts[1]} plain")


TURN_BINS = (0.0, 5.0, 10.0, 15.0, 20.0)
TRUE_YAW_BINS = (0.0, 6.0, 12.0, 18.0, 26.0)


def breakdown(samples: Samples, measures: tuple[str, ...] = REPORTED
              ) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """Product error (flip averaged, levelled camera) by bins of the body's *estimated* turn
    (:data:`TURN_BINS`, what a gate could use) and of the *true* camera yaw
    (:data:`TRUE_YAW_BINS`): per measure, ``{"turn": [(n, MAE), ...], "true_yaw": [...]}``.

    Written to decide whether a turn gate pays (issue 10): it does only if the error grows
    with the estimated turn."""
    est = estimates(samples, "product", True, "given", measures)
    ms_turn = np.abs(cal.turn_deg(_subject_yaw(samples)))
    true_yaw = np.abs(samples.camera["yaw_deg"])
    out: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for k in measures:
        err = np.abs(est[k] - samples.truth[k])
        row: dict[str, list[tuple[int, float]]] = {}
        for label, x, edges in (("turn", ms_turn, TURN_BINS), ("true_yaw", true_yaw,
                                                                TRUE_YAW_BINS)):
            cells = []
            for lo, hi in itertools.pairwise(edges):
                m = np.isfinite(err) & (x >= lo) & (x < hi)
                cells.append((int(m.sum()), float(err[m].mean()) if m.any() else float("nan")))
            row[label] = cells
        out[k] = row
    return out


def _subject_yaw(samples: Samples) -> np.ndarray:
    s = samples.series(True)
    blk = hybrid_block(s.image, s.world, s.frame_size, -samples.camera["roll_deg"])
    from posture_check.measures.body_frame import subject_yaw_deg

    return subject_yaw_deg(blk.world)


def turnout_true_yaw_bound(fit_samples: Samples, samples: Samples) -> tuple[float, float]:
    """Per-foot turn-out MAE ``(left, right)`` on ``samples`` if the pelvis yaw were known:
    the sum model as in the product, the difference refitted on ``fit_samples`` from the
    per-foot columns and the *true* camera yaw instead of every yaw cue (the body faces
    forward in these scenes, so the camera yaw is its turn). No yaw cue can do better than
    this with the same foot columns."""
    def design(smp: Samples) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        s = smp.series(True)
        blk = hybrid_block(s.image, s.world, s.frame_size, -smp.camera["roll_deg"])
        F = cal.features(blk.px, blk.world, s.frame_size)
        cols = {k: v for k, v in cal.turnout_design(F, "diff").items()
                if k in ("cam", "cam_sq", *cal._PER_FOOT)}
        cols["yaw"] = smp.camera["yaw_deg"]
        return F, cols

    _, cols = design(fit_samples)
    names = list(cols)
    X = np.column_stack([cols[n] for n in names])
    t = fit_samples.truth
    y = t["foot_turnout_right"] - t["foot_turnout_left"]
    ok = np.isfinite(X).all(axis=1) & np.isfinite(y)
    coef, *_ = np.linalg.lstsq(X[ok], y[ok], rcond=None)
    F, cols = design(samples)
    d = np.column_stack([cols[n] for n in names]) @ coef
    s_ = cal._linear(cal.turnout_design(F, "sum"), cal.COEF_TURNOUT_SUM)
    t = samples.truth
    return (float(np.nanmean(np.abs(0.5 * (s_ - d) - t["foot_turnout_left"]))),
            float(np.nanmean(np.abs(0.5 * (s_ + d) - t["foot_turnout_right"]))))


def format_breakdown(name: str, rows: dict[str, dict[str, list[tuple[int, float]]]],
                     bound: tuple[float, float] | None) -> str:
    """The :func:`breakdown` of one set as text (n and MAE per bin)."""
    def head(edges: tuple[float, ...]) -> str:
        return "".join(f" {f'{lo:g}-{hi:g}':>11s}" for lo, hi in itertools.pairwise(edges))

    lines = [f"-- {name}: product error (levelled) by estimated turn | by true camera yaw "
             "(n MAE per bin, degrees)",
             f"{'measure':24s}{head(TURN_BINS)} |{head(TRUE_YAW_BINS)}"]
    for k, row in rows.items():
        cells = ["".join(f" {n:4d} {e:6.2f}" for n, e in row[label])
                 for label in ("turn", "true_yaw")]
        lines.append(f"{k:24s}{cells[0]} |{cells[1]}")
    if bound is not None:
        lines.append(f"turn-out per foot with the TRUE pelvis yaw (bound): {bound[0]:.2f} / "
                     f"{bound[1]:.2f}")
    return "\n".join(lines)


def format_table(results: dict[str, dict[str, dict[str, float]]], goals: bool = True) -> str:
    """Side-by-side table: rows = measures, column groups = estimators."""
    methods = list(results)
    width = 33
    head = f"{'measure':24s}" + "".join(f" | {m:^{width}s}" for m in methods)
    head += " | goal MAE" if goals else ""
    sub = f"{'':24s}" + "".join(f" | {'MAE':>6s} {'p95':>6s} {'sign':>6s} {'meas':>5s} {'ci90':>5s}"
                                for _ in methods) + " |"
    lines = [head, sub, "-" * len(head)]
    for k in results[methods[0]]:
        row = f"{k:24s}"
        for m in methods:
            r = results[m][k]
            cov = f"{r['coverage'] * 100:4.0f}%" if np.isfinite(r["coverage"]) else "   - "
            row += (f" | {r['mae']:6.2f} {r['p95']:6.2f} {r['sign_correct'] * 100:5.1f}%"
                    f" {r['measured'] * 100:4.0f}% {cov}")
        goal = GOALS.get(k)
        if goals and goal is not None:  # judged on each product column, left to right
            verdicts = ["met" if results[m][k]["mae"] <= goal else "MISSED"
                        for m in methods if m.startswith("product")]
            row += f" | <= {goal:.1f} {' / '.join(verdicts)}"
        lines.append(row)
    return "\n".join(lines)


# (estimator, flip averaging, camera roll removed: False / True = from the scene / "given" =
# typed in by the user); "naive" = the plain reading, as a user of MediaPipe would compute it.
# The last column is the product as it runs with a levelled camera (set-up check, or
# `analyze --camera-roll-deg`); the one before it, the product on a camera nobody levelled.
VARIANTS: tuple[tuple[str, bool, bool | str], ...] = (
    ("naive", False, False), ("naive", True, True), ("hybrid", True, True),
    ("calibrated", True, True), ("product", True, True), ("product", True, "given"))


def variant_name(method: str, flip: bool, roll: bool | str) -> str:
    tail = "+roll given" if roll == "given" else "+roll" if roll else ""
    return method + ("+flip" if flip else "") + tail


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sets", default="in_family,held_body,held_clothes,held_camera,held_all,"
                                          "side_in_family,side_held_all",
                        help="comma-separated sets to report (of: " + ", ".join(SETS) + ")")
    parser.add_argument("--quick", action="store_true",
                        help="only the held_all set, first 60 scenes, no cache (about a minute)")
    parser.add_argument("--fit", action="store_true",
                        help="render the fit set and print refitted calibration coefficients")
    parser.add_argument("--intervals", action="store_true",
                        help="print the 90%% interval table (uncertainty.HALF_WIDTH_90) measured "
                             "on " + ", ".join(INTERVAL_SETS))
    parser.add_argument("--breakdown", action="store_true",
                        help="also print each set's error by estimated turn and by true camera "
                             "yaw, and the turn-out error with the true pelvis yaw")
    parser.add_argument("--cache", metavar="DIR", help="render cache folder (default: user cache)")
    parser.add_argument("--no-cache", action="store_true", help="always render anew")
    parser.add_argument("--workers", type=int, default=2, help="render processes (default 2)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")


def run(args: argparse.Namespace) -> int:
    from posture_check.atomic import write_text_atomic

    cache = None if (args.no_cache or args.quick) else Path(args.cache or default_cache())
    if args.fit:
        spec = SETS["fit"]
        print(f"fit set: seed {spec.seed}, {spec.n} scenes, families {spec.family}")
        coef = fit(render_set(spec, cache, args.workers, progress=True))
        for name, c in coef.items():
            print(f"{name} = {json.dumps(c)}")
        return 0
    if args.intervals:
        front = [render_set(SETS[n], cache, args.workers, progress=True) for n in INTERVAL_SETS]
        side = [render_set(SETS[n], cache, args.workers, progress=True)
                for n in SIDE_INTERVAL_SETS]
        for title, flip in (("HALF_WIDTH_90", True), ("HALF_WIDTH_90_PLAIN", False)):
            print(f"{title} = {{")
            for name, row in full_interval_table(front, side, flip).items():
                print(f"    {name!r}: {row},")
            print("}")
        return 0
    names = ["held_all"] if args.quick else [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        raise SystemExit(f"unknown set(s) {unknown}; expected some of {list(SETS)}")
    report: dict[str, dict] = {}
    for name in names:
        spec = SETS[name]
        if args.quick:
            spec = SetSpec(spec.name, spec.seed, 60, spec.family)
        t0 = time.perf_counter()
        samples = render_set(spec, cache, args.workers, progress=True)
        took = time.perf_counter() - t0
        results = {variant_name(*v): evaluate(samples, *v, spec.reported) for v in VARIANTS}
        held = [a if spec.family[a] == "held" else f"{a} ({spec.family[a]})" for a in AXES
                if spec.family[a] != "fit"]
        print(f"\n== {name}: {len(samples)} scenes, seed {spec.seed}, held out: "
              f"{', '.join(held) or 'nothing (in family)'} ({took:.0f} s)")
        print(format_table(results, goals=name == "held_all"))
        print(skeleton_gate_line(samples))
        if args.breakdown and spec.view == "front":
            bound = turnout_true_yaw_bound(render_set(SETS["fit"], cache, args.workers),
                                           samples)
            print(format_breakdown(name, breakdown(samples), bound))
        report[name] = {"spec": asdict(spec), "results": results}
    print("\nerrors in degrees; sign = sign correct where |truth| >= 3 deg; meas = share of "
          "scenes measured; ci90 = share of measured scenes whose 90% interval holds the truth. "
          "'product' = the estimator each measure uses (measures.specs.ESTIMATOR), with flip "
          "averaging.")
    if args.json:
        write_text_atomic(args.json, json.dumps(report, indent=2))
    return 0
