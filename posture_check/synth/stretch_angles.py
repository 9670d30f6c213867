"""Synthetic stretch angle series with known truth, for tests and the benchmark.

A repetition is rest -> moving in -> hold (optionally with a sinusoidal bounce, an abrupt push or
small slow corrections) -> moving out -> rest. The entry and exit follow a *ramp shape*
(:data:`SHAPES`, fraction of the depth reached at fraction ``u`` of the ramp time):

* ``"cosine"``: cosine ease like the renderer's ``"smooth"`` keyframes (peak speed = pi/2 x mean);
* ``"minjerk"``: minimum-jerk (peak 1.875 x mean);
* ``"linear"``: constant speed, abrupt corners (the renderer's ``"linear"`` keyframes);
* ``"fast_slow"``: human-like: fast start, slow finish, ``1 - (1 - u)^3`` (peak 3 x mean at the
  start, creeping into the hold);
* ``"corrections"``: human-like: quick to ~85 %, a small 2 deg back-off, then a slow finish;
  the hold gets two slow +/-1.5 deg corrections;
* ``"overshoot"``: human-like: eased to 108 % of the depth in the ramp time, then settles back
  to the depth over 1.5 s (inside the hold).

The exit is the entry's mirror image in time (so both hold edges see the same corner), except
for ``"overshoot"`` whose exit is a cosine ease.

Truth: ``phases`` are the nominal ramp/hold boundaries the series was built from;
``hold_truth_s`` / ``hold_truth`` apply the definition of the hold
(:func:`posture_check.stretch.segmentation.hold_band_deg`: the first to the last moment within
the band below the plateau) to the clean series with the known plateau, so human-like shapes
whose end of movement is a matter of definition still have exact truth.

Noise imitates MediaPipe landmark jitter on an angle: white noise plus a slowly wandering
(AR(1), ~0.3 s) component plus rare single-frame outliers; frames can be dropped and timestamps
jittered. Everything is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class RepSpec:
    """One repetition (angles in depth units: degrees into the stretch from rest)."""

    depth_deg: float = 50.0
    entry_s: float = 3.0
    hold_s: float = 30.0
    exit_s: float = 3.0
    rest_after_s: float = 4.0
    bounce_amp_deg: float = 0.0
    bounce_hz: float = 2.0
    bounce_start_s: float = 0.0  # into the hold
    push_deg: float = 0.0  # abrupt deepening in the middle of the hold
    push_s: float = 0.25
    shape: str | None = None  # ramp shape (SHAPES); None = make_series(ease=...)


@dataclass(frozen=True)
class NoiseSpec:
    """Pose-model-like noise on a stretch angle: white, wandering, spikes, drop-outs (deg, s)."""

    white_deg: float = 1.0
    wander_deg: float = 1.0
    wander_tau_s: float = 0.3
    spike_prob: float = 0.003
    spike_deg: float = 12.0
    drop_prob: float = 0.0
    timestamp_jitter_s: float = 0.0


@dataclass(frozen=True)
class Synthetic:
    """A synthetic stretch angle over time: noisy (NaN where dropped) and clean (deg, s)."""

    t_s: np.ndarray
    angle_deg: np.ndarray  # noisy, NaN where dropped
    clean_deg: np.ndarray
    phases: list[dict] = field(default_factory=list)
    hold_s: list[float] = field(default_factory=list)
    entry_peak_speed_deg_s: list[float] = field(default_factory=list)
    hold_truth: list[tuple[float, float]] = field(default_factory=list)
    hold_truth_s: list[float] = field(default_factory=list)


def _minjerk(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (10 - 15 * u + 6 * u**2)


def _cosine(u: np.ndarray) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))


def _linear(u: np.ndarray) -> np.ndarray:
    return np.clip(u, 0.0, 1.0)


def _fast_slow(u: np.ndarray) -> np.ndarray:
    return 1.0 - (1.0 - np.clip(u, 0.0, 1.0)) ** 3


def _corrections(u: np.ndarray) -> np.ndarray:
    """Quick to 85 % (first 35 %), back off by 4 % (2 deg of 50), slow finish (last 45 %)."""
    u = np.clip(u, 0.0, 1.0)
    quick = 0.85 * _cosine(u / 0.35)
    back = -0.04 * _cosine((u - 0.35) / 0.2)
    finish = 0.19 * _cosine((u - 0.55) / 0.45)
    return quick + back + finish


def _overshoot(u: np.ndarray) -> np.ndarray:
    return 1.08 * _cosine(u)


# name -> (shape, peak speed / mean speed of the entry)
SHAPES = {"cosine": (_cosine, np.pi / 2), "minjerk": (_minjerk, 1.875), "linear": (_linear, 1.0),
          "fast_slow": (_fast_slow, 3.0), "corrections": (_corrections, 0.85 * np.pi / 2 / 0.35),
          "overshoot": (_overshoot, 1.08 * np.pi / 2)}
EASES = SHAPES  # the former name
OVERSHOOT_SETTLE_S = 1.5
CORRECTION_DEG = 1.5


def hold_truth(t: np.ndarray, clean_depth: np.ndarray, plateau_deg: float, rest_deg: float,
               t0: float, t1: float, band_deg: float | None = None) -> tuple[float, float]:
    """The hold by definition on a clean depth series: first and last time in ``[t0, t1)``
    within ``band_deg`` below ``plateau_deg`` (default: the noise-free band of
    :func:`~posture_check.stretch.segmentation.hold_band_deg`; pass the band an analysis used
    to compare with it)."""
    from posture_check.stretch.segmentation import hold_band_deg

    band = hold_band_deg(plateau_deg - rest_deg) if band_deg is None else band_deg
    inside = np.flatnonzero((t >= t0) & (t < t1) & (clean_depth >= plateau_deg - band))
    if inside.size == 0:
        return float("nan"), float("nan")
    return float(t[inside[0]]), float(t[inside[-1]])


def _profile(t: np.ndarray, r: RepSpec, shape: str, a: float) -> np.ndarray:
    """Depth (0 at rest) of one repetition starting at ``a`` (zero outside it)."""
    f, _ = SHAPES[shape]
    b = a + r.entry_s
    c = b + r.hold_s
    d = c + r.exit_s
    prof = np.where(t < b, r.depth_deg * f((t - a) / r.entry_s), r.depth_deg)
    if shape == "overshoot":
        settle = 0.08 * r.depth_deg * (1 - _cosine((t - b) / OVERSHOOT_SETTLE_S))
        prof = np.where(t >= b, r.depth_deg + settle, prof)
        out = r.depth_deg * (1 - _cosine((t - c) / r.exit_s))
    else:
        out = r.depth_deg * f((d - t) / r.exit_s)
    if shape == "corrections":  # two slow corrections: down then up, 1.5 s each
        for frac, sign in ((0.3, -1.0), (0.65, 1.0)):
            tc = b + frac * r.hold_s
            bump = CORRECTION_DEG * 0.5 * (1 - np.cos(2 * np.pi * np.clip((t - tc) / 1.5, 0, 1)))
            prof = prof + np.where((t >= b) & (t < c), sign * bump, 0.0)
    prof = np.where(t >= c, out, prof)
    return np.where((t >= a) & (t < d), prof, 0.0)


DEPTH_UNIT_DEG = 50.0  # the depth shape_fraction's absolute parts (corrections) are scaled to


def shape_fraction(t: np.ndarray, shape: str, rest_s: float, entry_s: float, hold_s: float,
                   exit_s: float) -> np.ndarray:
    """``(T,)`` fraction of the stretch's depth at times ``t`` for one repetition of ``shape``
    starting after ``rest_s`` (0 at rest, 1 at the plateau; the overshoot exceeds 1). The
    absolute corrections of ``"corrections"`` are those of a :data:`DEPTH_UNIT_DEG` stretch.
    Used to render clips with the same ramp shapes (``bench stretch``)."""
    if shape not in SHAPES:
        raise ValueError(f"unknown ramp shape {shape!r}; expected one of {', '.join(SHAPES)}")
    r = RepSpec(depth_deg=DEPTH_UNIT_DEG, entry_s=entry_s, hold_s=hold_s, exit_s=exit_s)
    return _profile(np.asarray(t, dtype=np.float64), r, shape, rest_s) / DEPTH_UNIT_DEG


def make_series(reps: list[RepSpec], fps: float = 30.0, rest_before_s: float = 3.0,
                rest_deg: float = 2.0, direction: int = 1, noise: NoiseSpec | None = None,
                seed: int = 0, ease: str = "cosine") -> Synthetic:
    """Angle series (``direction * depth + rest``) for ``reps`` with truth phases."""
    rng = np.random.default_rng(seed)
    for r in reps:
        if (r.shape or ease) not in SHAPES:
            raise ValueError(f"unknown ramp shape {r.shape or ease!r}; expected one of "
                             f"{', '.join(SHAPES)}")
    _ease = SHAPES[ease][0]
    total = rest_before_s + sum(r.entry_s + r.hold_s + r.exit_s + r.rest_after_s for r in reps)
    t = np.arange(0.0, total, 1.0 / fps)
    depth = np.zeros_like(t)
    phases = [{"phase": "rest", "t0_s": 0.0, "t1_s": rest_before_s}]
    t0 = rest_before_s
    truth: list[tuple[float, float]] = []
    for r in reps:
        a = t0
        b = a + r.entry_s
        c = b + r.hold_s
        d = c + r.exit_s
        prof = _profile(t, r, r.shape or ease, a)
        inside = (t >= a) & (t < d)
        hold = (t >= b) & (t < c)
        if r.bounce_amp_deg:
            tb = t - (b + r.bounce_start_s)
            env = np.clip(tb / 0.05, 0, 1) * np.clip((c - t) / 0.3, 0, 1)
            prof = prof + np.where(hold & (tb >= 0),
                                   r.bounce_amp_deg * env * np.sin(2 * np.pi * r.bounce_hz * tb), 0)
        if r.push_deg:
            tp = b + 0.5 * r.hold_s
            prof = prof + np.where(hold, r.push_deg * _minjerk((t - tp) / r.push_s), 0)
            prof = np.where(t >= c, (r.depth_deg + r.push_deg) * (1 - _ease((t - c) / r.exit_s)),
                            prof)
        depth = np.where(inside, prof, depth)
        truth.append(hold_truth(t, prof, r.depth_deg, 0.0, a, d))
        phases += [{"phase": "moving_in", "t0_s": a, "t1_s": b},
                   {"phase": "holding", "t0_s": b, "t1_s": c},
                   {"phase": "moving_out", "t0_s": c, "t1_s": d},
                   {"phase": "rest", "t0_s": d, "t1_s": d + r.rest_after_s}]
        t0 = d + r.rest_after_s
    clean = direction * depth + rest_deg
    x = clean.copy()
    tt = t.copy()
    if noise is not None:
        n = t.size
        x = x + rng.normal(0, noise.white_deg, n)
        phi = np.exp(-1.0 / (fps * noise.wander_tau_s))
        e = rng.normal(0, noise.wander_deg * np.sqrt(1 - phi**2), n)
        w = np.zeros(n)
        for i in range(1, n):  # AR(1) generator (test data, not library code)
            w[i] = phi * w[i - 1] + e[i]
        x = x + w
        spikes = rng.random(n) < noise.spike_prob
        x[spikes] += rng.choice([-1, 1], spikes.sum()) * noise.spike_deg
        if noise.drop_prob:
            x[rng.random(n) < noise.drop_prob] = np.nan
        if noise.timestamp_jitter_s:
            tt = tt + rng.uniform(-noise.timestamp_jitter_s, noise.timestamp_jitter_s, n)
            tt = np.maximum.accumulate(tt)
    return Synthetic(
        t_s=tt, angle_deg=x, clean_deg=clean, phases=phases,
        hold_s=[r.hold_s for r in reps],
        entry_peak_speed_deg_s=[SHAPES[r.shape or ease][1] * r.depth_deg / r.entry_s
                                for r in reps],
        hold_truth=truth, hold_truth_s=[e - s for s, e in truth],
    )


MEDIAPIPE_LIKE = NoiseSpec(white_deg=1.2, wander_deg=1.0)
