"""Per-repetition and per-session stretch-form analysis with verdicts and plain messages.

Verdicts (``definitions.md``), most serious first when a repetition has several faults:

* ``not_reached``: the hold level stays below the catalogue's target range.
* ``bouncing``: the angle oscillates during the hold (:mod:`.bounce`); doc 003 "avoid pulsing".
* ``too_fast``: moving in or out faster than the catalogue's slow limit, or pushing deeper abruptly
  during the hold; doc 000 "a fluid and slow movement", "don't push your body".
* ``too_short``: held less than the target hold (minus :data:`HOLD_GRACE_S`); doc 003 holds.
* ``good``.

A session's verdict is the most serious verdict among its repetitions (a single bounced rep is
worth telling), or ``not_reached`` when no repetition was found at all. Left and right are analysed
as separate series and compared in :attr:`StretchAnalysis.sides`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

from posture_check.measures.body_frame import subject_yaw_deg
from posture_check.measures.view import classify_view
from posture_check.pose.series import PoseSeries
from posture_check.presentation import doc_title, measure_label
from posture_check.stretch.angles import compute_angles, lifted_ankle_side
from posture_check.stretch.bounce import BounceResult, analyze_hold, trend_of
from posture_check.stretch.catalogue import HOLD_GRACE_S, Stretch, get_stretch
from posture_check.stretch.preprocess import DEFAULT_FS
from posture_check.stretch.segmentation import (
    Prepared,
    Segment,
    phase_codes,
    phase_intervals,
    prepare,
    segment,
)
from posture_check.stretch.smoothness import ldlj, sparc

VERDICTS = ("good", "too_fast", "bouncing", "too_short", "not_reached")
SEVERITY = {"not_reached": 4, "bouncing": 3, "too_fast": 2, "too_short": 1, "good": 0}
REACH_TOLERANCE_DEG = 3.0  # pose-estimate uncertainty allowed below the target before "not reached"
SESSION_DOC = (f"{doc_title('003')}: 5-10 minutes every other day; stop on sharp, shooting or "
               "electrical pain")


@dataclass(frozen=True)
class Repetition:
    """One repetition. Times in seconds on the input clock; angles in degrees of the stretch's
    angle (sign as defined, e.g. hip extension negative); speeds are magnitudes in deg/s."""

    index: int
    side: str
    t_start_s: float
    t_hold_start_s: float
    t_hold_end_s: float
    t_end_s: float
    hold_s: float
    hold_band_deg: float
    angle_reached_deg: float
    angle_peak_deg: float
    entry_peak_speed_deg_s: float
    entry_mean_speed_deg_s: float
    exit_peak_speed_deg_s: float
    exit_mean_speed_deg_s: float
    sparc_in: float
    ldlj_in: float
    sparc_out: float
    ldlj_out: float
    bounce_amplitude_deg: float
    bounce_frequency_hz: float
    bounce_reversals: int
    pushes: int
    cut_by_recording: bool
    faults: tuple[str, ...]
    verdict: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class SideSummary:
    """One side's repetitions: count, overall verdict, mean hold (s) and angle reached (deg)."""

    side: str
    n_reps: int
    verdict: str
    mean_hold_s: float
    mean_angle_reached_deg: float
    verdict_counts: dict[str, int]


@dataclass(frozen=True)
class StretchAnalysis:
    """Result of :func:`analyze_stretch` / :func:`analyze_series`.

    ``t_s``, ``angle_deg`` and ``phase`` are the uniformly resampled clean angle (4 Hz low-pass)
    and the phase name per sample, for plotting; ``phases`` the same as intervals per side.
    """

    stretch: str
    side: str
    repetitions: tuple[Repetition, ...]
    verdict: str
    messages: tuple[str, ...]
    sides: dict[str, SideSummary]
    phases: dict[str, list[dict]]
    t_s: dict[str, np.ndarray] = field(repr=False)
    angle_deg: dict[str, np.ndarray] = field(repr=False)
    phase: dict[str, np.ndarray] = field(repr=False)
    angle_name: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready summary (no per-sample arrays)."""
        return {
            "stretch": self.stretch, "side": self.side, "verdict": self.verdict,
            "messages": list(self.messages), "angle": dict(self.angle_name),
            "repetitions": [
                {k: (list(v) if isinstance(v, tuple) else _num(v)) for k, v in asdict(r).items()}
                for r in self.repetitions
            ],
            "sides": {k: asdict(v) for k, v in self.sides.items()},
            "phases": self.phases,
        }


def _num(v):
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def _fmt_range(lo: float, hi: float) -> str:
    return f"{lo:g}-{hi:g}"


def _rep_messages(st: Stretch, faults: list[str], hold_s: float, reached: float,
                  v_in: float, v_out: float, b: BounceResult, cut: bool) -> list[str]:
    lo, hi = st.hold_s
    msgs = []
    if "not_reached" in faults:
        msgs.append(
            f"The stretch reached {reached:.0f} deg; the target starts at "
            f"{st.target_deg[0]:.0f} deg. "
            "Go a little deeper only if it stays comfortable, never into sharp pain "
            f"({doc_title('003')}).")
    if "bouncing" in faults:
        msgs.append(
            f"Stop bouncing: the stretch pulsed {b.n_reversals // 2} times at "
            f"{b.frequency_hz:.1f} Hz, "
            f"+/-{b.amplitude_deg:.0f} deg. Hold still, avoid pulsing "
            f"({doc_title('003')}).")
    if "too_fast" in faults:
        v = max(v_in, v_out)
        which = "in" if v_in >= v_out else "out"
        msgs.append(
            f"Move {which} more slowly: you reached {v:.0f} deg/s; keep it under "
            f"{st.max_speed_deg_s:.0f} deg/s, with a fluid and slow movement "
            f"({doc_title('000')}).")
    if "pushing" in faults:
        msgs.append(
            f"Don't push deeper abruptly during the hold ({b.n_pushes} push"
            f"{'es' if b.n_pushes > 1 else ''}, up to {b.max_push_deg:.0f} deg): "
            f"ease in instead; don't push your body ({doc_title('000')}).")
    if "too_short" in faults:
        msgs.append(f"Hold for {_fmt_range(lo, hi)} s; you held {hold_s:.0f} s ({st.hold_source}).")
    if not faults:
        msgs.append(
            f"Good: slow entry (up to {v_in:.0f} deg/s), steady hold of {hold_s:.0f} s "
            f"(target {_fmt_range(lo, hi)} s, {st.hold_source}).")
    if hold_s > hi + HOLD_GRACE_S and "not_reached" not in faults:
        msgs.append(f"You held {hold_s:.0f} s; {hi:g} s is enough ({st.hold_source}).")
    if cut:
        msgs.append("The recording cut this repetition; its timing may be incomplete.")
    return msgs


def _verdict(faults: list[str]) -> str:
    mapped = ["too_fast" if f == "pushing" else f for f in faults]
    return max(mapped, key=SEVERITY.__getitem__) if mapped else "good"


def _repetition(st: Stretch, p: Prepared, s: Segment, k: int, side: str, trend: np.ndarray
                ) -> Repetition:
    t, x, v, d = p.t_s, p.depth, p.speed, st.direction
    absv = np.abs(v)

    def seg_speed(a: int, b: int) -> tuple[float, float, float, float]:
        if b - a < 2:
            return 0.0, 0.0, float("nan"), float("nan")
        prof = np.nan_to_num(absv[a:b + 1])
        mean = abs(x[b] - x[a]) / (t[b] - t[a]) if t[b] > t[a] else 0.0
        return float(prof.max()), float(mean), sparc(prof, p.fs), ldlj(prof, p.fs)

    pk_in, mean_in, sp_in, lj_in = seg_speed(s.start, s.hold_start)
    pk_out, mean_out, sp_out, lj_out = seg_speed(s.hold_end, s.end)
    hs = slice(s.hold_start, s.hold_end + 1)
    b = analyze_hold(t[hs], x[hs], trend[hs], v[hs])
    hold_s = float(t[s.hold_end] - t[s.hold_start])
    faults: list[str] = []
    if s.hold_level < st.target_deg[0] - REACH_TOLERANCE_DEG:
        faults.append("not_reached")
    if b.bouncing:
        faults.append("bouncing")
    if max(0.0 if s.cut_at_start else pk_in, 0.0 if s.cut_at_end else pk_out) > st.max_speed_deg_s:
        faults.append("too_fast")
    if b.n_pushes:
        faults.append("pushing")
    if hold_s < st.min_hold_s - HOLD_GRACE_S:
        faults.append("too_short")
    verdict = _verdict(faults)
    peak = float(np.nanmax(x[s.start:s.end + 1]))
    return Repetition(
        index=k, side=side, t_start_s=float(t[s.start]), t_hold_start_s=float(t[s.hold_start]),
        t_hold_end_s=float(t[s.hold_end]), t_end_s=float(t[s.end]), hold_s=hold_s,
        hold_band_deg=float(s.band_deg),
        angle_reached_deg=d * s.hold_level, angle_peak_deg=d * peak,
        entry_peak_speed_deg_s=pk_in, entry_mean_speed_deg_s=mean_in,
        exit_peak_speed_deg_s=pk_out, exit_mean_speed_deg_s=mean_out,
        sparc_in=sp_in, ldlj_in=lj_in, sparc_out=sp_out, ldlj_out=lj_out,
        bounce_amplitude_deg=b.amplitude_deg if b.bouncing else 0.0,
        bounce_frequency_hz=b.frequency_hz if b.bouncing else float("nan"),
        bounce_reversals=b.n_reversals, pushes=b.n_pushes,
        cut_by_recording=s.cut_at_start or s.cut_at_end, faults=tuple(faults), verdict=verdict,
        messages=tuple(_rep_messages(st, faults, hold_s, d * s.hold_level, pk_in, pk_out, b,
                                     s.cut_at_start or s.cut_at_end)),
    )


def _analyze_one(t_s, angle_deg, st: Stretch, side: str, fs: float):
    depth = st.direction * np.asarray(angle_deg, dtype=np.float64)
    p = prepare(t_s, depth, fs)
    segs = segment(p, st.engage_deg)
    trend = trend_of(p.depth, p.fs)
    reps = [_repetition(st, p, s, k, side, trend) for k, s in enumerate(segs)]
    code = phase_codes(p.t_s.size, segs)
    return p, reps, code


def _side_summary(side: str, reps: list[Repetition]) -> SideSummary:
    counts = {v: sum(r.verdict == v for r in reps) for v in VERDICTS}
    return SideSummary(
        side=side, n_reps=len(reps),
        verdict=max((r.verdict for r in reps), key=SEVERITY.__getitem__) if reps else "not_reached",
        mean_hold_s=float(np.mean([r.hold_s for r in reps])) if reps else 0.0,
        mean_angle_reached_deg=float(np.mean([r.angle_reached_deg for r in reps])) if reps
        else float("nan"),
        verdict_counts=counts,
    )


def _session_messages(st: Stretch, sides: dict[str, SideSummary],
                      measured: dict[str, bool] | None = None) -> list[str]:
    msgs = []
    for s in sides.values():
        label = "" if s.side == "both" else f"{s.side.capitalize()} side: "
        angle = measure_label(st.angle_name(s.side if s.side != "both" else "left")).lower()
        none = f"{label}{'no' if label else 'No'} {st.title.lower()} repetition was found"
        if s.n_reps == 0 and measured is not None and not measured.get(s.side, True):
            msgs.append(f"{none}: the {angle} could not be measured. Stand side on to the "
                        "camera with your whole body in view.")
        elif s.n_reps == 0:
            msgs.append(f"{none}; the {angle} never passed {st.engage_deg:g} degrees.")
        else:
            ok = s.verdict_counts.get("good", 0)
            msgs.append(f"{label}{s.n_reps} repetition{'s' if s.n_reps > 1 else ''}, {ok} good; "
                        f"mean hold {s.mean_hold_s:.0f} s (target {_fmt_range(*st.hold_s)} s, "
                        f"{st.hold_source}).")
    if {"left", "right"} <= set(sides) and sides["left"].n_reps and sides["right"].n_reps:
        le, ri = sides["left"], sides["right"]
        d_angle = abs(le.mean_angle_reached_deg) - abs(ri.mean_angle_reached_deg)
        d_hold = le.mean_hold_s - ri.mean_hold_s
        msgs.append(
            f"Left vs right: reached {abs(le.mean_angle_reached_deg):.0f} vs "
            f"{abs(ri.mean_angle_reached_deg):.0f} deg ({d_angle:+.0f}), held {le.mean_hold_s:.0f} "
            f"vs {ri.mean_hold_s:.0f} s ({d_hold:+.0f}).")
    elif {"left", "right"} <= set(sides):
        missing = [k for k in ("left", "right") if not sides[k].n_reps]
        msgs.append(f"Only one side was stretched; do the {missing[0]} side too.")
    msgs.append(f"Keep sessions gentle ({SESSION_DOC}).")
    return msgs


def _assemble(st: Stretch, side: str, per_side: dict, angle_names: dict[str, str],
              sides_wanted: list[str], reps: list[Repetition] | None = None) -> StretchAnalysis:
    if reps is None:
        reps = [rep for (_, r, _) in per_side.values() for rep in r]
    reps = sorted(reps, key=lambda r: r.t_start_s)
    reps = [replace(r, index=i) for i, r in enumerate(reps)]
    sides = {s: _side_summary(s, [r for r in reps if r.side == s]) for s in sides_wanted}
    verdict = max((r.verdict for r in reps), key=SEVERITY.__getitem__) if reps else "not_reached"
    msgs = []
    for r in reps:
        if r.verdict != "good":
            where = "" if r.side == "both" else f" ({r.side})"
            msgs.append(f"Repetition {r.index + 1}{where}: {r.messages[0]}")
    measured = {s: bool(np.isfinite(p.depth).any()) for s, (p, _, _) in per_side.items()}
    msgs += _session_messages(st, sides, measured)
    return StretchAnalysis(
        stretch=st.name, side=side, repetitions=tuple(reps), verdict=verdict, messages=tuple(msgs),
        sides=sides,
        phases={s: phase_intervals(p.t_s, c) for s, (p, _, c) in per_side.items()},
        t_s={s: p.t_s for s, (p, _, _) in per_side.items()},
        angle_deg={s: st.direction * p.depth for s, (p, _, _) in per_side.items()},
        phase={s: c for s, (_, _, c) in per_side.items()},
        angle_name=angle_names,
    )


def analyze_stretch(t_s: np.ndarray, angle_deg: np.ndarray, stretch: str | Stretch,
                    side: str = "both", fs: float = DEFAULT_FS) -> StretchAnalysis:
    """Analyse one angle series of one side.

    Args:
        t_s: ``(T,)`` timestamps in seconds, non-decreasing (duplicates dropped).
        angle_deg: ``(T,)`` the stretch's angle (its catalogue definition, sign included) in
            degrees; NaN where not measured. Gaps up to 1.5 s are bridged.
        stretch: catalogue name or entry.
        side: "left", "right" or "both"; only labels the result.
        fs: resampling rate (Hz) of the analysis grid.
    """
    st = get_stretch(stretch)
    if side not in ("left", "right", "both"):
        raise ValueError(f"side must be 'left', 'right' or 'both', got {side!r}")
    per_side = {side: _analyze_one(t_s, angle_deg, st, side, fs)}
    name = st.angle_name(side) if side != "both" or "{" not in st.angle else st.angle
    return _assemble(st, side, per_side, {side: name}, [side])


def in_stretch_view(series: PoseSeries, stretch: str | Stretch) -> np.ndarray:
    """``(T,)`` bool: the camera sees the person in one of the stretch's views (or half turned).

    Elsewhere, e.g. someone facing the camera for a side-view stretch, the stretch's angle is a
    projection artefact, so it is NaN: standing still facing the camera is never a repetition.
    """
    st = get_stretch(stretch)
    view = classify_view(subject_yaw_deg(series.world))
    return np.isin(view, [*st.views, "oblique"])


def select_angle(angles: dict[str, np.ndarray], stretch: str | Stretch, side: str,
                 lifted: np.ndarray | None = None) -> np.ndarray:
    """The stretch's angle for ``side`` from :func:`~.angles.compute_angles`-style ``angles``.

    For a sided stretch with ``side_rule == "lifted_ankle"`` frames where the *other* leg is the
    crossed one (``lifted``: :func:`~.angles.lifted_ankle_side`) are NaN, so a figure-four on
    one side is never counted for the other. Batch (:func:`side_angles`) and live
    (:meth:`~.online.OnlineStretchChecker.update_frame`) both select through here.
    """
    st = get_stretch(stretch)
    if not st.sided or side == "both":
        return angles[st.angle_name(None)]
    a = np.array(angles[st.angle_name(side)], dtype=np.float64, copy=True)
    if st.side_rule == "lifted_ankle" and lifted is not None:
        a[lifted != (1 if side == "left" else -1)] = np.nan
    return a


def side_angles(series: PoseSeries, stretch: str | Stretch, side: str,
                method: str = "measures") -> np.ndarray:
    """The stretch's angle for ``side`` from a pose series, ``(T,)`` deg (:func:`select_angle`;
    angles from the shared angle layer :mod:`.angles`); NaN in frames whose view does not show
    the stretch (:func:`in_stretch_view`)."""
    st = get_stretch(stretch)
    lifted = lifted_ankle_side(series) if st.side_rule == "lifted_ankle" else None
    a = select_angle(compute_angles(series, method), st, side, lifted)
    return np.where(in_stretch_view(series, st), a, np.nan)


def _active_leg_depth(series: PoseSeries, st: Stretch, method: str
                      ) -> tuple[np.ndarray, np.ndarray]:
    """For ``side_rule == "angle"`` (split stance): the deeper of the two legs' depths per frame
    and which leg it is (+1 left, -1 right, 0 unknown).

    MediaPipe mixes the legs up in side views of a split stance: now and then it swaps their
    labels, or lays both thighs on top of each other for a few frames. Taking the deeper leg per
    frame is immune to swaps; frames whose split (difference of the two legs' angles) collapses
    below 35 % of its 90th percentile are set to NaN (bridged if short). The side of each
    repetition is then decided by a majority vote over its hold (:func:`analyze_series`).
    """
    angles = compute_angles(series, method)
    d_left = st.direction * angles[st.angle_name("left")]
    d_right = st.direction * angles[st.angle_name("right")]
    depth = np.where(in_stretch_view(series, st), np.fmax(d_left, d_right), np.nan)
    which = np.where(d_left > d_right, 1, np.where(d_right > d_left, -1, 0)).astype(np.int8)
    split = np.abs(d_left - d_right)
    if np.isfinite(split).any():
        ref = np.nanpercentile(split, 90)
        depth[~(split >= 0.35 * ref)] = np.nan
    return depth, which


def _analyze_split_stance(series: PoseSeries, st: Stretch, side: str | None, method: str,
                          fs: float) -> StretchAnalysis:
    depth, which = _active_leg_depth(series, st, method)
    p, reps, code = _analyze_one(series.t_s, st.direction * depth, st, "both", fs)
    labelled = []
    for r in reps:
        inside = (series.t_s >= r.t_hold_start_s) & (series.t_s <= r.t_hold_end_s)
        if not inside.any():
            inside = (series.t_s >= r.t_start_s) & (series.t_s <= r.t_end_s)
        vote = float(np.mean(which[inside])) if inside.any() else 0.0
        rep_side = "left" if vote > 0 else "right"
        labelled.append(replace(r, side=rep_side))
    wanted = [side] if side else ["left", "right"]
    labelled = [r for r in labelled if r.side in wanted]
    name = st.angle.format(side="active", other="other")
    return _assemble(st, side or "left+right", {"active": (p, labelled, code)},
                     {"active": name}, wanted, labelled)


def analyze_series(series: PoseSeries, stretch_name: str | Stretch, side: str | None = None,
                   method: str = "measures", fs: float = DEFAULT_FS) -> StretchAnalysis:
    """Analyse a pose series. ``side=None`` analyses both sides of a sided stretch separately
    (frames assigned by the catalogue's side rule) and compares them; a side-free stretch is
    analysed once as ``"both"``. Split-stance stretches (``side_rule == "angle"``) follow the
    deeper leg and give each repetition the side that was deeper during its hold; ``side``
    then keeps only that side's repetitions."""
    st = get_stretch(stretch_name)
    if len(series) == 0:
        raise ValueError("the pose series is empty: expected at least one frame")
    if side not in (None, "left", "right", "both"):
        raise ValueError(f"side must be None, 'left', 'right' or 'both', got {side!r}")
    if st.sided and st.side_rule == "angle" and side != "both":
        return _analyze_split_stance(series, st, side, method, fs)
    sides = [side] if side is not None else (["left", "right"] if st.sided else ["both"])
    per_side, names = {}, {}
    for s in sides:
        ang = side_angles(series, st, s, method)
        per_side[s] = _analyze_one(series.t_s, ang, st, s, fs)
        names[s] = st.angle_name(s) if s != "both" or "{" not in st.angle else st.angle
    return _assemble(st, side or ("both" if not st.sided else "left+right"), per_side, names,
                     sides)
