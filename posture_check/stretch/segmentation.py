"""Split a stretch recording into repetitions and phases: moving in, holding, moving out, rest.

Input is the cleaned, uniformly sampled *depth* (``direction * angle``, larger = deeper; see
:mod:`.catalogue`) in three smoothings from :func:`prepare`: ``depth`` (4 Hz low-pass, tremor and
jitter removed), ``slow`` (0.5 Hz low-pass, only used to find repetitions) and ``speed`` (derivative
of the 2 Hz low-pass, deg/s).

1. Repetitions: hysteresis on ``slow``: in the stretch once above the engage threshold
   (:func:`engage_threshold`), out again only 30 % of ``engage_deg`` (>= 2 deg) below it.
   The 0.5 Hz signal does not follow a 0.5-3 Hz bounce, so a
   bouncing hold stays one repetition. Windows shorter than ``MIN_REP_S`` are jitter.
2. Hold level P: the median depth over the part of the window above 60 % of its excursion from
   the rest level R (10th percentile of the rest before it).
3. Ramps: moving in is first located by its 10 % and 90 % crossings of R..P (robust to jitter
   whatever the speed), extended to the ramp's ends assuming a cosine ease, then refined by a
   least-squares fit of an eased ramp to every sample around it (:func:`refine_ramp`). Speed
   thresholds were tried first and put the end of a slow, shallow entry up to 2 s early under
   1-2 deg jitter; the fit keeps the hold error under ~0.7 s on the synthetic grid (benchmark).
   Moving out mirrors this. A bouncing hold is one hold: the bounce is zero-mean around P.
4. Everything outside repetitions is rest.

All boundaries are sample indices on the uniform grid; durations are differences of its times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from .preprocess import DEFAULT_FS, MAX_GAP_S, derivative, despike, lowpass, resample_uniform, runs

TREMOR_CUTOFF_HZ = 4.0  # below physiological tremor (6-12 Hz)
SPEED_CUTOFF_HZ = 2.0
SLOW_CUTOFF_HZ = 0.5
REFINE = True
MIN_REP_S = 1.0
SEARCH_S = 10.0
SLOW_FRACTION = 0.05  # of the entry's (exit's) peak speed
SLOW_MIN_DEG_S = 3.0  # how far outside a window to look for the start / end of the movement
PHASES = ("rest", "moving_in", "holding", "moving_out")


@dataclass(frozen=True)
class Prepared:
    """Uniformly resampled, cleaned depth signals (see module docstring)."""

    t_s: np.ndarray
    fs: float
    raw: np.ndarray
    depth: np.ndarray
    slow: np.ndarray
    speed: np.ndarray


@dataclass(frozen=True)
class Segment:
    """One repetition as indices into :class:`Prepared` arrays (``start <= hold_start <= hold_end
    <= end``), its hold level and whether the recording cut it."""

    start: int
    hold_start: int
    hold_end: int
    end: int
    hold_level: float
    rest_level: float
    cut_at_start: bool
    cut_at_end: bool


def prepare(t_s: np.ndarray, depth_deg: np.ndarray, fs: float = DEFAULT_FS,
            max_gap_s: float = MAX_GAP_S) -> Prepared:
    """Resample to ``fs``, remove single-frame spikes and low-pass (see module docstring)."""
    tu, xu = resample_uniform(t_s, depth_deg, fs, max_gap_s)
    x = despike(xu, fs)
    depth = lowpass(x, fs, TREMOR_CUTOFF_HZ)
    slow = lowpass(x, fs, SLOW_CUTOFF_HZ)
    speed = derivative(lowpass(x, fs, SPEED_CUTOFF_HZ), fs)
    return Prepared(tu, fs, xu, depth, slow, speed)


def hysteresis(x: np.ndarray, on: float, off: float) -> np.ndarray:
    """Bool state: True from a sample above ``on`` until one below ``off`` (NaN counts as off)."""
    set_ = x > on
    reset = ~(x >= off)  # includes NaN
    last = np.where(set_ | reset, np.arange(x.size), -1)
    last = np.maximum.accumulate(last)
    return (last >= 0) & set_[np.clip(last, 0, None)]


def engage_threshold(slow: np.ndarray, engage_deg: float, margin_deg: float = 5.0,
                     fraction: float = 0.25) -> float:
    """Depth above which a repetition starts: the catalogue's ``engage_deg``, raised when the
    person's resting angle reads deeper than that (MediaPipe reads a resting split stance as
    ~9 deg of hip extension) to ``rest + max(margin, fraction * (p95 - rest))``, with rest the
    5th percentile of the slow depth. A recording without a clear excursion (p95 - rest below two
    margins: e.g. it starts and ends in the hold) keeps the absolute ``engage_deg``."""
    if not np.isfinite(slow).any():
        return engage_deg
    rest, high = np.nanpercentile(slow, [5, 95])
    if high - rest < 2 * margin_deg:
        return engage_deg
    return float(max(engage_deg, rest + max(margin_deg, fraction * (high - rest))))


def _first(mask: np.ndarray) -> int | None:
    i = np.flatnonzero(mask)
    return int(i[0]) if i.size else None


def _last(mask: np.ndarray) -> int | None:
    i = np.flatnonzero(mask)
    return int(i[-1]) if i.size else None


def _ease(u: np.ndarray) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))


def refine_ramp(t: np.ndarray, x: np.ndarray, t0: float, t1: float, lo_t: float, hi_t: float
                ) -> tuple[float, float]:
    """Least-squares fit of an eased ramp ``a + (b - a) * ease((t - t0) / (t1 - t0))`` to the
    samples with ``lo_t <= t <= hi_t``; returns the fitted (t0, t1) or the inputs if the fit fails
    or moves an edge by more than 1 s + half the ramp. Rising and falling ramps alike
    (``b < a`` for falling).

    The speed threshold alone puts the end of a slow, shallow entry early by up to ~2 s when the
    jitter is 1-2 deg (the last second of a slow ease moves less than the noise); fitting the whole
    ramp uses every sample of it. Cosine ease is the shape of the renderer's keyframes; a human's
    minimum-jerk-like entry differs from it by far less than the noise."""
    m = (t >= lo_t) & (t <= hi_t) & np.isfinite(x)
    tt, xx = t[m], x[m]
    if tt.size < 8 or t1 - t0 <= 0:
        return t0, t1
    a0 = float(np.median(xx[tt <= t0])) if np.any(tt <= t0) else float(xx[0])
    b0 = float(np.median(xx[tt >= t1])) if np.any(tt >= t1) else float(xx[-1])

    def resid(q: np.ndarray) -> np.ndarray:
        a, b, s0, dur = q
        return a + (b - a) * _ease((tt - s0) / max(dur, 1e-3)) - xx

    q0 = np.array([a0, b0, t0, t1 - t0])
    lower = [-np.inf, -np.inf, lo_t - 1.0, 0.1]
    upper = [np.inf, np.inf, hi_t, hi_t - lo_t + 1.0]
    try:
        fit = least_squares(resid, np.clip(q0, np.add(lower, 1e-9), np.subtract(upper, 1e-9)),
                            bounds=(lower, upper), loss="soft_l1", f_scale=2.0, x_scale="jac")
    except ValueError:
        return t0, t1
    f0, f1 = float(fit.x[2]), float(fit.x[2] + fit.x[3])
    tol = 1.0 + 0.5 * (t1 - t0)
    if not fit.success or abs(f0 - t0) > tol or abs(f1 - t1) > tol:
        return t0, t1
    return f0, f1


def segment(p: Prepared, engage_deg: float, hysteresis_deg: float | None = None) -> list[Segment]:
    """Repetitions in ``p`` (see module docstring)."""
    n = p.t_s.size
    if n == 0:
        return []
    on = engage_threshold(p.slow, engage_deg)
    hyst = hysteresis_deg if hysteresis_deg is not None else max(2.0, 0.3 * engage_deg)
    engaged = hysteresis(p.slow, on, on - hyst)
    windows = [(a, b) for a, b in runs(engaged) if p.t_s[b - 1] - p.t_s[a] >= MIN_REP_S]
    search = int(SEARCH_S * p.fs)
    x = p.depth
    segs: list[Segment] = []
    prev_end = 0
    for k, (a, b) in enumerate(windows):
        nxt = windows[k + 1][0] if k + 1 < len(windows) else n
        lo, hi = max(prev_end, a - search), min(nxt, b + search)  # search range [lo, hi)
        before = x[lo:a][~engaged[lo:a]]
        rest = float(np.nanpercentile(before, 10)) if np.isfinite(before).any() else float(
            np.nanmin(x[a:b]))
        win = x[a:b]
        top = float(np.nanmax(win))
        amp = top - rest
        upper = win[win >= rest + 0.6 * amp]
        level = float(np.nanmedian(upper)) if upper.size else top
        excursion = max(level - rest, 0.0)
        lo10, hi90 = rest + 0.1 * excursion, rest + 0.9 * excursion
        top = np.flatnonzero(win >= hi90) + a
        i90_in, i90_out = int(top[0]), int(top[-1])
        before = np.flatnonzero(x[lo:i90_in + 1] <= lo10)
        i10_in = lo + int(before[-1]) if before.size else lo
        after = np.flatnonzero(x[i90_out:hi] <= lo10)
        i10_out = i90_out + int(after[0]) if after.size else hi - 1
        # a cosine ease spends 59 % of its duration between 10 % and 90 %: first guess of the
        # ramp ends, then a least-squares ramp fit (see refine_ramp)
        start, hold_start = _ramp_guess(p, i10_in, i90_in, lo, hi - 1)
        hold_end, end = _ramp_guess(p, i90_out, i10_out, lo, hi - 1)
        if REFINE:
            start, hold_start = _refined(p, start, hold_start, lo, i90_out)
            hold_end, end = _refined(p, hold_end, end, max(hold_start, i90_in), hi - 1)
        if hold_end < hold_start:  # touch and go: no hold
            hold_start = hold_end = a + int(np.nanargmax(win))
        band_wide = max(5.0, 0.25 * excursion)
        cut_start = start == 0 and bool(x[0] > rest + band_wide)
        cut_end = end >= n - 1 and bool(np.isfinite(x[-1]) and x[-1] > level - band_wide)
        segs.append(Segment(start, hold_start, hold_end, end, level, rest, cut_start, cut_end))
        prev_end = end
    return segs


def _ramp_guess(p: Prepared, i10: int, i90: int, lo: int, hi: int) -> tuple[int, int]:
    """Ramp ends from its 10 % and 90 % crossings, assuming a cosine ease."""
    d = abs(p.t_s[i90] - p.t_s[i10]) / 0.59
    ext = round(0.205 * float(d) * p.fs)
    if i90 >= i10:
        return max(lo, i10 - ext), min(hi, i90 + ext)
    return max(lo, i90 - ext), min(hi, i10 + ext)


def _refined(p: Prepared, i0: int, i1: int, lo: int, hi: int) -> tuple[int, int]:
    """Ramp-fit refinement of the ramp between samples ``i0`` and ``i1``, searching within
    ``[lo, hi]`` and at most 3 s beyond the ramp; keeps the order of the indices."""
    t = p.t_s
    pad = int(3.0 * p.fs)
    a, b = max(lo, i0 - pad), min(hi, i1 + pad)
    f0, f1 = refine_ramp(t, p.depth, float(t[i0]), float(t[i1]), float(t[a]), float(t[b]))
    j0 = int(np.clip(np.searchsorted(t, f0), a, b))
    j1 = int(np.clip(np.searchsorted(t, f1), j0, b))
    return j0, j1


def phase_codes(n: int, segs: list[Segment]) -> np.ndarray:
    """``(n,)`` int8 index into :data:`PHASES` for every sample."""
    code = np.zeros(n, np.int8)
    for s in segs:
        code[s.start:s.hold_start] = 1
        code[s.hold_start:s.hold_end + 1] = 2
        code[s.hold_end + 1:s.end + 1] = 3
    return code


def phase_intervals(t_s: np.ndarray, code: np.ndarray) -> list[dict]:
    """``[{"phase", "t0_s", "t1_s"}, ...]`` like the renderer's labels (contiguous, in order)."""
    if code.size == 0:
        return []
    change = np.flatnonzero(np.diff(code)) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [code.size]])
    out = []
    for a, b in zip(starts, stops, strict=True):
        t1 = t_s[b] if b < code.size else t_s[-1]
        out.append({"phase": PHASES[code[a]], "t0_s": float(t_s[a]), "t1_s": float(t1)})
    return out
