"""Synthetic stretch angle series with known truth, for tests and the benchmark.

A repetition is rest -> moving in (cosine ease like the renderer's ``"smooth"`` keyframes, peak
speed = pi/2 x mean speed; or minimum-jerk, 1.875 x) ->
hold (optionally with a sinusoidal bounce or an abrupt push) -> moving out -> rest. Noise imitates
MediaPipe landmark jitter on an angle: white noise plus a slowly wandering (AR(1), ~0.3 s)
component plus rare single-frame outliers; frames can be dropped and timestamps jittered.
Everything is seeded.
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


@dataclass(frozen=True)
class NoiseSpec:
    white_deg: float = 1.0
    wander_deg: float = 1.0
    wander_tau_s: float = 0.3
    spike_prob: float = 0.003
    spike_deg: float = 12.0
    drop_prob: float = 0.0
    timestamp_jitter_s: float = 0.0


@dataclass(frozen=True)
class Synthetic:
    t_s: np.ndarray
    angle_deg: np.ndarray  # noisy, NaN where dropped
    clean_deg: np.ndarray
    phases: list[dict] = field(default_factory=list)
    hold_s: list[float] = field(default_factory=list)
    entry_peak_speed_deg_s: list[float] = field(default_factory=list)


def _minjerk(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (10 - 15 * u + 6 * u**2)


def _cosine(u: np.ndarray) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))


EASES = {"cosine": (_cosine, np.pi / 2), "minjerk": (_minjerk, 1.875)}


def make_series(reps: list[RepSpec], fps: float = 30.0, rest_before_s: float = 3.0,
                rest_deg: float = 2.0, direction: int = 1, noise: NoiseSpec | None = None,
                seed: int = 0, ease: str = "cosine") -> Synthetic:
    """Angle series (``direction * depth + rest``) for ``reps`` with truth phases."""
    rng = np.random.default_rng(seed)
    _ease, peak_ratio = EASES[ease]
    total = rest_before_s + sum(r.entry_s + r.hold_s + r.exit_s + r.rest_after_s for r in reps)
    t = np.arange(0.0, total, 1.0 / fps)
    depth = np.zeros_like(t)
    phases = [{"phase": "rest", "t0_s": 0.0, "t1_s": rest_before_s}]
    t0 = rest_before_s
    for r in reps:
        a = t0
        b = a + r.entry_s
        c = b + r.hold_s
        d = c + r.exit_s
        prof = np.where(t < b, r.depth_deg * _ease((t - a) / r.entry_s), r.depth_deg)
        prof = np.where(t >= c, r.depth_deg * (1 - _ease((t - c) / r.exit_s)), prof)
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
        entry_peak_speed_deg_s=[peak_ratio * r.depth_deg / r.entry_s for r in reps],
    )


MEDIAPIPE_LIKE = NoiseSpec(white_deg=1.2, wander_deg=1.0)
